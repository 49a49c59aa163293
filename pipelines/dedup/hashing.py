"""Dedup signatures (pure): an exact ``content_hash`` and a MinHash over character shingles,
with LSH band keys for a persistent candidate index shared by workers.

Tuning (measured on the seed article bodies, cases in tests/pipelines/test_dedup_hashing.py):
character 5-shingles over text without whitespace and punctuation, 128 permutations, 32 bands
of 4 rows. Syndicated copies (another 来源 line, a lead or editor line, one sentence added or
removed, spacing/punctuation changes) estimate J >= 0.83 (min over 500 copies); two different
stories of 8-19 sentences drawn from one sentence pool and sharing 2-4 of them estimate
J <= 0.59 (max over 300 pairs); different real stories on the same topic J <= 0.06.
``NEAR_DUP_THRESHOLD = 0.7`` sits in the gap (k = 3, 4, 6, 8 gave a narrower one). 32x4 bands
make a pair at J = 0.7 a candidate with probability 1 - (1 - 0.7**4)**32 > 0.9998 (at J = 0.3
only 0.23); :func:`jaccard` then confirms the candidate.
"""

from __future__ import annotations

import hashlib
import struct
import unicodedata

import numpy as np

__all__ = [
    "BANDS",
    "NEAR_DUP_THRESHOLD",
    "NUM_PERM",
    "SHINGLE_K",
    "content_hash",
    "jaccard",
    "lsh_bands",
    "minhash",
    "shingles",
    "strip_text",
]

NEAR_DUP_THRESHOLD = 0.7
SHINGLE_K = 5
NUM_PERM = 128
BANDS = 32
SEED = 1

# Unicode categories dropped before hashing: punctuation, symbols, separators, controls.
_DROP = frozenset("PSZC")


def strip_text(text: str) -> str:
    """``text`` casefolded, without whitespace, punctuation or symbols: what dedup compares."""
    return "".join(char for char in text.casefold() if unicodedata.category(char)[0] not in _DROP)


def content_hash(text: str) -> str:
    """SHA-1 (40 hex) of :func:`strip_text`: copies differing only in spacing/punctuation match."""
    return hashlib.sha1(strip_text(text).encode("utf-8")).hexdigest()


def shingles(text: str, k: int = SHINGLE_K) -> set[str]:
    """Character ``k``-shingles of :func:`strip_text`; a shorter non-empty text is one shingle."""
    stripped = strip_text(text)
    if len(stripped) <= k:
        return {stripped} if stripped else set()
    return {stripped[i : i + k] for i in range(len(stripped) - k + 1)}


def minhash(text: str, num_perm: int = NUM_PERM, seed: int = SEED, k: int = SHINGLE_K) -> list[int]:
    """datasketch MinHash of :func:`shingles` as plain ints (picklable, storable, stable across
    processes: SHA-1 based hashing, permutations from ``seed``). An empty text gives the
    all-max signature, which matches nothing but another empty text."""
    from datasketch import MinHash  # with scipy: a second to import, needed in workers only

    sketch = MinHash(num_perm=num_perm, seed=seed)
    grams = shingles(text, k)
    if grams:
        sketch.update_batch([gram.encode("utf-8") for gram in sorted(grams)])
    return [int(value) for value in sketch.hashvalues]


def jaccard(a: list[int], b: list[int]) -> float:
    """Jaccard similarity estimated from two signatures: the share of equal positions."""
    if len(a) != len(b):
        raise ValueError(f"signatures differ in length: {len(a)} != {len(b)}")
    if not a:
        return 0.0
    return float(np.count_nonzero(np.asarray(a) == np.asarray(b))) / len(a)


def lsh_bands(sig: list[int], bands: int = BANDS) -> list[str]:
    """Band keys ``b{i}:{hash}``: two signatures sharing any key are near-duplicate candidates
    (confirm with :func:`jaccard`). ``len(sig)`` must be a multiple of ``bands``."""
    if not sig or len(sig) % bands:
        raise ValueError(f"signature length {len(sig)} is not a multiple of {bands} bands")
    rows = len(sig) // bands
    keys = []
    for i in range(bands):
        chunk = struct.pack(f"<{rows}Q", *sig[i * rows : (i + 1) * rows])
        keys.append(f"b{i}:{hashlib.sha1(chunk).hexdigest()[:16]}")
    return keys
