"""Near-duplicate identity: word shingles, MinHash signatures and LSH band keys.

Two texts are copies of one story when the Jaccard similarity of their word-shingle sets
reaches `threshold`. Checking every archived article would cost O(archive); instead each
signature is cut into `b` bands of `r` rows (datasketch picks b and r for the threshold), and
each band is hashed to one 64-bit key. The store keeps the keys in an indexed table, so a new
article's candidates are the articles sharing at least one (band, key) row: a fixed number
of index look-ups whatever the archive's size. Candidates are then confirmed on the exact
Jaccard of their shingle sets, so the decision never rests on the sketch's estimate alone.

This module is pure computation; the store owns the tables.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from .config import DedupConfig
from .dedup import normalize_text

# A fixed seed and scheme: signatures persisted today must compare with tomorrow's.
SEED = 1
SCHEME = "affine32"
# Missing a copy costs more than checking a false candidate (that check is exact and cheap).
LSH_WEIGHTS = (0.3, 0.7)
# How far below the threshold a sketch estimate may fall and still earn an exact check:
# 128 permutations estimate J=0.5 with a standard deviation of about 0.044.
ESTIMATE_MARGIN = 0.15
# Exact checks per new article, best estimates first, and candidates read per new article
# (most shared bands first): both bound the cost of huge buckets (one story copied a hundred times).
MAX_VERIFIED = 20
MAX_CANDIDATES = 200


def shingles(text: str, size: int) -> set[str]:
    """Word `size`-grams of the normalised text; a text shorter than one shingle is one shingle."""
    words = normalize_text(text).split()
    if not words:
        return set()
    if len(words) <= size:
        return {" ".join(words)}
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Params:
    """The parameters an index was built with; signatures and keys are only comparable within one."""

    threshold: float
    shingle_size: int
    num_perm: int

    @classmethod
    def from_config(cls, config: DedupConfig) -> "Params":
        return cls(config.threshold, config.shingle_size, config.num_perm)

    @cached_property
    def bands(self) -> tuple[int, int]:
        lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm, weights=LSH_WEIGHTS)
        return lsh.b, lsh.r


@dataclass(frozen=True)
class Sketch:
    """One text's shingles, signature and band keys."""

    shingles: frozenset[str]
    signature: np.ndarray  # uint32, num_perm values
    keys: tuple[tuple[int, int], ...]  # (band, key)

    def to_bytes(self) -> bytes:
        return self.signature.astype("<u4").tobytes()


def signature_from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


def sketch(text: str, params: Params) -> Sketch | None:
    """None for a text with no words: nothing to be a near copy of."""
    grams = shingles(text, params.shingle_size)
    if not grams:
        return None
    minhash = MinHash(num_perm=params.num_perm, seed=SEED, scheme=SCHEME, permutations=_permutations(params.num_perm))
    minhash.update_batch([g.encode("utf-8") for g in grams])
    signature = np.asarray(minhash.hashvalues, dtype=np.uint32)
    return Sketch(frozenset(grams), signature, tuple(band_keys(signature, params)))


@lru_cache(maxsize=4)
def _permutations(num_perm: int):
    # Drawing the permutations costs more than hashing a whole article: draw them once.
    return MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations


def band_keys(signature: np.ndarray, params: Params) -> list[tuple[int, int]]:
    """(band, key) pairs; the key is a signed 64-bit hash of the band's rows (SQLite's INTEGER)."""
    b, r = params.bands
    raw = signature.astype("<u4")
    keys = []
    for band in range(b):
        digest = hashlib.blake2b(raw[band * r:(band + 1) * r].tobytes(), digest_size=8).digest()
        keys.append((band, int.from_bytes(digest, "little", signed=True)))
    return keys


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    """The sketch's Jaccard estimate: the share of equal minimum hashes."""
    return float(np.count_nonzero(a == b)) / len(a)


@dataclass(frozen=True)
class Prepared:
    """A text's exact hash and sketch, worked out ahead (the crawl does it in its fetch workers,
    off the one thread that writes). The store uses it only for that very text and parameters."""

    params: Params
    text: str
    text_sha: str | None
    sketch: Sketch | None


def prepare(text: str, params: Params) -> Prepared:
    from .dedup import text_hash

    return Prepared(params, text, text_hash(text), sketch(text, params))
