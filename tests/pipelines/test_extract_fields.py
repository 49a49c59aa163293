"""Field modules on small pages written in real portal conventions (the seed texts)."""

from __future__ import annotations

import pytest

from pipelines.extract.dates import extract_published, from_url, parse_date
from pipelines.extract.document import find_info, parse
from pipelines.extract.people import (
    byline_author,
    clean_names,
    extract_author,
    extract_editor,
    extract_source,
)
from pipelines.extract.title import extract_title, strip_suffix


def page(body: str, head: str = "", url: str = "http://example.test/a.html"):
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    doc = parse(html, url)
    doc.title = extract_title(doc)
    doc.info = find_info(doc, doc.title)
    return doc


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("市委常委会会议召开_嵊州新闻网", "市委常委会会议召开"),
        ("红安县召开疫情防控会议 - 红安网", "红安县召开疫情防控会议"),
        ("拿起跨界“指挥棒”她跟学生成长--大河网", "拿起跨界“指挥棒”她跟学生成长"),
        ("宿豫区召开会议|宿豫区人民政府|新闻中心", "宿豫区召开会议"),
        ("益阳：“数字”是优长-半月谈", "益阳：“数字”是优长"),
        ("1-10月德清县固定资产投资结构趋稳趋优", "1-10月德清县固定资产投资结构趋稳趋优"),
        ("县里召开春耕生产工作推进会——某县网", "县里召开春耕生产工作推进会"),
        ("县里召开春耕生产工作推进会 — 某县融媒体中心", "县里召开春耕生产工作推进会"),
        ("脱贫路上的追梦人——记驻村第一书记王某", "脱贫路上的追梦人——记驻村第一书记王某"),
        ("脱贫路上的追梦人——记驻村第一书记王某——某县网", "脱贫路上的追梦人——记驻村第一书记王某"),
    ],
)
def test_strip_suffix(raw, expected):
    assert strip_suffix(raw) == expected


def test_title_prefers_heading_matching_title_prefix():
    doc = page(
        "<h2>新闻中心</h2><h1>市委常委会会议暨疫情防控会议召开</h1><p>正文。</p>",
        "<title>市委常委会会议暨疫情防控会议召开_重要活动_嵊州新闻网</title>",
    )
    assert doc.title == "市委常委会会议暨疫情防控会议召开"


def test_title_from_printed_headline_close_to_title():
    doc = page(
        "<h3>内蒙古9部门：确保两节前农牧民工工资基本无拖欠</h3>",
        "<title>内蒙古确保两节前农牧民工工资基本无拖欠_要闻_正北方网</title>",
    )
    assert doc.title == "内蒙古9部门：确保两节前农牧民工工资基本无拖欠"


def test_title_selector_override():
    doc = parse("<html><title>A_B</title><body><div class='t'>真正的标题</div></body></html>", "")
    assert extract_title(doc, "div.t") == "真正的标题"
    assert extract_title(doc, "//div[@class='t']") == "真正的标题"


SHENGZHOU = (
    "<h1>市委常委会会议暨市疫情防控工作领导小组(扩大)会议召开</h1>"
    "<div>来源:嵊州新闻网-今日嵊州 作者:记者 金斌 2020年02月25日08:43:34</div>"
    "<p>昨日下午，市委常委会会议召开，传达学习贯彻中央政治局会议精神。</p>"
    "<p>编辑:何东铭</p>"
)
HUANGGANG = (
    "<h1>红安县统筹推进疫情防控</h1>"
    "<div>发布时间:2020-03-23 17:17&nbsp;&nbsp;&nbsp;&nbsp;作者:汪欢&nbsp;&nbsp;来源:黄冈日报全媒体"
    "</div><p>会议强调，要坚持问题导向，针对工作中暴露出的问题和短板研究解决。</p>"
)


def test_seed_info_line_shengzhou():
    doc = page(
        SHENGZHOU, "<title>市委常委会会议暨市疫情防控工作领导小组(扩大)会议召开_嵊州新闻网</title>"
    )
    assert extract_published(doc) == "2020-02-25T08:43:34+08:00"
    assert extract_source(doc) == "嵊州新闻网-今日嵊州"
    assert extract_author(doc) == "金斌"
    assert extract_editor(doc) == "何东铭"


def test_seed_info_line_huanggang():
    doc = page(HUANGGANG, "<title>红安县统筹推进疫情防控 - 红安网</title>")
    assert extract_published(doc) == "2020-03-23T17:17:00+08:00"
    assert extract_author(doc) == "汪欢"
    assert extract_source(doc) == "黄冈日报全媒体"
    assert extract_editor(doc) is None


@pytest.mark.parametrize(
    ("line", "editor"),
    [("【编辑：何东铭】", "何东铭"), ("（责任编辑：刘洋）", "刘洋"), ("責任編輯：鄭凱", "郑凯")],
)
def test_editor_line_forms(line, editor):
    doc = page(f"<h1>标题标题标题</h1><p>正文正文正文。</p><div>{line}</div>")
    assert extract_editor(doc) == editor


def test_traditional_labels_and_value_boundaries():
    doc = page(
        "<h1>打好種業振興行動組合拳</h1>"
        "<div>來源：棗莊新聞網　作者：韓雪　編輯：鄭凱　2020-02-06 13:01</div><p>正文。</p>",
        "<title>打好種業振興行動組合拳_盐阜大众报</title>",
    )
    # labels and values are read after OpenCC t2s: the values come out simplified
    assert extract_source(doc) == "枣庄新闻网"
    assert extract_author(doc) == "韩雪"
    assert extract_editor(doc) == "郑凯"
    assert extract_published(doc) == "2020-02-06T13:01:00+08:00"


def test_glossed_traditional_info_line():
    # seed 003/004 style: pinyin glosses glued after characters, labels included
    doc = page(
        "<h1>全市統籌疫情防控工作會議召開</h1>"
        "<div>來(lái)源(yuán)：棗莊新聞網(wǎng)　記者 陶海斌 龔歡 發(fā)佈時(shí)間：2020-04-10 18:20"
        "　責(zé)任編輯：鄭凱</div><p>會(huì)議指出，疫情發(fā)生以來，全市各級堅決貫徹落實。</p>",
        "<title>全市統籌疫情防控工作會議召開_棗莊新聞網</title>",
    )
    assert extract_source(doc) == "枣庄新闻网"
    assert extract_author(doc) == "陶海斌 龚欢"
    assert extract_editor(doc) == "郑凯"
    assert extract_published(doc) == "2020-04-10T18:20:00+08:00"


def test_source_ends_before_colonless_byline_and_counters():
    doc = page(
        "<h1>抓好农业生产工作</h1><div>2020-03-05 05:50:23　来源: 枣庄日报　记者 林峰 通讯员 黄敏</div>"
        "<p>正文。</p>"
    )
    assert extract_source(doc) == "枣庄日报"
    assert extract_author(doc) == "林峰 黄敏"
    doc = page(
        "<h1>倾其所有尽其所能</h1><div>发布日期：2020-10-20　来源：宿豫区融媒体中心　浏览次数：1</div>"
    )
    assert extract_source(doc) == "宿豫区融媒体中心"


def test_role_words_dropped_and_names_joined():
    assert clean_names("文/蒋勇 图/曾敏") == "蒋勇 曾敏"
    assert clean_names("本报记者 王建宏、张文攀") == "王建宏 张文攀"


def test_byline_in_body():
    assert (
        byline_author(["光明日报记者 王建宏 张文攀", "土豆，听名字就土得掉渣。"]) == "王建宏 张文攀"
    )
    assert (
        byline_author(["正文。", "据新华社拉萨电（记者 格桑边觉）记者近日了解到。"]) == "格桑边觉"
    )
    assert byline_author(["记者近日了解到，全县改造户厕。", "正文。"]) is None
    assert byline_author(["正文。", "新京报记者 彭冲 山东冠县报道"]) == "彭冲"


def test_meta_fallbacks():
    doc = page(
        "<h1>倾其所有、尽其所能</h1><p>正文。</p>",
        '<meta name="PubDate" content="2020-10-20 16:04">'
        '<meta name="ContentSource" content="宿豫区融媒体中心"><title>倾其所有、尽其所能_宿豫区</title>',
    )
    assert extract_published(doc) == "2020-10-20T16:04:00+08:00"
    assert extract_source(doc) == "宿豫区融媒体中心"


def test_info_date_only_takes_meta_time_of_same_day():
    doc = page(
        "<h1>倾其所有尽其所能竭其所为</h1><div>发布日期：2020-10-20　来源：宿豫区融媒体中心</div>",
        '<meta name="PubDate" content="2020-10-20 16:04">',
    )
    assert extract_published(doc) == "2020-10-20T16:04:00+08:00"


def test_info_line_beats_meta_and_url():
    doc = page(
        "<h1>标题标题标题标题</h1><div>日期：2020-02-03</div><p>正文。</p>",
        '<meta name="PubDate" content="2019-01-01 10:00">',
        url="http://x.test/art/2018/5/6/art_1.html",
    )
    assert extract_published(doc) == "2020-02-03"


@pytest.mark.parametrize(
    ("url", "date"),
    [
        ("http://x.test/xwzx/202011/t20201111_3456.html", "2020-11-11"),
        ("http://x.test/2020/0323/12345.html", "2020-03-23"),
        ("http://x.test/system/2020/02/25/032265361.shtml", "2020-02-25"),
        ("http://x.test/art/2020/2/25/art_1234_1.html", "2020-02-25"),
        ("http://x.test/content/2020-02/25/content_1.htm", "2020-02-25"),
        ("http://x.test/news/show.php?id=7", None),
    ],
)
def test_url_dates(url, date):
    assert from_url(url) == date


def test_founder_epaper_date_comment():
    # Founder e-paper pages: no date near the headline, the issue date in a trailing comment
    html = (
        "<html><body><h1>拿起跨界指挥棒</h1><p>正文正文正文。</p></body></html>\n"
        "<!--mpproperty <founder-date>\n2022-02-12\n</founder-date>\n<founder-author>\n"
        "</founder-author>-->"
    )
    doc = parse(html, "http://x.test/content_547409.htm")
    doc.info = find_info(doc, extract_title(doc))
    assert extract_published(doc) == "2022-02-12"


def test_no_date_is_none_never_crawl_date():
    doc = page("<h1>标题标题标题</h1><p>没有日期的正文，内容足够长。</p>")
    assert extract_published(doc) is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2020年02月25日08:43:34", "2020-02-25T08:43:34+08:00"),
        ("2020-2-5 8:05", "2020-02-05T08:05:00+08:00"),
        ("2020/02/25", "2020-02-25"),
        ("2020-02-25T00:43:34Z", "2020-02-25T08:43:34+08:00"),
        ("2020-13-45", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("lines", "source", "editor"),
    [
        ("<div>来源：[ 人民网 ]\ue5c2</div><p>（ 责任编辑：魏喆 ）</p>", "人民网", "魏喆"),
        ("<div>来源于：东区办事处</div><p>责任编辑：龙慧</p>", "东区办事处", "龙慧"),
        # spaced-out labels; a label quoted in a rights notice is no field
        ("<div>来　源：县融媒体中心</div><p>编 辑：王芳</p>", "县融媒体中心", "王芳"),
        ("<p>凡本网注明“来源：某县新闻网”的作品，转载请注明出处。</p>", None, None),
        # both names are editors (责编 = 责任编辑)
        ("<p>编辑|禤志杰</p><p>责编|陈梦莹</p>", None, "禤志杰 陈梦莹"),
        ("<p>医技药剂党支部供稿 摄影/张艳 编辑/苏芳</p>", None, "苏芳"),
        ("<p>（松花江网编辑 孙桂芳）</p>", None, "孙桂芳"),
        ("<p>【纠错】 责任编辑：</p><p>焦鹏</p>", None, "焦鹏"),
    ],
)
def test_source_and_editor_forms_from_real_pages(lines, source, editor):
    doc = page(f"<h1>标题标题标题</h1><p>正文正文正文正文。</p>{lines}")
    assert extract_source(doc) == source
    assert extract_editor(doc) == editor


def test_writer_line_away_from_title():
    doc = page("<h1>标题标题标题</h1><p>正文正文正文正文。</p><p>作者：宋怡 杨志华</p>")
    assert extract_author(doc) == "宋怡 杨志华"
    doc = page("<h1>标题标题标题</h1><p>调查报告正文。 执笔人：闵乐夫 赵兰波 刘韬</p>")
    doc.body = ["调查报告正文。 执笔人：闵乐夫 赵兰波 刘韬"]
    assert extract_author(doc) == "闵乐夫 赵兰波 刘韬"


def test_editor_credit_on_adjacent_lines():
    doc = page(
        "<h1>倾其所有、尽其所能</h1><p>正文很长很长的一段话，这里是正文。</p>"
        "<p>编辑|禤志杰</p><p>责编|陈梦莹</p><p>审核|李四</p>",
        "<title>倾其所有、尽其所能</title>",
    )
    assert extract_editor(doc) == "禤志杰 陈梦莹"


def test_meta_author_naming_the_editor_is_not_the_author():
    doc = page(
        "<h1>倾其所有、尽其所能</h1><p>正文很长很长的一段话，这里是正文。</p><p>编辑:李楠</p>",
        '<meta name="author" content="李楠"><title>倾其所有、尽其所能</title>',
    )
    doc.body = ["正文很长很长的一段话，这里是正文。"]
    editor = extract_editor(doc)
    assert editor == "李楠"
    assert extract_author(doc) == "李楠"  # without the editor, the meta tag is taken
    assert extract_author(doc, editor=editor) is None


def test_role_word_before_closing_names_is_dropped():
    body = ["正文。", "正是有了英勇的你们，才有这座英雄的城！（评论员 罗博 萧海川）"]
    assert byline_author(body) == "罗博 萧海川"


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("2012-01-12 08:51 来源： 华龙网—重庆商报 网友评论 ( 0 )", "华龙网—重庆商报"),
        ("来源：投资者报 发表评论", "投资者报"),
        ("2012年01月12日 16:56:02 来源：广州日报 手机看商都", "广州日报"),
        ("来源：燕赵晚报 关键字： 住宅租赁;自有物业", "燕赵晚报"),
        ("2012-01-17 14:54 来源：(", None),
    ],
)
def test_source_value_ends_before_page_chrome(line, source):
    doc = page(f"<h1>倾其所有、尽其所能</h1><div>{line}</div><p>正文。</p>")
    assert extract_source(doc) == source


def test_chrome_words_and_weekdays_are_not_names():
    body = ["正文。", "国家质检总局同时发布，不合格的进口食品1857批。（记者左娅）"]
    assert byline_author(body, below=["编辑：黄静文 作者： 【打印】"]) == "左娅"
    assert byline_author(["正文。", "２０１２年１月１７日（星期二）"]) is None


def test_headline_above_the_date_line_when_the_page_has_no_title():
    doc = parse(
        "<html><body><div><a href='/'>首页</a> - <a href='/n'>新闻</a></div>"
        "<div>汽车 &gt;&gt; 车坛动态</div><div><b>广汽回应现代合资内幕 全面合作项目即将展开</b>"
        "<br><a href='http://www.qianlong.com/'>http://www.qianlong.com/</a><br>"
        "2005-07-18 13:03:17</div><p>1个月之后的6月21日，随着广汽和现代合资基础协议的签署，"
        "传闻再次袭来。</p></body></html>",
        "http://example.test/a.html",
    )
    assert extract_title(doc) == "广汽回应现代合资内幕 全面合作项目即将展开"
    # no date line: nothing to anchor on
    assert (
        extract_title(parse("<html><body><p>正文，没有日期。</p></body></html>", "http://e.test/"))
        is None
    )


def test_second_round_label_spellings():
    doc = page(
        "<h1>标题标题标题标题</h1><div>录入时间：2021-03-04 09:10　稿件来源：县融媒体中心"
        "　采写：林峰</div><p>正文正文正文正文。</p>"
    )
    assert extract_published(doc) == "2021-03-04T09:10:00+08:00"
    assert extract_source(doc) == "县融媒体中心"
    assert extract_author(doc) == "林峰"


@pytest.mark.parametrize("sep", ["│", "┃", "●", "◆", "丨"])
def test_values_end_at_bar_and_bullet_separators(sep):
    doc = page(
        f"<h1>标题标题标题标题</h1><div>来源：县融媒体中心 {sep} 作者：林峰 {sep} "
        f"编辑：王芳 {sep} 2021-03-04</div><p>正文正文正文正文。</p>"
    )
    assert (extract_source(doc), extract_author(doc), extract_editor(doc)) == (
        "县融媒体中心",
        "林峰",
        "王芳",
    )


def test_editor_ends_at_a_credit_the_label_lists_do_not_know():
    for line in (
        "编辑：郑凯　统筹：赵磊",
        "编辑：郑凯　审　稿：赵磊",
        "编辑：郑凯　责任校对：赵磊",
    ):
        doc = page(f"<h1>标题标题标题标题</h1><p>正文正文正文正文。</p><p>{line}</p>")
        assert extract_editor(doc) == "郑凯", line


def test_glossed_credit_line_is_measured_plain():
    line = "編(biān)輯(jí)：田甜　初審(shěn)：高翔　複審(shěn)：金斌　終審(shěn)：高翔　審(shěn)稿(gǎo)：高翔"
    doc = page(f"<h1>標題標題標題標題</h1><p>正文正文正文正文。</p><div>{line}</div>")
    assert extract_editor(doc) == "田甜"


def test_title_meta_copying_the_title_tag_loses_to_the_printed_headline():
    # og:title repeats <title> with its site suffix; the page prints the headline without it
    head = (
        "<title>刺死辱母者于欢的罪与悔：出狱第一晚仅睡三四个小时_苏银</title>"
        '<meta property="og:title" content="刺死辱母者于欢的罪与悔：出狱第一晚仅睡三四个小时_苏银">'
    )
    doc = page("<h1>刺死辱母者于欢的罪与悔：出狱第一晚仅睡三四个小时</h1><p>正文。</p>", head)
    assert doc.title == "刺死辱母者于欢的罪与悔：出狱第一晚仅睡三四个小时"
    # a heading that is only the site name (half the <title> or less) is not the headline
    head = (
        "<title>全县召开春耕生产工作推进会_某县新闻网</title>"
        '<meta property="og:title" content="全县召开春耕生产工作推进会_某县新闻网">'
    )
    assert (
        page("<h1>某县新闻网</h1><p>正文。</p>", head).title
        == "全县召开春耕生产工作推进会_某县新闻网"
    )


@pytest.mark.parametrize(
    ("info", "author"),
    [
        ("2023-09-15 14:30 記者 王小明／台北報導", "王小明"),
        ("記者王小明、李大華／台北報導", "王小明 李大华"),
        ("記者王小明／綜合報導", "王小明"),
        ("文／王小明　攝影／李大華", "王小明 李大华"),
    ],
)
def test_taiwan_bylines_in_the_info_line(info, author):
    doc = page(f"<h1>行政院會通過明年度總預算案</h1><div>{info}</div><p>正文。</p>")
    assert extract_author(doc) == author


def test_taiwan_bylines_in_the_body():
    assert (
        byline_author(["〔記者王小明／台北報導〕行政院今天召開院會，通過明年度中央政府總預算案。"])
        == "王小明"
    )
    assert byline_author(["記者王小明／台北即時報導", "行政院今天召開院會。"]) == "王小明"
