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


def test_chrome_named_by_class_is_not_body():
    # a share box and a publisher footer inside the content area, with words no chrome
    # pattern knows: their class/id names them as chrome
    inner_after = (
        '<div class="bdsharebuttonbox"><span>微信好友</span><span>朋友圈</span></div>'
        '<div class="article-footer">某县日报社出版 统一编号 55-0002</div>'
    )
    paragraphs = [*SHORT, "会议强调，要抓好农资供应，确保春耕生产顺利进行。"]
    html = page_html(paragraphs, INFO).replace("</p></div>", f"</p>{inner_after}</div>", 1)
    doc = parse(html, URL)
    chrome = {line.text for line in doc.blocks if line.chrome}
    assert {"微信好友朋友圈", "某县日报社出版 统一编号 55-0002"} <= chrome
    assert not chrome & set(paragraphs)
    assert run(html).text == "\n".join(paragraphs)


def test_big_block_is_not_chrome_by_its_name_alone():
    paragraphs = [
        f"第{i}段，会议要求各乡镇抓好粮食生产，确保面积稳定，落实各项惠农政策。" for i in range(80)
    ]
    html = page_html(paragraphs, INFO).replace('id="zoom"', 'id="comment_article"')
    assert run(html).text == "\n".join(paragraphs)


GRID = (
    "<table><tr><td>索 引 号：</td><td>11220000013544357T/2022-00426</td>"
    "<td>分 类：</td><td>通告</td></tr><tr><td>发文机关：</td><td>某县人民政府</td>"
    "<td>成文日期：</td><td>2022年01月27日</td></tr><tr><td>标 题：</td>"
    f"<td>{TITLE}</td></tr><tr><td>发文字号：</td><td>某政发〔2022〕1号</td>"
    "<td>发布日期：</td><td>2022年01月28日</td></tr></table>"
)


def test_label_value_grid_is_metadata_not_body():
    # a government notice: the headline first appears as a value of the metadata grid
    paragraphs = [
        "为做好春季农业生产工作，根据有关规定，现就有关事项通告如下：",
        "一、各乡镇要抓好粮食生产，确保面积稳定。",
        "特此通告。",
    ]
    rows = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (
        f"<html><head><title>{TITLE}</title></head><body>{CHROME_TOP}{GRID}{GRID}"
        f'<div class="doc"><div class="content">{rows}</div></div>{CHROME_BOTTOM}</body></html>'
    )
    art = run(html)
    assert art.text == "\n".join(paragraphs)
    assert art.published == "2022-01-28"


def test_lone_label_line_in_running_text_stays():
    paragraphs = [
        *SHORT,
        "报名方式：",
        "电话报名或者到乡镇农技站现场报名",
        "会议强调，要抓好农资供应。",
    ]
    assert run(page_html(paragraphs, INFO)).text == "\n".join(paragraphs)


def test_readers_comment_heading_with_a_space_ends_the_article():
    paragraphs = [*SHORT, "会议强调，要抓好农资供应，确保春耕生产顺利进行。"]
    after = (
        "<p>瑞雪 对我县召开春季农业生产工作推进会的评论:</p>"
        "<p>这样的会议开得好，希望各项措施尽快落实到位，让农民得到实惠。</p>"
    )
    html = page_html(paragraphs, INFO).replace("</p></div>", f"</p>{after}</div>", 1)
    assert run(html).text == "\n".join(paragraphs)


def test_closing_byline_found_past_a_photo_story_and_attachment_lists():
    pictures = "".join(
        f'<p><strong>{h}</strong></p><p align="center"><img src="{i}.jpg"></p>'
        f'<p align="center">与会人员参观示范基地（记者 摄）</p>'
        for i, h in enumerate(("镜头记录", "精彩瞬间", "亮点", "回顾"))
    )
    files = (
        '<div class="attach"><p>附件：</p><p><a href="/1.docx">1.工作方案.docx</a></p>'
        '<p><a href="/2.pdf">2.实施细则.pdf</a></p></div>'
        '<div class="fj">相关附件：<br><a href="/3.doc">名单.doc</a><br><a href="/4.xls">表.xls</a></div>'
    )
    html = page_html(SHORT * 2, "发布时间：2021-03-04 10:20").replace(
        "</div></div></div>", f"{pictures}{files}<p>（摄影：高翔）</p></div></div></div>"
    )
    assert run(html).author == "高翔"


def test_subtitle_over_a_short_article_is_not_its_start():
    # the subtitle sits in its own block between the info line and the text, with a summary box
    # and a byline after it: the text starts after them, not at the subtitle
    between = (
        "<h3>——某县开展森林防火专项检查纪实</h3>"
        f"<div class='lead'>【核心提示】{SHORT[0][:20]}…</div><div>记者：何东铭</div>"
    )
    html = page_html(SHORT, INFO).replace('<div class="tools">', between + '<div class="tools">')
    doc = parse(html, URL)
    found = locate(doc, TITLE)
    assert found is not None
    assert found.lines == SHORT
    assert run(html).text == SHORT[0]


def test_credit_line_with_a_keyword_list_is_not_text():
    # semicolons in the keyword list make it look like sentences; two labels and a date do not
    credits = "来源：燕赵晚报 关键字：住宅租赁;自有物业;制度缺陷;最牛工资 作者： 2012-01-12 17:14"
    paragraphs = [*SHORT, "会议要求，各乡镇要抓好粮食生产，确保面积稳定。"]
    art = run(page_html(paragraphs, INFO, inner=f"<p>{credits}</p>"))
    assert art.text == "\n".join(paragraphs)
