"""Remove pinyin glosses glued after characters (``網(wǎng)``, ``發（fā）``, ``發展(fāzhǎn)``),
keeping every parenthesis that does not read the characters before it: ``(记者 崔累果)``,
``(WTO)``, ``(扩大)``, ``(2020)``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import opencc

__all__ = ["MAX_WORD", "is_reading", "readings", "remove_glosses"]

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
# CJK characters, then ( or （, then pinyin: tone marks, tone numbers or none, spaces or ' between
# syllables. The characters actually read are found by _glossed_length.
_GLOSS = re.compile(
    rf"([{_HAN}]+)[(（]\s?([{_LETTERS}][{_LETTERS}:1-5' ]{{0,40}}?)\s?[)）]",
    re.IGNORECASE,
)
_T2S = opencc.OpenCC("t2s")
_TONE_MARKS = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}
MAX_WORD = 4  # longest word a single gloss may read (发展(fāzhǎn), 新闻网(xīnwénwǎng))


def _plain(syllable: str) -> tuple[str, str]:
    """(toneless ASCII letters with ü as v, tone digit or "") of pinyin in any style."""
    syllable = syllable.lower().replace("u:", "v")
    tone = ""
    letters: list[str] = []
    for char in unicodedata.normalize("NFD", syllable):
        if char in _TONE_MARKS:
            tone = _TONE_MARKS[char]
        elif char == "\u0308":  # diaeresis: u + ¨ = ü, written v
            letters[-1:] = ["v"]
        elif char in "12345":
            tone = char
        elif char.isascii() and char.isalpha():
            letters.append(char)
    return "".join(letters), tone


@lru_cache(maxsize=16384)
def readings(char: str) -> frozenset[tuple[str, str]]:
    """Every reading of ``char`` (and of its simplified form) as (letters, tone) pairs."""
    # imported at the first gloss-like parenthesis only: pypinyin's dictionaries are most of the
    # import time of every extraction process (fork server, replay), and most pages have none
    from pypinyin import Style, pinyin

    found: set[tuple[str, str]] = set()
    for form in {char, _T2S.convert(char)}:
        for syllable in pinyin(
            form, heteronym=True, style=Style.TONE3, neutral_tone_with_five=True
        )[0]:
            letters, tone = _plain(syllable)
            if letters and letters.isascii():
                found.add((letters, tone))
    return frozenset(found)


@cache
def _letters_table() -> dict[str, str] | None:
    """Character -> its toneless readings, space-separated, for the characters of ``_HAN``
    (``pinyin_letters``, read from pypinyin and OpenCC by ``pinyin_table``), or None when it
    was read from other versions than the ones installed (then every character asks pypinyin)."""
    from importlib.metadata import version

    from pipelines.normalize import pinyin_letters

    if version("pypinyin") != pinyin_letters.PYPINYIN_VERSION or (
        getattr(opencc, "__version__", None) != pinyin_letters.OPENCC_VERSION
    ):
        return None
    table: dict[str, str] = {}
    for letters, chars in pinyin_letters.CHARACTERS.items():
        table.update(dict.fromkeys(chars, letters))
    return table


def _in_table(char: str) -> bool:
    from pipelines.normalize.pinyin_letters import RANGES

    point = ord(char) if len(char) == 1 else -1
    return any(low <= point <= high for low, high in RANGES)


@lru_cache(maxsize=16384)
def _letter_readings(char: str) -> frozenset[str]:
    """The toneless readings of ``char``: from the committed table for CJK characters (what
    pypinyin gives, without loading its dictionaries), from :func:`readings` otherwise."""
    table = _letters_table() if _in_table(char) else None
    if table is not None:
        return frozenset(table.get(char, "").split())
    return frozenset(letters for letters, _ in readings(char))


def _spells(letters: str, chars: str) -> bool:
    """True when ``letters`` is exactly one reading of each of ``chars``, in order."""
    if not chars:
        return not letters
    return any(
        letters.startswith(known) and _spells(letters[len(known) :], chars[1:])
        for known in _letter_readings(chars[0])
    )


def is_reading(char: str, gloss: str) -> bool:
    """True when ``gloss`` (tone marks, tone number or none) spells a reading of ``char``,
    or of the characters of ``char`` in order when it is a word.

    Tones are not compared: portals' dictionaries disagree with pypinyin on tones, and the
    letters alone already tell a gloss from real text in parentheses."""
    letters, _tone = _plain(gloss)
    return bool(letters) and _spells(letters, char)


@lru_cache(maxsize=16384)
def _glossed_length(run: str, gloss: str) -> int:
    """How many characters at the end of ``run`` the gloss reads (0: it is not a gloss);
    only the last ``MAX_WORD`` characters of ``run`` matter (callers pass those: the cache
    then holds a gloss once per word, however long the runs before it)."""
    letters, _tone = _plain(gloss)
    if not letters:
        return 0
    for size in range(1, min(MAX_WORD, len(run)) + 1):
        if _spells(letters, run[-size:]):
            return size
    return 0


def remove_glosses(text: str) -> str:
    """``text`` without the pinyin glosses that read the character (or word) they follow."""
    if "(" not in text and "（" not in text:
        return text

    def drop_gloss(match: re.Match[str]) -> str:
        run, gloss = match.group(1), match.group(2)
        return run if _glossed_length(run[-MAX_WORD:], gloss) else match.group(0)

    return _GLOSS.sub(drop_gloss, text)
