"""archiver.dedup.sketch computes MinHash and the LSH band choice with numpy alone (datasketch
imports scipy, half a second of every command's start-up); both must stay exactly datasketch's,
or stored signatures and band keys stop comparing with new ones."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from archiver.dedup.sketch import LSH_WEIGHTS, Params, lsh_bands, shingles, sketch

datasketch = pytest.importorskip("datasketch", reason="the reference implementation is not installed")


@pytest.mark.parametrize("num_perm", [16, 64, 128, 256])
def test_band_choice_is_datasketchs(num_perm):
    for threshold in [x / 100 for x in range(5, 100, 3)]:
        for weights in (LSH_WEIGHTS, (0.5, 0.5), (0.1, 0.9)):
            try:
                lsh = datasketch.MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
            except ValueError:  # datasketch refuses a single band; archiver uses it
                continue
            assert lsh_bands(threshold, num_perm, weights) == (lsh.b, lsh.r), (threshold, weights)


@pytest.mark.parametrize("num_perm", [32, 128, 200])
def test_signatures_are_datasketchs_on_random_texts(num_perm):
    rng = random.Random(num_perm)
    words = "alpha beta gamma delta raqqa syria army isis tabqa airbase".split()
    params = Params(0.35, 5, num_perm)
    for _ in range(40):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 400)))
        reference = datasketch.MinHash(num_perm=num_perm, seed=1, scheme="affine32")
        reference.update_batch([g.encode("utf-8") for g in shingles(text, params.shingle_size)])
        assert list(sketch(text, params).signature) == list(reference.hashvalues)


def test_the_command_line_imports_neither_datasketch_nor_scipy():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, archiver.cli, archiver.store, archiver.search; "
                               "print(sorted({m.split('.')[0] for m in sys.modules} & {'datasketch', 'scipy'}))"],
        capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
