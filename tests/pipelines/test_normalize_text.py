"""Text hygiene and script detection, module by module."""

from __future__ import annotations

import pytest

from pipelines.normalize.script import changed_share, detect_script, to_simplified
from pipelines.normalize.text import (
    clean_lines,
    clean_text,
    has_mojibake,
    mojibake_reasons,
    widen_fix,
)


def test_widen_fix_only_letters_and_digits():
    assert widen_fix("ＡＢＣ１２３ａｂｃ，。：（）！") == "ABC123abc，。：（）！"


def test_clean_lines_collapses_spaces_and_drops_empty_lines():
    text = "\u3000\u3000第一段  内容\u00a0\u00a0继续\r\n\r\n \t \n第二段\u200b。\u2028第三段 "
    assert clean_lines(text) == "第一段 内容 继续\n第二段。\n第三段"


def test_clean_text_is_idempotent():
    text = " ＡＢ  \n\n　cd "
    assert clean_text(clean_text(text)) == clean_text(text) == "AB\ncd"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("统筹推进疫\ufffd情防控", "replacement_char"),
        ("“正?;,“零新增”", "question_marks"),
        ("市委??会议", "question_marks"),
        ("交通運(yùn)輸?shù)拳h(huán)節(jié)", "orphan_gloss"),
        ("锟斤拷锟斤拷", "gbk_replacement"),
        ("cafÃ© â€œquotedâ€\x9d", "latin1"),
        ("ÖÐ¹ú¹²²úµ³", "latin1"),
    ],
)
def test_mojibake_is_recognised(text, reason):
    assert reason in mojibake_reasons(text)
    assert has_mojibake(text)


@pytest.mark.parametrize(
    "text",
    [
        "“5·18”经贸活动,温度25°C,面积3×4米。",
        "××××村×××同志",
        "Café crème",
        "为什么?因为要防住疫情。",
        "(记者 崔累果)(WTO)(2020)",
        "",
    ],
)
def test_clean_text_is_not_flagged(text):
    assert not has_mojibake(text)


def test_detect_script():
    assert detect_script("會議強調,常態化不等於正常化。") == "traditional"
    assert detect_script("会议强调,常态化不等于正常化。") == "simplified"
    # a stray variant in a simplified text is not enough
    assert detect_script("乾隆年间著名的后来者," * 3 + "会议强调" * 40) == "simplified"
    assert detect_script("") == "simplified"
    assert detect_script("ABC 123") == "simplified"


def test_changed_share_counts_cjk_only():
    assert changed_share("網A發1") == (2, 2)
    assert to_simplified("後來乾坤") == "后来乾坤"


def test_to_simplified_maps_taiwan_variants_in_traditional_text():
    # t2s keeps 痺 and 著 (Taiwan-standard forms): the traditional text is converted with tw2s
    assert to_simplified("堅決摒棄麻痺思想") == "坚决摒弃麻痹思想"
    assert to_simplified("大家看著會議") == "大家看着会议"
    assert to_simplified("著名學者") == "著名学者"
    # simplified text is left as it is, whatever variants it holds
    assert to_simplified("土著居民的著作") == "土著居民的著作"
