"""Labels and chrome read plain: one simplified pattern serves traditional and glossed lines."""

from __future__ import annotations

import pytest

from pipelines.extract.chrome import end_kind, is_caption, is_drop
from pipelines.extract.labels import plain


@pytest.mark.parametrize(
    ("served", "read"),
    [
        ("來(lái)源(yuán)：棗莊新聞網(wǎng)", "来源：枣庄新闻网"),
        ("責任編輯：鄭凱", "责任编辑：郑凯"),
        ("发布时间：2020-02-25", "发布时间：2020-02-25"),
        ("(记者 崔累果)", "(记者 崔累果)"),  # a parenthesis that is not a gloss stays
        # two-character labels spaced out to a column's width are read joined
        ("来　源：新华社　作 者：张伟", "来源：新华社　作者：张伟"),
        ("2021年02月18日 编 辑：\xa0徐丽", "2021年02月18日 编辑：\xa0徐丽"),
        ("來 源：棗莊日報", "来源：枣庄日报"),
        ("今天 来 了很多人", "今天 来 了很多人"),  # not a label pair: unchanged
    ],
)
def test_plain_removes_glosses_then_converts(served, read):
    assert plain(served) == read


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("上一篇：我县举办培训班", "hard"),
        ("評論須知：請遵守法律法規", "hard"),
        ("相關閱讀", "soft"),
        ("【相关新闻】", "soft"),
        ("版權所有 某縣融媒體中心 浙ICP備12345678號", "hard"),
        ("相关新闻显示，今年粮食产量稳定增长。", None),
        ("评论员文章：抓好春耕生产", None),
        ("跟帖 0人参与 请登录后跟帖", "hard"),
        (
            "【版权声明】凡本网注明“来源：某县新闻网”的所有作品，版权均属某县新闻网所有，转载请注明出处。",
            "hard",
        ),
    ],
)
def test_end_markers_in_either_script(line, kind):
    assert end_kind(plain(line)) == kind


@pytest.mark.parametrize(
    "line",
    [
        "字體：【大 中 小】",
        "打印本頁 關閉窗口",
        "當前位置：首頁 > 新聞中心",
        "摘要：会议部署春耕工作",
        "关键词：春耕",
        "【核心提示】会议部署春耕工作…",  # a bracketed lead box needs no colon
        # once the links are gone (the peers' text): file names, pagers, share bars
        "附件：1.工作方案.docx 2.名单.xls",
        "附件2：实施细则.pdf",
        "上一页 1 2 3 下一页",
        "分享：微信 新浪微博",
        "【內容提要】會議部署春耕工作…",
    ],
)
def test_drop_lines_in_either_script(line):
    assert is_drop(plain(line))


def test_summary_word_in_running_text_is_kept():
    assert not is_drop("核心提示大家注意防疫。")
    assert not is_drop("本文件.pdf格式见附件，请各单位认真学习。")


@pytest.mark.parametrize(
    ("line", "caption"),
    [
        ("图为：志愿者为群众测量血压。", True),
        ("▲ 技术人员调试设备", True),
        ("某县村民在田间收割晚稻（资料图）", True),
        ("会议现场（张伟 摄）", True),
        ("图书馆新馆今年对外开放，市民可免费借阅。", False),
    ],
)
def test_captions(line, caption):
    assert is_caption(line) is caption


@pytest.mark.parametrize(
    ("line", "menu"),
    [
        ("首页 | 新闻中心 | 政务公开 | 办事服务", True),
        ("新闻｜体育｜财经｜娱乐｜图片", True),
        ("關於我們 | 聯絡我們 | 網站地圖 | 私隱政策", True),
        ("2020-01-01 | 人民网 | 张三 | 李四", False),  # an info line without labels
        ("甲方 | 乙方", False),
        ("今天，我们 | 去了 | 城里 | 开会", False),  # running text with bars
    ],
)
def test_menu_bar_without_its_links_is_chrome(line, menu):
    assert is_drop(plain(line)) is menu


@pytest.mark.parametrize("line", ["完", "（完）", "-完-", "【完】", "— 完 —"])
def test_closing_word_of_a_release_ends_the_article(line):
    assert end_kind(plain(line)) == "hard"


def test_a_sentence_with_the_word_is_no_end():
    assert end_kind("工程已于去年完工。") is None
    assert end_kind("完成") is None


@pytest.mark.parametrize("line", ["前一篇：白水区开通首条城乡公交环线", "后一篇：桃源镇召开会议"])
def test_previous_and_next_article_links_in_other_words_end_the_article(line):
    assert end_kind(plain(line)) == "hard"
