"""normalize(): seed 003/004 style pages (traditional script, glued pinyin glosses, a lost
character) come out simplified and clean, with the served text kept and mojibake flagged."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from model.items import Article
from pipelines.dedup.hashing import content_hash
from pipelines.normalize import MOJIBAKE_FLAG, normalize, normalize_line
from tests.helpers import run_python

ROOT = Path(__file__).resolve().parents[2]

# Lines of seeds 003 and 004 as served (traditional, glosses, "?;" and "?shù)" mojibake).
SEED_003_LINES = (
    "棗莊新聞網(wǎng)訊 4月10日下午,全市統(tǒng)籌疫情防控和經(jīng)濟社會發(fā)展工作會議召開,總結(jié)全市疫情防控前期工作,安排部署下步任務,動員全市上下發(fā)揚偉大抗疫精神,眾志成城、同心協(xié)力,抓好戰(zhàn)平轉(zhuǎn)換、有序銜接,堅決奪取疫情防控和經(jīng)濟社會發(fā)展“雙勝利”。",
    "會議強調(diào),“常態(tài)化”不等于“正?;?,“零新增”也不等于“零風險”。當前全國疫情防控形勢依然復雜嚴峻,我市戰(zhàn)“疫”還未結(jié)束,大考仍在繼續(xù)。",
    "會議採取視頻形式,在市政大廈設主會場,各區(qū)(市)、棗莊高新區(qū)設分會場。市委常委,市人大常委會、市政府、市政協(xié)領導班子成員等參加會議。(記者 崔累果)",
)
SEED_004_LINES = (
    "5月6日,市委常委會(huì)暨市委應(yīng)對(duì)疫情工作領(lǐng)導(dǎo)小組召開會(huì)議,學(xué)習(xí)貫徹習(xí)近平總書記在中共中央政治局常委會(huì)會(huì)議上的重要講話和省委常委會(huì)會(huì)議精神。",
    "要全面推動(dòng)企業(yè)復(fù)工復(fù)產(chǎn),暢通上下游產(chǎn)業(yè)鏈、交通運(yùn)輸?shù)拳h(huán)節(jié),強(qiáng)化本地產(chǎn)業(yè)鏈供需對(duì)接。",
)
SEED_003 = "\n".join(SEED_003_LINES)
SEED_004 = "\n".join(SEED_004_LINES)
SIMPLIFIED = "　　市委常委会会议暨市疫情防控工作领导小组(扩大)会议召开。\n\n  昨日下午,市委常委会召开会议。  "


def _article(text: str, **fields: object) -> Article:
    return Article(id="a1", url="http://example.test/a/1.shtml", site="demo", text=text, **fields)


def test_seed_003_becomes_simplified_without_glosses():
    article = normalize(_article(SEED_003, title="棗莊新聞網(wǎng)訊"))
    lines = article.text.split("\n")
    assert lines[0].startswith(
        "枣庄新闻网讯 4月10日下午,全市统筹疫情防控和经济社会发展工作会议召开,总结"
    )
    assert "(" not in lines[0]
    assert "各区(市)、枣庄高新区设分会场" in lines[2]
    assert lines[2].endswith("参加会议。(记者 崔累果)")
    assert article.script == "traditional"
    assert article.text_original == SEED_003
    assert article.title == "枣庄新闻网讯"


def test_seed_004_glosses_go_and_the_lost_character_is_flagged():
    article = normalize(_article(SEED_004))
    assert article.text.startswith(
        "5月6日,市委常委会暨市委应对疫情工作领导小组召开会议,学习贯彻习近平"
    )
    assert "推动企业复工复产,畅通上下游产业链" in article.text
    assert "(yè)" not in article.text
    assert article.script == "traditional"
    assert MOJIBAKE_FLAG in article.flags
    assert "运输?shù)拳h(huán)节" in article.text  # kept as served, only flagged


def test_question_mark_semicolon_is_flagged_but_kept():
    article = normalize(_article(SEED_003))
    assert article.flags == [MOJIBAKE_FLAG]
    assert "“正?;?,“零新增”" in article.text


def test_simplified_page_only_cleaned():
    article = normalize(_article(SIMPLIFIED, author="金斌", source="嵊州新闻网"))
    assert article.text == (
        "市委常委会会议暨市疫情防控工作领导小组(扩大)会议召开。\n昨日下午,市委常委会召开会议。"
    )
    assert article.script == "simplified"
    assert article.text_original is None
    assert article.flags == []
    assert (article.author, article.source) == ("金斌", "嵊州新闻网")


def test_people_and_title_are_simplified_and_glosses_removed():
    article = normalize(
        _article(
            "正文。",
            title=" 全市統(tǒng)籌會議召開 ",
            author="記者 張宏偉",
            source="鹽阜大眾報(bào)",
            editor=None,
        )
    )
    assert article.title == "全市统筹会议召开"
    assert article.author == "记者 张宏伟"
    assert article.source == "盐阜大众报"
    assert article.editor is None


def test_content_hash_set_from_final_text():
    article = normalize(_article(SEED_004))
    assert article.content_hash == content_hash(article.text)
    spaced = normalize(_article(SEED_004.replace("\n", "\n\n   ")))
    assert spaced.content_hash == article.content_hash


def test_full_width_letters_and_digits_become_ascii_punctuation_stays():
    article = normalize(_article("ＲＣＥＰ等重大战略机遇，２０２２年（第１季度）：完成。"))
    assert article.text == "RCEP等重大战略机遇，2022年（第1季度）：完成。"


def test_text_original_keeps_full_width_digits_as_served():
    served = "　　３月５日，縣里召开会议。\n\n  会议要求抓好春耕。"
    article = normalize(_article(served))
    assert article.text == "3月5日，县里召开会议。\n会议要求抓好春耕。"
    assert article.text_original == "３月５日，縣里召开会议。\n会议要求抓好春耕。"
    again = normalize(article)
    assert (again.text, again.text_original) == (article.text, article.text_original)


def test_normalize_twice_is_stable():
    once = normalize(_article(SEED_003, title="棗莊新聞網(wǎng)訊"))
    snapshot = (once.text, once.text_original, once.script, once.title, once.content_hash)
    twice = normalize(once)
    assert (
        twice.text,
        twice.text_original,
        twice.script,
        twice.title,
        twice.content_hash,
    ) == snapshot
    assert twice.flags == [MOJIBAKE_FLAG]


def test_odd_text_never_raises():
    for text in ["", "\x00\x01", "\ud800", "(", "（ǎ）", "?" * 50, "𠀀𪚥" * 3, "\r\n\t"]:
        article = normalize(_article(text))
        assert isinstance(article.text, str)
        assert article.content_hash is not None


def test_normalize_line_handles_none_and_blank():
    assert normalize_line(None) is None
    assert normalize_line("  \n ") is None
    assert normalize_line("新聞\n標題") == "新闻 标题"


def test_normalize_and_dedup_modules_import_without_scrapy_or_twisted():
    code = (
        "import sys\n"
        "sys.modules['scrapy'] = None\n"
        "sys.modules['twisted'] = None\n"
        "import pipelines.normalize, pipelines.normalize.text, pipelines.normalize.pinyin\n"
        "import pipelines.normalize.script, pipelines.dedup.hashing, pipelines.dedup.canonical\n"
        "assert 'scrapy' not in {m.split('.')[0] for m in sys.modules if sys.modules[m]}\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr


def test_normalized_article_pickles():
    article = normalize(_article(SEED_004, title="標題"))
    assert pickle.loads(pickle.dumps(article)) == article


def test_t2s_table_is_read_from_the_installed_opencc():
    # to_simplified skips OpenCC for a text without any of these characters: the committed
    # table must be the one the installed OpenCC's dictionaries give (after an upgrade it is
    # not used; regenerate it with python -m pipelines.normalize.t2s_table)
    from pipelines.normalize import script, t2s_changes, t2s_table

    assert t2s_table.build() == Path(t2s_changes.__file__).read_text(encoding="utf-8")
    assert script._T2S_CHANGES is not None
    assert "後" in script._T2S_CHANGES
    assert "后" not in script._T2S_CHANGES


def test_t2s_table_characters_change_and_others_stay():
    from pipelines.normalize.script import _T2S, _T2S_CHANGES, to_simplified

    assert _T2S_CHANGES is not None
    for text in ("市委常委会会议召开", "后来", "乾坤", "土著", "ab 12"):
        assert _T2S_CHANGES.isdisjoint(text) == (text != "乾坤")  # 乾 may change (乾隆 stays)
        assert to_simplified(text) == text == _T2S.convert(text)
    assert to_simplified("後來") == "后来"
    assert to_simplified("後來看著") == "后来看着"  # tw2s where t2s changed the text


def test_a_lone_surrogate_still_refused_as_opencc_refuses_it():
    from pipelines.normalize.script import to_simplified

    with pytest.raises(UnicodeEncodeError):
        to_simplified("市委\ud800")


def test_the_quick_test_for_characters_t2s_changes_is_the_set_test() -> None:
    """``script._may_change`` (a regex class for the characters below U+10000) answers what
    ``frozenset.isdisjoint`` answers, for every code point alone and inside text."""
    from pipelines.normalize import script

    changes = script._T2S_CHANGES
    if changes is None:
        pytest.skip("the t2s table was read from another OpenCC version")
    for point in range(0x110000):
        char = chr(point)
        assert script._may_change(char) is (char in changes), hex(point)
    for text in ("今天天氣很好", "今天天气很好", "abc\U00020000", "新闻" + max(changes), ""):
        assert script._may_change(text) is not changes.isdisjoint(text), text
