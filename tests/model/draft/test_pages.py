from model.draft.pages import ARTICLE, LIST, classify, read_page

CHROME = "<div class='nav'><a href='/'>首页</a><a href='/news/'>新闻中心</a></div>"
FOOT = "<div class='foot'>版权所有：某某县融媒体中心 地址：县府路一号</div>"
BODIES = [
    "会议指出，要坚持以人民为中心的发展思想，扎实推进共同富裕，持续改善民生福祉，让群众获得感成色更足。",
    "全县上下要紧盯目标任务，压实工作责任，确保各项重点工作落地见效，以实干实绩推动高质量发展。",
    "今年以来，该县围绕产业升级、城乡融合、生态保护等重点领域精准发力，经济运行稳中向好。",
]


def _article(i: int) -> str:
    links = "".join(
        f"<li><a href='/2020/0301/{n}.html'>相关新闻标题第{n}条</a></li>" for n in range(6)
    )
    return (
        f"<html><body>{CHROME}<h1>标题第{i}篇稿件</h1><div class='info'>2020-03-0{i + 1}</div>"
        f"<div class='content'><p>{BODIES[i]}</p><p>第{i}段{BODIES[(i + 1) % 3]}</p></div>"
        f"<ul class='hot'>{links}</ul>{FOOT}</body></html>"
    )


def _list(layout: str) -> str:
    if layout == "summaries":
        items = "".join(
            f"<div class='item'><h3><a href='/2020/0301/{n}.html'>新闻标题第{n}条稿件</a></h3>"
            f"<p>{BODIES[n % 3][:30]}{n}</p></div>"
            for n in range(10)
        )
    else:
        items = (
            "<ul>"
            + "".join(
                f"<li><a href='/2020/0301/{n}.html'>新闻标题第{n}条</a><span>2020年03月01日</span></li>"
                for n in range(10)
            )
            + "</ul>"
        )
    pages = "<a href='/news/index_2.html'>下一页</a>"
    return f"<html><body>{CHROME}{items}{pages}{FOOT}</body></html>"


def test_articles_and_lists_are_told_apart_chrome_learnt_from_the_sample():
    views = [read_page(f"http://x.cn/2020/0301/{i}.html", _article(i)) for i in range(3)]
    views += [read_page("http://x.cn/news/index.html", _list("dates"))]
    views += [read_page("http://x.cn/news/index_2.html", _list("summaries"))]
    kinds = {url: v.kind for url, v in classify(views).items()}
    assert [kinds[f"http://x.cn/2020/0301/{i}.html"] for i in range(3)] == [ARTICLE] * 3
    assert kinds["http://x.cn/news/index.html"] == LIST
    assert kinds["http://x.cn/news/index_2.html"] == LIST


def test_paging_links_and_script_pagers_are_seen():
    view = read_page("http://x.cn/news/index.html", _list("dates"))
    assert view.paging
    trs = '<html><body><script>createPageHTML(5, 0, "index", "html");</script></body></html>'
    view = read_page("http://x.cn/xwzx/index.html", trs)
    assert view.paging
    assert ("http://x.cn/xwzx/index_1.html", "2") in view.links


def test_a_page_that_does_not_parse_is_an_empty_view():
    view = read_page("http://x.cn/", "")
    assert view.links == []
    assert not view.paging


def test_a_hanweb_datastore_list_is_a_paged_list():
    records = "".join(
        f"<record><![CDATA[<li><a href='/art/2020/3/1/art_77_{n}.html'>新闻标题第{n}条</a></li>]]>"
        "</record>"
        for n in range(10)
    )
    html = (
        "<html><body><script type='text/xml'><datastore><nextgroup><![CDATA[<a href="
        "'/module/web/jpage/dataproxy.jsp?page=1&columnid=77'></a>]]></nextgroup>"
        f"<recordset>{records}</recordset></datastore></script></body></html>"
    )
    view = read_page("http://x.cn/col/col77/index.html", html)
    assert view.paging
    assert ("http://x.cn/art/2020/3/1/art_77_9.html", "") in view.links
    assert classify([view])["http://x.cn/col/col77/index.html"].kind == LIST
