"""Text hygiene, the first normalize step: full-width ASCII letters/digits to half width,
whitespace collapsed inside lines, empty lines dropped; mojibake is flagged, never repaired.
"""

from __future__ import annotations

import re

# Full-width ０-９ Ａ-Ｚ ａ-ｚ -> ASCII; Chinese punctuation (，。：（）) is deliberately untouched.
_WIDTH = {
    code: code - 0xFEE0
    for start, end in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(start, end + 1)
}
_FULL_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
# Horizontal whitespace, including the ideographic space U+3000 used for paragraph indents,
# NBSP and zero-width characters that pages leave between characters.
_SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\n\u2028\u2029\u0085]")

_PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
MOJIBAKE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("replacement_char", re.compile("\ufffd")),
    # a character lost to "?" in a charset round trip, often as "?;" from a broken &#NNNN; entity
    ("question_marks", re.compile(r"\?;|\?{2,}")),
    # "?" followed by a pinyin gloss: the glossed character itself was lost
    ("orphan_gloss", re.compile(rf"\?[{_PINYIN_LETTERS}]{{1,6}}[1-5]?[)）]")),
    # GBK bytes of U+FFFD decoded again as GBK, and its cousins
    ("gbk_replacement", re.compile("锟斤拷|烫烫烫|屯屯屯")),
    # UTF-8 read as Latin-1/cp1252 (Ã©, â€œ) and GBK read as Latin-1 (ÖÐ¹ú); the run excludes
    # · × ÷ °, which Chinese text uses on purpose (5·18, ××村, 3×4, 25°C)
    (
        "latin1",
        re.compile(
            r"Ã[\u0080-\u00bf]|â€|[\u00a1-\u00af\u00b1-\u00b6\u00b8-\u00d6\u00d8-\u00f6\u00f8-\u00ff]{4,}"
        ),
    ),
)


def widen_fix(text: str) -> str:
    """Full-width ASCII letters and digits to half width; everything else as is."""
    # str.translate looks every character up in the table: skip texts without one to change
    return text.translate(_WIDTH) if _FULL_WIDTH.search(text) else text


def clean_lines(text: str) -> str:
    """Collapse whitespace runs inside lines to one space, strip lines, drop empty lines."""
    text = _INVISIBLE.sub("", text)
    lines = (_SPACES.sub(" ", line).strip() for line in _LINE_BREAKS.split(text))
    return "\n".join(line for line in lines if line)


def clean_text(text: str) -> str:
    """Width fix then line cleaning: the whole of this module's text transformation."""
    return clean_lines(widen_fix(text))


def mojibake_reasons(text: str) -> list[str]:
    """Names of the mojibake patterns found in ``text`` (empty when it looks clean)."""
    return [name for name, pattern in MOJIBAKE_PATTERNS if pattern.search(text)]


# every pattern above needs one of these characters (Ã and â lie in the latin1 run's ranges): a
# text without any matches none of them (one scan instead of five on nearly every text)
_MOJIBAKE_HINT = re.compile(
    "[?\ufffd\u00a1-\u00af\u00b1-\u00b6\u00b8-\u00d6\u00d8-\u00f6\u00f8-\u00ff锟烫屯]"
)


def has_mojibake(text: str) -> bool:
    """True when ``text`` shows a sign of a broken charset round trip (see MOJIBAKE_PATTERNS)."""
    if not _MOJIBAKE_HINT.search(text):
        return False
    return any(pattern.search(text) for _, pattern in MOJIBAKE_PATTERNS)
