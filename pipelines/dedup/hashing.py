"""Dedup signatures (pure, numpy only): an exact ``content_hash``, a MinHash over character
shingles taken paragraph by paragraph, and integer LSH band keys for the persistent index.

Shingles are character 5-grams of each paragraph without whitespace and punctuation; no
shingle spans two paragraphs, so a copy that reorders paragraphs has the original's shingle
set. A candidate pair is confirmed (:func:`is_near`) when the Jaccard similarity reaches
``NEAR_DUP_THRESHOLD`` (0.7), or when the pair shares at least ``CONTAINMENT_MIN_JACCARD``
(0.4) of the union and the shorter text lies inside the longer one: >= ``CONTAINMENT_THRESHOLD``
(0.8) of it, or >= ``SHORT_EDIT_CONTAINMENT`` (0.7) with at most ``SHORT_EDIT_SHINGLES`` (100)
of its shingles outside. Copies that drop paragraphs or add a local lead paragraph pass the
first; a short story that lost a paragraph *and* gained a lead (both sides then hold text the
other lacks, a fifth or more of a 200-character story) passes the second, whose bound in
shingles (about as many characters: a lead paragraph and a sentence) keeps long stories that
share sentences apart. Measured on the seed bodies (tests/pipelines/test_dedup_hashing.py)
and the syndicated-copy generator (``tests/simulator/syndicate.py``, ``python -m bench.dedup``,
``python -m bench.dedup_rule``): follow-up stories quoting an earlier story stay under J 0.3;
of 3,000 pairs of stories of 8-19 sentences drawn from one pool of 68 and sharing 2-4 of them,
7 pass the first tests and 2 more the second.

The signature is 128 minima of multiply-shift hashes over 64-bit shingle hashes (vectorized;
~30x datasketch's SHA-1 per shingle). The text is stripped on arrays of code points
(``_kept_points``), so casefolding and dropping punctuation cost one pass for all paragraphs. 32 bands of 4 rows make a pair at J = 0.6 a candidate
with probability 0.985, at J = 0.5 0.87, at J = 0.2 0.05; a band key is one signed 64-bit int
that folds in the band number, so the index is one integer column.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np

__all__ = [
    "BANDS",
    "CONTAINMENT_MIN_JACCARD",
    "CONTAINMENT_THRESHOLD",
    "NEAR_DUP_THRESHOLD",
    "NUM_PERM",
    "SHINGLE_K",
    "SHORT_EDIT_CONTAINMENT",
    "SHORT_EDIT_SHINGLES",
    "Sketch",
    "band_keys",
    "band_keys_many",
    "containment",
    "content_hash",
    "is_near",
    "jaccard",
    "lsh_bands",
    "minhash",
    "shingle_hashes",
    "shingles",
    "sketch",
    "strip_text",
]

NEAR_DUP_THRESHOLD = 0.7
CONTAINMENT_THRESHOLD = 0.8
CONTAINMENT_MIN_JACCARD = 0.4
SHORT_EDIT_CONTAINMENT = 0.7
SHORT_EDIT_SHINGLES = 100
SHINGLE_K = 5
NUM_PERM = 128
BANDS = 32
SEED = 1

# Unicode categories dropped before hashing: punctuation, symbols, separators, controls.
_DROP = frozenset("PSZC")
_U64 = np.uint64
_MAX = (1 << 32) - 1  # the signature value of an empty text


class _DropTable(dict[int, int | None]):
    """``str.translate`` table that learns each code point once: None (drop) for the _DROP
    categories, else the code point itself. Same result as testing every character's
    category, at dict speed."""

    def __missing__(self, point: int) -> int | None:
        value = None if unicodedata.category(chr(point))[0] in _DROP else point
        self[point] = value
        return value


_TABLE = _DropTable()
# the same rule for arrays of code points: 0 not yet looked up, 1 kept, 2 dropped (learnt
# once per code point, as _TABLE does)
_KEPT, _DROPPED = 1, 2
_STATE = np.zeros(0x110000, dtype=np.uint8)
_NEWLINE = 10


def strip_text(text: str) -> str:
    """``text`` casefolded, without whitespace, punctuation or symbols: what dedup compares."""
    return text.casefold().translate(_TABLE)


# the last text _kept_points read and its result (read-only): normalize's content_hash and the
# signature read the same article text, one after the other
_last_kept: tuple[str, np.ndarray] | None = None


def _kept_points(text: str) -> np.ndarray:
    """The code points of ``text`` casefolded, less those :func:`strip_text` drops, except
    line breaks (``\\n``), which stay (uint32, read-only): every paragraph's :func:`strip_text`
    at once (casefolding maps character by character and never makes or takes a line break)."""
    global _last_kept
    last = _last_kept
    if last is not None and last[0] is text:
        return last[1]
    points = np.frombuffer(text.casefold().encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    state = _STATE[points]
    if not state.all():  # code points never seen: look their category up once
        for point in np.unique(points[state == 0]).tolist():
            dropped = unicodedata.category(chr(point))[0] in _DROP
            _STATE[point] = _DROPPED if dropped else _KEPT
        state = _STATE[points]
    kept = points[(state == _KEPT) | (points == _NEWLINE)]
    kept.flags.writeable = False
    _last_kept = (text, kept)
    return kept


def _text_of(points: np.ndarray) -> str:
    return points.astype("<u4", copy=False).tobytes().decode("utf-32-le")


def content_hash(text: str) -> str:
    """SHA-1 (40 hex) of :func:`strip_text`: copies differing only in spacing/punctuation match."""
    points = _kept_points(text)
    stripped = _text_of(points[points != _NEWLINE])
    return hashlib.sha1(stripped.encode("utf-8")).hexdigest()


def _paragraphs(text: str) -> list[str]:
    return [part for part in (strip_text(line) for line in text.split("\n")) if part]


def _joined_paragraphs(text: str) -> np.ndarray:
    """The code points of ``"\\n".join(_paragraphs(text))``, computed on arrays."""
    points = _kept_points(text)
    if not len(points):
        return points
    breaks = points == _NEWLINE
    # a line break stays when it follows a kept character: empty paragraphs vanish and no
    # break opens the text; one that closes it goes too
    joined = points[~(breaks & np.concatenate(([True], breaks[:-1])))]
    if len(joined) and joined[-1] == _NEWLINE:
        joined = joined[:-1]
    return joined


def shingles(text: str, k: int = SHINGLE_K) -> set[str]:
    """Character ``k``-shingles of each paragraph's :func:`strip_text` (none spans a line
    break); a shorter non-empty paragraph is one shingle."""
    out: set[str] = set()
    for part in _paragraphs(text):
        if len(part) <= k:
            out.add(part)
        else:
            out.update(part[i : i + k] for i in range(len(part) - k + 1))
    return out


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer, elementwise on uint64 (wrapping arithmetic)."""
    x = x ^ (x >> _U64(30))
    x = x * _U64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _U64(27))
    x = x * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


def shingle_hashes(text: str, k: int = SHINGLE_K) -> np.ndarray:
    """The distinct 64-bit hashes of :func:`shingles` (sorted uint64), computed for all
    k-grams of the text at once: code points joined by a separator, windows spanning it
    dropped, paragraphs shorter than ``k`` hashed whole."""
    joined = _joined_paragraphs(text)
    if not len(joined):
        return np.empty(0, dtype=_U64)
    points = joined.astype(_U64)
    hashes = []
    breaks = np.concatenate(([0], np.cumsum(points == _NEWLINE)))
    if len(points) >= k:
        windows = len(points) - k + 1
        acc = np.zeros(windows, dtype=_U64)
        for j in range(k):  # polynomial hash of each window (wraps mod 2**64)
            acc = acc * _U64(0x100000001B3) + points[j : j + windows]
        inside = breaks[k:] - breaks[:windows] == 0
        hashes.append(acc[inside])
    # paragraph lengths: the distances between line breaks
    ends = np.flatnonzero(points == _NEWLINE)
    if (
        np.diff(np.concatenate(([-1], ends, [len(points)]))) <= k
    ).any():  # whole short paragraphs, hashed the same way with a length mark
        short = [part for part in _text_of(joined).split("\n") if len(part) < k]
        values = [sum(ord(c) << (21 * i % 64) for i, c in enumerate(p)) + len(p) for p in short]
        hashes.append(np.array([v & 0xFFFFFFFFFFFFFFFF for v in values], dtype=_U64))
    return _distinct(_mix(np.concatenate(hashes)))


def _distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` (sorted, distinct) by a sort and a comparison: several times
    faster than ``np.unique`` on a few thousand integers."""
    values = np.sort(values)
    if len(values) > 1:
        values = values[np.concatenate(([True], values[1:] != values[:-1]))]
    return values


@cache
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Multiply-shift parameters (odd 64-bit ``a``, 64-bit ``b``), from SHA-256 so they are
    the same on every machine and numpy version."""
    raw = b"".join(
        hashlib.sha256(f"countynews-minhash:{seed}:{i}".encode()).digest()[:16]
        for i in range(num_perm)
    )
    pairs = np.frombuffer(raw, dtype="<u8").reshape(num_perm, 2)
    return pairs[:, 0] | _U64(1), pairs[:, 1].copy()


@dataclass(frozen=True, slots=True)
class Sketch:
    """A text's MinHash (``num_perm`` values < 2**32, plain ints) and its number of distinct
    shingles (``size``, for the containment estimate)."""

    minhash: list[int]
    size: int


def _minima(hashes: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    a, b = _permutations(num_perm, seed)
    if not len(hashes):
        return np.full(num_perm, _MAX, dtype=np.uint32)
    # h_i(x) = (a_i * x + b_i) >> 32 over 32-bit keys: Dietzfelbinger's multiply-add-shift;
    # the shift keeps order, so it is applied to the minima only (one pass less, in place)
    values = np.multiply.outer(hashes >> _U64(32), a)
    values += b
    return (values.min(axis=0) >> _U64(32)).astype(np.uint32)


def sketch(text: str, num_perm: int = NUM_PERM, seed: int = SEED, k: int = SHINGLE_K) -> Sketch:
    """MinHash and shingle count of ``text``. An empty text gives the all-max signature and
    size 0, which match nothing but another empty text."""
    hashes = shingle_hashes(text, k)
    return Sketch(_minima(hashes, num_perm, seed).tolist(), len(hashes))


def minhash(text: str, num_perm: int = NUM_PERM, seed: int = SEED, k: int = SHINGLE_K) -> list[int]:
    """:func:`sketch`'s MinHash alone: plain ints, picklable, stable across processes."""
    return sketch(text, num_perm, seed, k).minhash


def jaccard(a: list[int] | np.ndarray, b: list[int] | np.ndarray) -> float:
    """Jaccard similarity estimated from two signatures: the share of equal positions."""
    if len(a) != len(b):
        raise ValueError(f"signatures differ in length: {len(a)} != {len(b)}")
    if not len(a):
        return 0.0
    return float(np.count_nonzero(np.asarray(a) == np.asarray(b))) / len(a)


def containment(similarity: float, size_a: int, size_b: int) -> float:
    """Share of the smaller shingle set inside the larger one, from their Jaccard similarity
    and sizes: ``|A & B| = J (|A| + |B|) / (1 + J)`` over ``min(|A|, |B|)`` (capped at 1)."""
    smaller = min(size_a, size_b)
    if smaller <= 0:
        return 0.0
    return min(1.0, similarity * (size_a + size_b) / ((1.0 + similarity) * smaller))


def is_near(similarity: float, size_a: int | None, size_b: int | None) -> bool:
    """The near-duplicate rule: J >= NEAR_DUP_THRESHOLD, or (sizes known, J >=
    CONTAINMENT_MIN_JACCARD) the smaller text is contained in the larger one >=
    CONTAINMENT_THRESHOLD (a copy that dropped paragraphs or added a local lead), or >=
    SHORT_EDIT_CONTAINMENT with at most SHORT_EDIT_SHINGLES of its shingles outside the larger
    one (a short copy that did both)."""
    if similarity >= NEAR_DUP_THRESHOLD:
        return True
    if similarity < CONTAINMENT_MIN_JACCARD or not size_a or not size_b:
        return False
    inside = containment(similarity, size_a, size_b)
    if inside >= CONTAINMENT_THRESHOLD:
        return True
    outside = (1.0 - inside) * min(size_a, size_b)
    return inside >= SHORT_EDIT_CONTAINMENT and outside <= SHORT_EDIT_SHINGLES


def band_keys_many(sigs: np.ndarray, bands: int = BANDS) -> np.ndarray:
    """LSH band keys of ``n`` signatures (an (n, num_perm) array) as an (n, bands) int64
    array: each band's number and rows hashed together into one signed 64-bit int, so keys of
    different bands never meet. Two signatures sharing a key are near-duplicate candidates."""
    sigs = np.asarray(sigs, dtype=_U64)
    if sigs.ndim != 2 or not sigs.shape[1] or sigs.shape[1] % bands:
        raise ValueError(f"signature length {sigs.shape[-1]} is not a multiple of {bands} bands")
    rows = sigs.reshape(len(sigs), bands, sigs.shape[1] // bands)
    acc = np.broadcast_to(
        np.arange(1, bands + 1, dtype=_U64) * _U64(0x9E3779B97F4A7C15), rows.shape[:2]
    )
    for r in range(rows.shape[2]):
        acc = _mix(acc ^ rows[:, :, r])
    return acc.view(np.int64)


def band_keys(sig: list[int] | np.ndarray, bands: int = BANDS) -> np.ndarray:
    """:func:`band_keys_many` of one signature: ``bands`` int64 keys.
    ``len(sig)`` must be a multiple of ``bands``."""
    if not len(sig) or len(sig) % bands:
        raise ValueError(f"signature length {len(sig)} is not a multiple of {bands} bands")
    return band_keys_many(np.asarray(sig, dtype=_U64)[None, :], bands)[0]


def lsh_bands(sig: list[int], bands: int = BANDS) -> list[int]:
    """:func:`band_keys` as plain ints."""
    return band_keys(sig, bands).tolist()
