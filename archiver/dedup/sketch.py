"""Near-duplicate identity: word shingles, MinHash signatures and LSH band keys.

Two texts are copies of one story when the Jaccard similarity of their word-shingle sets
reaches `threshold`. Checking every archived article would cost O(archive); instead each
signature is cut into `b` bands of `r` rows (b and r chosen for the threshold as datasketch's
MinHashLSH chooses them), and
each band is hashed to one 64-bit key. The store keeps the keys in an indexed table, so a new
article's candidates are the articles sharing at least one (band, key) row: a fixed number
of index look-ups whatever the archive's size. Candidates are then confirmed on the exact
Jaccard of their shingle sets, so the decision never rests on the sketch's estimate alone.

The exact check compares shingle fingerprints: each shingle's 32-bit hash, the very value
MinHash permutes, kept as a sorted array (4 bytes a shingle). Comparing two arrays costs
microseconds, where re-shingling a candidate's stored text cost half a millisecond, and a
large archive of look-alike reports sends more candidates to the check. That two different
shingles of two 500-shingle texts share a fingerprint has odds of about 1 in 10,000, and it
would move the score by 0.001: exact for every decision the check makes.

Signatures and band choices are bit for bit those of datasketch (MinHash with
scheme="affine32", seed 1, its SHA-1 hash; MinHashLSH's parameter choice), computed here with
numpy alone: datasketch imports scipy, which cost every command half a second to start
(tests/test_dedup.py compares both).

This module is pure computation; the cluster decisions are in clusters.py, and the tables
behind them are the store's (or an in-memory index's, see index.py).
"""

from __future__ import annotations

import hashlib
import math
import struct
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from ..config import DedupConfig
from . import normalize_text, text_hash

__all__ = [
    "ESTIMATE_Z", "LSH_WEIGHTS", "MAX_CANDIDATES", "MAX_VERIFIED", "SCHEME", "SEED", "Params", "Sketch", "TextSketch",
    "band_keys", "fingerprint_jaccard", "fingerprints", "from_blob", "jaccard", "prepare", "ranked", "shingles",
    "sketch", "to_blob",
]

# A fixed seed and scheme: signatures persisted today must compare with tomorrow's.
SEED = 1
SCHEME = "affine32"
# Missing a copy costs more than checking a false candidate (that check is exact and cheap).
LSH_WEIGHTS = (0.3, 0.7)
# How far below the threshold a sketch estimate may fall and still earn an exact check, in
# standard errors of the estimate at the threshold, sqrt(t(1-t)/num_perm): 0.105 below 0.35 with
# 128 permutations. A copy exactly at the threshold is then checked 99.4% of the time, one at
# 0.40 99.98%; the check itself is the costly part of a look-up, and in a large archive of
# look-alike reports most candidates estimated near 0.2 are different stories.
ESTIMATE_Z = 2.5
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
    # zip over shifted lists: half the time of slicing one list per shingle, the same strings.
    return set(map(" ".join, zip(*(words[i:] for i in range(size)))))


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def fingerprint_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard of two texts' shingle sets from their fingerprint arrays (sorted, unique)."""
    if not len(a) or not len(b):
        return 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)


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
    def estimate_floor(self) -> float:
        """The lowest sketch estimate that earns a candidate an exact check."""
        return self.threshold - ESTIMATE_Z * math.sqrt(self.threshold * (1 - self.threshold) / self.num_perm)

    @cached_property
    def bands(self) -> tuple[int, int]:
        return lsh_bands(self.threshold, self.num_perm, LSH_WEIGHTS)


def lsh_bands(threshold: float, num_perm: int, weights: tuple[float, float]) -> tuple[int, int]:
    """(b, r) with b * r <= num_perm minimising the weighted false positive and false negative
    probabilities, as datasketch's MinHashLSH picks them: the first minimum with b, then r,
    ascending. The probabilities are integrals of polynomials of degree b * r, which
    Gauss-Legendre quadrature with num_perm / 2 + 1 nodes computes exactly (datasketch asks
    scipy's adaptive quad for the same numbers)."""
    nodes, node_weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)
    pairs = [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]
    b, r = (np.array(column, dtype=float)[:, None] for column in zip(*pairs))

    def integral(low: float, high: float, candidate: np.ndarray) -> np.ndarray:
        s = (high - low) / 2 * nodes + (high + low) / 2
        return (high - low) / 2 * (candidate(s) @ node_weights)

    false_positive = integral(0.0, threshold, lambda s: 1 - (1 - s ** r) ** b)
    false_negative = integral(threshold, 1.0, lambda s: (1 - s ** r) ** b)
    error = false_positive * weights[0] + false_negative * weights[1]
    return pairs[int(np.argmin(error))]


@dataclass(frozen=True)
class Sketch:
    """One text's shingle count and fingerprints, signature and band keys."""

    shingle_count: int
    fingerprints: np.ndarray  # uint32, sorted, unique: the shingles' hashes
    signature: np.ndarray  # uint32, num_perm values
    keys: tuple[tuple[int, int], ...]  # (band, key)


def to_blob(values: np.ndarray) -> bytes:
    """A signature or fingerprint array as stored: little-endian uint32, whatever the machine."""
    return values.astype("<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


def _hashed(grams: set[str]) -> list[int]:
    # datasketch's own default hash (sha1_hash32: the first 4 bytes of SHA-1, little-endian):
    # the signatures stay those that MinHash.update_batch on the encoded shingles gives, and
    # the hashes double as fingerprints.
    first_word = struct.Struct("<I").unpack_from
    return [first_word(hashlib.sha1(g.encode("utf-8")).digest())[0] for g in grams]


def fingerprints(text: str, size: int) -> np.ndarray:
    """The sorted, unique 32-bit hashes of a text's shingles."""
    return np.unique(np.asarray(_hashed(shingles(text, size)), dtype=np.uint32))


def sketch(text: str, params: Params) -> Sketch | None:
    """None for a text with no words: nothing to be a near copy of."""
    grams = shingles(text, params.shingle_size)
    if not grams:
        return None
    hashed = np.asarray(_hashed(grams), dtype=np.uint32)
    a, b = _permutations(params.num_perm)
    # datasketch's affine32 MinHash: the MurmurHash3 finalizer, then h -> a * h + b modulo 2^32
    # (uint32 arithmetic wraps), the minimum per permutation.
    signature = (_fmix32(hashed)[:, None] * a + b).min(axis=0)
    return Sketch(len(grams), np.unique(hashed), signature, tuple(band_keys(signature, params)))


def _fmix32(values: np.ndarray) -> np.ndarray:
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations for SEED: odd multipliers, then offsets, drawn in
    that order from numpy's legacy RandomState. Drawn once: it costs more than a whole article."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def band_keys(signature: np.ndarray, params: Params) -> list[tuple[int, int]]:
    """(band, key) pairs; the key is a signed 64-bit hash of the band's rows (SQLite's INTEGER)."""
    b, r = params.bands
    raw = signature.astype("<u4")
    keys = []
    for band in range(b):
        digest = hashlib.blake2b(raw[band * r:(band + 1) * r].tobytes(), digest_size=8).digest()
        keys.append((band, int.from_bytes(digest, "little", signed=True)))
    return keys


def ranked(signature: np.ndarray, candidates: list[tuple[int, np.ndarray]]) -> list[tuple[float, int]]:
    """(estimate, id) of candidates given as (id, stored signature), best first, then by id.
    The estimate is the share of equal minimum hashes; all of them in one array operation,
    since a busy bucket holds hundreds of candidates."""
    candidates = [(cid, values) for cid, values in candidates if values.size == signature.size]
    if not candidates:
        return []
    stacked = np.vstack([values for _, values in candidates])
    estimates = np.count_nonzero(stacked == signature, axis=1) / signature.size
    return sorted(((float(e), cid) for e, (cid, _) in zip(estimates, candidates)), key=lambda pair: (-pair[0], pair[1]))


@dataclass(frozen=True)
class TextSketch:
    """A text's exact hash and sketch, worked out ahead (the crawl does it in its fetch workers,
    off the one thread that writes). The store uses it only for that very text and parameters."""

    params: Params
    text: str
    text_sha: str | None
    sketch: Sketch | None


def prepare(text: str, params: Params, text_sha: str | None = None) -> TextSketch:
    """`text_sha` when the caller holds it already (a stored article's), else it is computed."""
    return TextSketch(params, text, text_sha or text_hash(text), sketch(text, params))
