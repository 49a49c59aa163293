"""Pinyin gloss removal: a gloss goes only when it reads the character it is glued to."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.normalize.pinyin import is_reading, readings, remove_glosses
from tests.helpers import run_python


@pytest.mark.parametrize(
    ("served", "expected"),
    [
        ("棗莊新聞網(wǎng)訊", "棗莊新聞網訊"),
        ("經濟社會發(fā)展", "經濟社會發展"),
        ("市委常委會(huì)暨市委應(yīng)對(duì)疫情", "市委常委會暨市委應對疫情"),
        ("增長(zhǎng)", "增長"),  # heteronym: 長 is cháng and zhǎng
        ("綠（lǜ）色", "綠色"),  # full-width parens, ü
        ("綠(lv4)色", "綠色"),  # tone number, v for ü
        ("網(wang)站", "網站"),  # toneless
        ("發(FĀ)展", "發展"),  # upper case
    ],
)
def test_glosses_that_read_the_character_are_removed(served, expected):
    assert remove_glosses(served) == expected


@pytest.mark.parametrize(
    "text",
    [
        "會議。(記者 崔累果)",
        "加入世界贸易组织(WTO)后",
        "市委常委会会议暨领导小组(扩大)会议",
        "第一季度(2020)报告",
        "各區(市)、棗莊高新區",
        "村(社区)",
        "国家(guo)",  # a reading, but of another character: 家 is jiā
        "王(li)先生",
        "拳h(huán)",  # gloss glued to a Latin letter (mojibake) stays for the flag
        "(wǎng)开头",
    ],
)
def test_parentheses_that_are_not_glosses_are_kept(text):
    assert remove_glosses(text) == text


def test_readings_cover_traditional_characters_and_simplified_forms():
    assert ("wang", "3") in readings("網")
    assert {("hui", "4"), ("kuai", "4")} <= readings("會")
    assert ("lv", "4") in readings("綠")


def test_is_reading_accepts_tone_styles_and_rejects_other_syllables():
    assert is_reading("發", "fā")
    assert is_reading("發", "fa1")
    assert is_reading("發", "fa")
    assert not is_reading("發", "fan")
    assert not is_reading("發", "")


def test_text_without_parentheses_is_returned_unchanged():
    text = "没有括号的普通文本。"
    assert remove_glosses(text) is text


@pytest.mark.parametrize(
    ("served", "expected"),
    [
        ("經濟社會發展(fāzhǎn)工作", "經濟社會發展工作"),
        ("新聞網（xīn wén wǎng）訊", "新聞網訊"),
        ("市長(shi4 zhang3)講話", "市長講話"),
        ("西安(xi'an)市", "西安市"),
    ],
)
def test_word_glosses_are_removed(served, expected):
    assert remove_glosses(served) == expected


def test_word_gloss_must_read_every_character_in_order():
    assert remove_glosses("發展(zhǎnfā)") == "發展(zhǎnfā)"
    assert remove_glosses("發展(fāzhǎnx)") == "發展(fāzhǎnx)"
    assert is_reading("發展", "fa zhan")
    assert not is_reading("發展", "fa")


def test_letters_table_is_read_from_the_installed_pypinyin_and_opencc():
    # glosses are checked against the committed table (no pypinyin dictionaries to load in
    # every worker): it must be what the installed packages give (after an upgrade it is not
    # used; regenerate it with python -m pipelines.normalize.pinyin_table)
    from pipelines.normalize import pinyin, pinyin_letters, pinyin_table

    assert pinyin_table.build() == Path(pinyin_letters.__file__).read_text(encoding="utf-8")
    assert pinyin._letters_table() is not None
    for char in ("網", "发", "會", "綠", "長", "〇", "豈"):
        assert pinyin._letter_readings(char) == {letters for letters, _ in readings(char)}


def test_glosses_are_read_without_loading_pypinyin():
    code = (
        "import sys\n"
        "from pipelines.normalize.pinyin import remove_glosses\n"
        "assert remove_glosses('棗莊新聞網(wǎng)訊發展(fāzhǎn)') == '棗莊新聞網訊發展'\n"
        "assert remove_glosses('国家(guo)') == '国家(guo)'\n"
        "assert 'pypinyin' not in sys.modules\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr


def test_a_table_from_other_versions_is_not_used(monkeypatch):
    from pipelines.normalize import pinyin, pinyin_letters

    monkeypatch.setattr(pinyin_letters, "PYPINYIN_VERSION", "0.0.0")
    pinyin._letters_table.cache_clear()
    pinyin._letter_readings.cache_clear()
    try:
        assert pinyin._letters_table() is None
        assert remove_glosses("棗莊新聞網(wǎng)訊") == "棗莊新聞網訊"
    finally:
        monkeypatch.undo()
        pinyin._letters_table.cache_clear()
        pinyin._letter_readings.cache_clear()
