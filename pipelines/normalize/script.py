"""Script detection and conversion: traditional text (as served by some portals) becomes
simplified with OpenCC ``t2s``; the served script is recorded on the article.
"""

from __future__ import annotations

import re

import opencc

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_T2S = opencc.OpenCC("t2s")

# A text is traditional when at least this share of its CJK characters changes under t2s
# (and at least MIN_CHANGED of them). Traditional news text changes 20-30 %; simplified text
# changes ~0 % (a stray variant such as 著 or 乾 at most).
TRADITIONAL_SHARE = 0.05
MIN_CHANGED = 2


def to_simplified(text: str) -> str:
    """OpenCC t2s (phrase-aware: 乾坤 stays, 後來 -> 后来)."""
    return _T2S.convert(text) if text else text


def changed_share(text: str, simplified: str | None = None) -> tuple[int, int]:
    """(CJK characters changed by t2s, CJK characters) of ``text``."""
    simplified = to_simplified(text) if simplified is None else simplified
    if len(simplified) != len(text):  # t2s is char-for-char in practice; be safe if not
        simplified = "".join(to_simplified(char) for char in text)
    total = changed = 0
    for before, after in zip(text, simplified, strict=False):
        if _CJK.match(before):
            total += 1
            changed += before != after
    return changed, total


def detect_script(text: str) -> str:
    """``"traditional"`` when enough CJK characters change under t2s, else ``"simplified"``."""
    changed, total = changed_share(text)
    if changed >= MIN_CHANGED and changed >= TRADITIONAL_SHARE * total:
        return "traditional"
    return "simplified"
