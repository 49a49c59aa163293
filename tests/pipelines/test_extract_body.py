"""Body: chrome lines removed, 相关阅读 and legal footers cut, body selector region used."""

from __future__ import annotations

from pipelines.extract.body import anchored_lines, clean_lines, extract_body
from pipelines.extract.document import find_info, headline_index, parse

BODY = ["第一段正文，内容足够长，讲述会议的主要精神。", "第二段正文，继续讲述会议部署的具体工作。"]


def _doc(html: str = "<html><body><h1>标题标题标题</h1></body></html>"):
    doc = parse(html, "http://x.test/a.html")
    doc.info = find_info(doc, "标题标题标题")
    return doc


def test_drops_info_editor_share_and_cuts_related():
    lines = [
        "标题标题标题",
        "发布时间：2020-03-23 17:17 作者：汪欢 来源：黄冈日报全媒体",
        *BODY,
        "（来源：宿豫区人民政府网站）",
        "【编辑：何东铭】",
        "分享到：微信 微博",
        "【字体：大 中 小】【打印】【关闭窗口】",
        "相关阅读",
        "复工复产有序推进",
    ]
    assert clean_lines(lines, _doc(), "标题标题标题") == BODY


def test_cuts_legal_footer_and_drops_duplicates():
    lines = [
        *BODY,
        BODY[0],
        "免责声明：本站转载内容仅供参考。",
        "版权所有 某县融媒体中心 苏ICP备12345678号",
    ]
    assert clean_lines(lines, _doc(), None) == BODY


def test_related_heading_early_does_not_cut_the_text():
    # a 相关新闻 heading at the top is not the end of the article: the text after it stays
    lines = ["相关新闻", *BODY, "第三段正文。", "第四段正文。"]
    assert clean_lines(lines, _doc(), None) == [*BODY, "第三段正文。", "第四段正文。"]


def test_body_selector_region():
    html = (
        "<html><body><h1>标题标题标题</h1><div class='side'><p>热点新闻一条很长的侧栏文字内容。</p></div>"
        "<div class='c'>"
        + "".join(f"<p>{p}</p>" for p in BODY)
        + "<p>编辑：李华</p></div></body></html>"
    )
    doc = _doc(html)
    assert extract_body(doc, "标题标题标题", "div.c") == "\n".join(BODY)
    assert extract_body(doc, "标题标题标题", "//div[@class='c']") == "\n".join(BODY)


def test_layout_table_page_reads_article_not_layout():
    rows = "".join(f"<tr><td><a href='/{i}'>频道{i}</a></td></tr>" for i in range(30))
    article = "".join(f"<p>{p * 4}</p>" for p in BODY * 2)
    html = f"<html><body><table><tr><td><table>{rows}</table></td><td>{article}</td></tr></table></body></html>"
    text = extract_body(_doc(html), None)
    assert BODY[0] in text
    assert "频道3" not in text


def test_subtitle_under_an_info_line_inside_the_headline_is_not_text():
    html = (
        "<html><body><h1>标题标题标题<br><font size='2'>发布日期：2020-03-23　来源：县融媒体中心"
        "</font></h1><h3>——某县开展森林防火专项检查纪实</h3>"
        "<div class='content'>" + "".join(f"<p>{p}</p>" for p in BODY) + "</div></body></html>"
    )
    assert extract_body(_doc(html), "标题标题标题") == "\n".join(BODY)


def test_permalink_line_is_chrome():
    lines = [*BODY, "本文链接：http://www.x.test/news/2020-03/23/content_1.html"]
    assert clean_lines(lines, _doc(), None) == BODY


def test_peers_text_loses_the_captions_the_page_shows_beside_pictures():
    html = (
        "<html><body><h1>标题标题标题</h1><p>镜头记录</p><p align='center'><img src='a.jpg'></p>"
        "<p align='center'>调研组察看项目进度</p>"
        + "".join(f"<p>{p}</p>" for p in BODY)
        + "</body></html>"
    )
    lines = ["镜头记录", "调研组察看项目进度", *BODY]
    assert clean_lines(lines, _doc(html), None) == BODY


def test_peers_lose_the_lines_printed_above_the_headline_and_in_link_lists():
    # the structural text is too short to trust, so the peers' text is taken; they return the
    # whole page, and the page's layout says which of their lines are navigation and sidebars
    nav = " ".join(
        f'<a href="/{i}">{w}</a>' for i, w in enumerate(("设为首页", "加入收藏", "繁体版"))
    )
    menu = "".join(
        f'<td><a href="/m{i}">{w}</a></td>' for i, w in enumerate(("部门动态", "政务公开"))
    )
    side = "".join(
        f'<li><a href="/h{i}">{w}</a></li>'
        for i, w in enumerate(("鹤山区开展冬季送温暖走访活动", "凤台镇推进美丽乡村示范带建设"))
    )
    html = (
        f"<html><body><div>{nav}</div><table><tr>{menu}</tr></table>"
        "<div>当前位置：<a href='/'>首页</a> » <a href='/b'>部门动态</a></div>"
        "<h1>推动限制清单之外的行业复工复市</h1><div>2020-11-26 08:48:56</div>"
        "<div class='art'><p>会议强调要抓好春耕。</p></div>"
        f"<div class='hotnews'><h3>图片新闻</h3><ul>{side}</ul></div></body></html>"
    )
    doc = parse(html, "http://x.test/a.html")
    doc.info = find_info(doc, "推动限制清单之外的行业复工复市")
    assert extract_body(doc, "推动限制清单之外的行业复工复市") == "会议强调要抓好春耕。"


def test_anchored_lines_keeps_text_after_the_headline_and_unknown_lines():
    html = (
        "<html><body><div><a href='/'>首页</a> <a href='/n'>新闻中心</a></div><h1>标题标题标题</h1>"
        f"<p>{BODY[0]}</p><ul><li><a href='/x'>其他新闻标题一则</a></li></ul>"
        f"<p>新闻中心{BODY[1]}</p></body></html>"
    )
    doc = parse(html, "http://x.test/a.html")
    head = headline_index(doc, "标题标题标题")
    assert head is not None
    # menu words that a paragraph also holds are still menu words: only whole lines stay
    lines = [
        "首页",
        "新闻中心",
        BODY[0],
        "其他新闻标题一则",
        "页面里没有的一行字",
        f"新闻中心{BODY[1]}",
    ]
    kept = [BODY[0], "页面里没有的一行字", f"新闻中心{BODY[1]}"]
    assert anchored_lines(lines, doc, head) == kept


def test_press_release_ends_at_its_closing_word():
    # a government press release: a row of stars over the text, 完 and the issue date under it
    lines = [
        "＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊",
        *BODY,
        "完",
        "2012年1月17日（星期二）",
        "香港時間17時30分",
    ]
    assert clean_lines(lines, _doc(), None) == BODY


def test_line_tests_answer_the_same_from_their_cache() -> None:
    """``is_drop``, ``end_kind`` and ``is_info`` keep their answers for short lines: asked again,
    and asked about a line too long to keep, they answer what the test itself answers."""
    from pipelines.extract.chrome import CACHED_MAX, end_kind, is_drop
    from pipelines.extract.document import is_info

    lines = [
        "分享到：微信 微博", "相关阅读", "（完）", "来源：新华社 2021-05-06 10:20", "编辑：张三",
        "图为会议现场", "首页 > 新闻 > 本地", "字号：大 中 小", "会议指出，要坚持党建引领。",
        "版权所有 某县融媒体中心 ICP备12345678号", "",
    ]  # fmt: skip
    lines += [line * (CACHED_MAX // max(len(line), 1) + 1) for line in lines if line]
    for test in (is_drop, end_kind, is_info):
        uncached = test.__wrapped__  # type: ignore[attr-defined]
        for line in lines * 2:
            assert test(line) == uncached(line), (test.__name__, line)
    assert is_drop("分享到：微信 微博")
    assert end_kind("（完）") == "hard"
    assert is_info("来源：新华社 2021-05-06 10:20")
    assert not is_drop("会议指出，要坚持党建引领。")
