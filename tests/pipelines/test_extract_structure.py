"""The structural extraction on the symptoms seen on unseen templates: short articles amid
heavy chrome, 上一篇/下一篇 and comment rules, CSS and scripts inside the content, captions,
glossed traditional info lines, TRS markup."""

from __future__ import annotations

import pytest

from model.items import Article, Page
from pipelines.extract import extract
from pipelines.extract.document import parse
from pipelines.extract.structure import locate

URL = "http://county.test/art/2021/3/4/art_11_22.html"
TITLE = "我县召开春季农业生产工作推进会"
NAV = "".join(
    f'<a href="/c{i}">{w}</a> | '
    for i, w in enumerate(["首页", "新闻中心", "乡镇动态", "政务公开", "专题专栏", "视频"])
)
HOT = "".join(
    f'<li><a href="/h{i}">{t}</a></li>'
    for i, t in enumerate(
        (
            "全县召开安全生产工作会议部署今年重点任务并强调守牢底线",
            "县领导调研重点项目建设情况要求加快推进确保按期完工投产",
            "我县开展志愿服务活动关爱留守儿童和空巢老人温暖人心",
            "全县教育系统召开党风廉政建设工作会议推动全面从严治党",
            "县人大常委会召开第三十次会议审议多项报告和决定事项",
            "我县举办乡村振兴人才培训班提升基层干部能力水平",
        )
    )
)
CHROME_TOP = (
    f'<div class="nav">{NAV}</div>'
    '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/n">新闻中心</a> &gt; 正文</div>'
)
CHROME_BOTTOM = (
    '<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>'
    '<div class="related"><h3>相关信息</h3><ul>' + HOT + "</ul></div>"
    '<div class="hot"><h3>热点信息</h3><ul>' + HOT + "</ul></div>"
    '<div class="links"><h3>友情链接</h3><a href="http://a">中国政府网</a> <a href="http://b">省政府网</a></div>'
    '<div class="footer">版权所有：某县人民政府办公室 备案号：浙ICP备12345678号</div>'
)
SHORT = ["3月4日上午，我县召开春季农业生产工作推进会，部署当前春耕备耕各项工作。"]


def page_html(paragraphs: list[str], info: str, inner: str = "", after: str = "") -> str:
    rows = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{TITLE}_某县人民政府</title></head><body>{CHROME_TOP}"
        '<div class="main"><div class="left">'
        f'<h1 class="title">{TITLE}</h1><div class="info">{info}</div>'
        '<div class="tools">字体：[<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>]</div>'
        f'<div class="content" id="zoom">{inner}{rows}</div>{after}'
        f"</div></div>{CHROME_BOTTOM}</body></html>"
    )


def run(html: str | bytes, url: str = URL) -> Article:
    body = html.encode("utf-8") if isinstance(html, str) else html
    result = extract(Page(url=url, body=body, headers=[("Content-Type", "text/html")]), None)
    assert isinstance(result, Article), result
    return result


INFO = "发布时间：2021-03-04 10:20　来源：县融媒体中心　作者：张伟"


@pytest.mark.parametrize("count", [1, 2, 3])
def test_short_article_does_not_become_the_page(count):
    paragraphs = [
        *SHORT,
        "会议要求，各乡镇要抓好粮食生产，确保面积稳定。",
        "会议强调，要抓好农资供应。",
    ]
    art = run(page_html(paragraphs[:count], INFO))
    assert art.text == "\n".join(paragraphs[:count])
    assert (art.title, art.source, art.author) == (TITLE, "县融媒体中心", "张伟")


def test_article_beside_prev_next_and_comment_rules():
    after = (
        '<div class="prevnext"><p>上一篇：<a href="/p">我县举办乡村振兴人才培训班提升基层干部能力</a></p>'
        '<p>下一篇：<a href="/n">全县召开安全生产工作会议部署今年重点任务</a></p></div>'
        '<div class="comment"><h4>评论须知</h4><p>1. 请遵守国家相关法律法规，文明上网，理性发言，'
        "不得发布违法和不良信息。</p><p>2. 网友评论仅代表网友个人观点，不代表本网站的观点和立场。</p>"
        "<p>已有0条评论</p><textarea>请输入评论内容</textarea><button>发表评论</button></div>"
    )
    paragraphs = [*SHORT, "会议要求，各乡镇要抓好粮食生产，确保粮食播种面积稳定在合理水平。"]
    art = run(page_html(paragraphs, INFO, after=after))
    assert art.text == "\n".join(paragraphs)


def test_style_script_and_noscript_text_never_reach_the_body():
    inner = (
        "<style>.mpromote { font-family: Arial; color: #333; }</style>"
        "<script>var pageId = 3; document.write('x');</script><noscript>请启用脚本</noscript>"
    )
    art = run(page_html(SHORT, INFO, inner=inner))
    assert art.text == SHORT[0]


def test_captions_are_not_body():
    inner = (
        '<p style="text-align:center"><img src="a.jpg"></p><p>图为：会议现场。</p>'
        '<figure><img src="b.jpg"><figcaption>与会人员认真听取会议部署</figcaption></figure>'
        '<p class="pic_txt">春耕备耕现场一景</p>'
    )
    art = run(page_html(SHORT, INFO, inner=inner))
    assert art.text == SHORT[0]


def test_glossed_traditional_info_line_is_read_plain():
    info = "來(lái)源(yuán)：棗莊新聞網(wǎng)　記者 陶海斌 龔歡 發(fā)佈時(shí)間：2021-03-04 10:20"
    art = run(page_html(["會議要求，各鄉鎮要抓好糧食生產，確保面積穩定。"], info))
    assert art.source == "枣庄新闻网"
    assert art.author == "陶海斌 龚欢"
    assert art.published == "2021-03-04T10:20:00+08:00"
    assert art.text == "會議要求，各鄉鎮要抓好糧食生產，確保面積穩定。"


def test_trs_markup_with_labels_in_spans():
    info = (
        '<span class="time">发布日期：<b>2021-03-04</b></span> <span>来源：<em>县农业农村局</em></span>'
        " <span>作者：李娜</span> <span>浏览次数：<i>128</i></span>"
    )
    inner = '<div class="TRS_Editor"><div class="Custom_UnionStyle">'
    html = page_html(SHORT, info, inner=inner).replace(
        '</div><div class="share"', '</div></div></div><div class="share"', 1
    )
    art = run(html)
    assert (art.source, art.author, art.published) == ("县农业农村局", "李娜", "2021-03-04")
    assert art.text == SHORT[0]


def test_editor_line_closes_the_article():
    inner = ""
    paragraphs = [
        *SHORT,
        "会议强调，要抓好农资供应。",
        "（责任编辑：王芳）",
        "扫码关注某县发布",
        "某县融媒体",
    ]
    art = run(page_html(paragraphs, INFO, inner=inner))
    assert art.text == "\n".join(paragraphs[:2])
    assert art.editor == "王芳"


def test_structure_names_its_anchor_and_container():
    doc = parse(page_html(SHORT * 1, INFO), URL)
    found = locate(doc, TITLE)
    assert found is not None
    assert doc.lines[found.headline] == TITLE
    assert [doc.lines[i] for i in found.info] == [INFO.replace("\u3000", " ")]
    assert found.container.get("id") == "zoom"


def test_table_layout_with_br_separated_paragraphs():
    rows = "<br>".join(f"&nbsp;&nbsp;{p}" for p in [*SHORT, "会议强调，要抓好农资供应。"])
    html = (
        f"<html><head><title>{TITLE}</title></head><body><table><tr><td>{NAV}</td></tr>"
        f"<tr><td><table><tr><td><font size=4><b>{TITLE}</b></font></td></tr>"
        f'<tr><td>{INFO}</td></tr><tr><td class="nr">{rows}</td></tr></table></td>'
        f"<td><ul>{HOT}</ul></td></tr></table></body></html>"
    )
    art = run(html)
    assert art.text == "\n".join([SHORT[0], "会议强调，要抓好农资供应。"])
