"""Script detection and conversion: traditional text (as served by some portals) becomes
simplified with OpenCC (``tw2s`` where the text holds traditional characters, so Taiwan variants
such as 痺 and 著 convert too); the served script is recorded on the article.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import opencc

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_T2S = opencc.OpenCC("t2s")
# t2s leaves Taiwan-standard variants as they are (麻痺, 看著); tw2s maps them back first
_TW2S = opencc.OpenCC("tw2s")


def _t2s_changes() -> frozenset[str] | None:
    """The characters t2s may change (``t2s_table``), and the lone surrogates (which OpenCC
    refuses: such a text must still raise), or None when the table was read from another
    OpenCC version than the one installed (then every text is converted)."""
    from pipelines.normalize import t2s_changes

    if getattr(opencc, "__version__", None) != t2s_changes.OPENCC_VERSION:
        return None
    surrogates = map(chr, range(0xD800, 0xE000))
    return frozenset(t2s_changes.CHARACTERS).union(surrogates)


# a text holding none of these t2s returns as it is (see t2s_table): no conversion needed
_T2S_CHANGES = _t2s_changes()
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _class(points: list[int]) -> str:
    """A regex character class body for the code points ``points`` (sorted), as ranges."""
    out: list[str] = []
    start = prev = points[0]
    for point in [*points[1:], -1]:
        if point == prev + 1:
            prev = point
            continue
        out.append(re.escape(chr(start)) + (f"-{re.escape(chr(prev))}" if prev > start else ""))
        start = prev = point
    return "".join(out)


@cache
def _bmp_changes() -> re.Pattern[str] | None:
    """The characters of ``_T2S_CHANGES`` below U+10000 as one regex class (compiled at first
    use): ``re`` tests a character of such a class in a bitmap, several times faster than
    ``frozenset.isdisjoint``, which makes a string object of every CJK character it reads."""
    bmp = sorted(p for p in map(ord, _T2S_CHANGES or ()) if p <= 0xFFFF)
    return re.compile(f"[{_class(bmp)}]") if bmp else None


def _may_change(text: str) -> bool:
    """``not _T2S_CHANGES.isdisjoint(text)``: a character below U+10000 is found by
    :func:`_bmp_changes`; ``isdisjoint`` itself answers only for texts with characters above
    (the class of those, hundreds of ranges, is slower to search than the set)."""
    assert _T2S_CHANGES is not None
    bmp = _bmp_changes()
    if bmp is not None and bmp.search(text):
        return True
    return _ASTRAL.search(text) is not None and not _T2S_CHANGES.isdisjoint(text)


# A text is traditional when at least this share of its CJK characters changes under t2s
# (and at least MIN_CHANGED of them). Traditional news text changes 20-30 %; simplified text
# changes ~0 % (a stray variant such as 著 or 乾 at most).
TRADITIONAL_SHARE = 0.05
MIN_CHANGED = 2


def to_simplified(text: str) -> str:
    """OpenCC t2s (phrase-aware: 乾坤 stays, 後來 -> 后来); a text that t2s changes is
    traditional, and is converted with tw2s instead, which also maps the variants t2s keeps
    (麻痺 -> 麻痹, 看著 -> 看着). Simplified text is returned as it is (its 土著 stays)."""
    if not text or (_T2S_CHANGES is not None and not _may_change(text)):
        return text
    simplified = _T2S.convert(text)
    return simplified if simplified == text else _TW2S.convert(text)


def changed_share(text: str, simplified: str | None = None) -> tuple[int, int]:
    """(CJK characters changed by t2s, CJK characters) of ``text``."""
    simplified = to_simplified(text) if simplified is None else simplified
    if simplified == text:  # simplified text, nearly every page: nothing to compare
        return 0, len(_CJK.findall(text))
    if len(simplified) != len(text):  # t2s is char-for-char in practice; be safe if not
        simplified = "".join(to_simplified(char) for char in text)
    # compared as arrays of code points (zip's pairs: up to the shorter text's end)
    before, after = _points(text), _points(simplified)
    cjk = _is_cjk(before)
    n = min(len(before), len(after))
    changed = np.count_nonzero(cjk[:n] & (before[:n] != after[:n]))
    return int(changed), int(np.count_nonzero(cjk))


def _points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _is_cjk(points: np.ndarray) -> np.ndarray:
    """Which code points ``_CJK`` matches (its three ranges)."""
    return (
        ((points >= 0x3400) & (points <= 0x4DBF))
        | ((points >= 0x4E00) & (points <= 0x9FFF))
        | ((points >= 0xF900) & (points <= 0xFAFF))
    )


def detect_script(text: str, simplified: str | None = None) -> str:
    """``"traditional"`` when enough CJK characters change under t2s, else ``"simplified"``
    (``simplified``: :func:`to_simplified` of ``text``, when the caller has it)."""
    simplified = to_simplified(text) if simplified is None else simplified
    if simplified == text:  # nearly every page: no need to count its characters
        return "simplified"
    changed, total = changed_share(text, simplified)
    if changed >= MIN_CHANGED and changed >= TRADITIONAL_SHARE * total:
        return "traditional"
    return "simplified"
