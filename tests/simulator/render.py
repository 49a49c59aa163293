"""HTML for the six simulated portals: article, print, mobile, list pages, sitemap and RSS.

Each portal imitates one CMS family (TRS, 大汉, Founder...) with heavy chrome: nav bar,
breadcrumb, hot-news sidebar, 相关阅读, share/print/close links, ICP footer, copyright line.
``served(art)`` gives the strings exactly as the page prints them (traditional + glosses on
demo_yancheng), from which ground truth is derived.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from tests.simulator import corpus

if TYPE_CHECKING:
    from tests.simulator.model import Art, Portal

Links = list[tuple[str, str]]  # (url, title)

_ICP = {
    "demo_shengzhou": "浙ICP备05017992号",
    "demo_hongan": "鄂ICP备18020062号-1",
    "demo_suyu": "苏ICP备05008546号",
    "demo_zaozhuang": "鲁ICP备09012345号",
    "demo_yancheng": "苏ICP备10020304号",
    "demo_county": "浙ICP备12345678号",
}
_NAV = (
    "首页",
    "新闻中心",
    "今日要闻",
    "乡镇动态",
    "专题专栏",
    "政务公开",
    "视频",
    "图片",
    "数字报",
)


def served(art: Art) -> dict[str, object]:
    """Title, names, source and paragraphs as printed on the page."""
    if art.portal != "demo_yancheng":
        return {
            "title": art.title,
            "authors": list(art.authors),
            "source": art.source,
            "editor": art.editor,
            "paragraphs": list(art.paragraphs),
        }
    trad = corpus.to_traditional
    return {
        "title": trad(art.title),
        "authors": [trad(a) for a in art.authors],
        "source": trad(art.source),
        "editor": trad(art.editor) if art.editor else None,
        "paragraphs": [corpus.add_glosses(trad(p)) for p in art.paragraphs],
    }


def _in_script(portal: Portal, html: str) -> str:
    """The traditional portal serves its whole page (chrome too) in traditional script."""
    return corpus.to_traditional(html) if portal.script == "traditional" else html


def _ul(links: Links, cls: str) -> str:
    items = "".join(
        f'<li><a href="{escape(u)}" target="_blank">{escape(t)}</a></li>' for u, t in links
    )
    return f'<ul class="{cls}">{items}</ul>'


def _head(title: str, meta: str = "") -> str:
    return (
        f"<!DOCTYPE html>\n<html>\n<head>\n{meta}<title>{escape(title)}</title>\n"
        '<link rel="stylesheet" href="/css/style.css">\n'
        '<script type="text/javascript">var _hmt = _hmt || [];</script>\n</head>\n'
    )


def _top(portal: Portal, list_url: str) -> str:
    nav = " | ".join(f'<a href="{list_url}">{n}</a>' for n in _NAV)
    return (
        '<div class="top"><a href="#">设为首页</a> <a href="#">加入收藏</a> '
        '<a href="#">无障碍浏览</a> <a href="#">进入关怀版</a></div>\n'
        f'<div class="logo"><a href="{portal.base_url}/">{escape(portal.name)}</a></div>\n'
        f'<div class="nav">{nav}</div>\n'
    )


def _sidebar(hot: Links) -> str:
    return (
        '<div class="sidebar"><div class="hot"><h3>热点新闻</h3>'
        f'{_ul(hot, "hotlist")}</div>\n<div class="ad">微信公众账号 扫一扫关注</div>'
        '<div class="topic"><h3>专题推荐</h3><ul><li><a href="#">【专题】不忘初心 牢记使命</a></li>'
        '<li><a href="#">【专题】壮丽70年 奋斗新时代</a></li></ul></div></div>\n'
    )


def _footer(portal: Portal) -> str:
    return (
        '<div class="footer"><p><a href="#">网站简介</a> | <a href="#">版权声明</a> | '
        '<a href="#">广告服务</a> | <a href="#">联系方式</a> | <a href="#">意见反馈</a></p>\n'
        f"<p>{escape(portal.name)}版权所有 未经授权禁止复制或镜像 "
        f'<a href="https://beian.miit.gov.cn/">{_ICP[portal.id]}</a></p>\n'
        f"<p>Copyright &copy; 2007-2020 {escape(portal.name)} All Rights Reserved. "
        "主办：中共县委宣传部 承办：县融媒体中心</p></div>\n"
    )


def _names(roles: list[str], names: list[str], joiner: str = " ") -> str:
    parts = []
    for role, name in zip(roles, names, strict=True):
        if role in ("文", "图"):
            parts.append(f"{role}/{name}")
        elif role:
            parts.append(f"{role} {name}")
        else:
            parts.append(name)
    return joiner.join(parts)


def _info_and_editor(art: Art, s: dict) -> tuple[str, str]:
    p, names, src, ed = art.published, s["authors"], s["source"], s["editor"]
    if art.portal == "demo_shengzhou":
        info = f"来源:{src} 作者:{_names(art.roles, names)} {p:%Y年%m月%d日%H:%M:%S}"
        return info, f"编辑:{ed}"
    if art.portal == "demo_hongan":
        info = f"发布时间：{p:%Y-%m-%d %H:%M}　　来源：{src}　　作者：{' '.join(names)}"
        return info, f"责任编辑：{ed}"
    if art.portal == "demo_suyu":
        who = f"　作者：{' '.join(names)}" if names else ""
        info = f"发布日期：{p:%Y-%m-%d}　来源：{src}{who}　浏览次数：<span id='count'>1</span>"
        return info, ""
    if art.portal == "demo_zaozhuang":
        info = f"{p:%Y-%m-%d %H:%M:%S}　来源: {src}　{_names(art.roles, names)}"
        return info, f"【编辑：{ed}】"
    if art.portal == "demo_yancheng":
        info = f"來源：{src}　作者：{' '.join(names)}　編輯：{ed}　{p:%Y-%m-%d %H:%M}"
        return info, ""
    who = f"　作者：{_names(art.roles, names)}" if names else ""
    return f"日期：{p:%Y-%m-%d}　来源：{src}{who}", f"（责任编辑：{ed}）"


_TITLE_FMT = {
    "demo_shengzhou": "{}_嵊州新闻网",
    "demo_hongan": "{} - 红安网",
    "demo_suyu": "{}_宿豫区人民政府",
    "demo_zaozhuang": "{}-枣庄新闻网",
    "demo_yancheng": "{}_鹽阜大眾報",
    "demo_county": "{} - 某县融媒体中心",
}
_IMG = '<p style="text-align: center;"><img src="./W020201111386725463528.jpg" oldsrc="W020201111386725463528.jpg" border="0"></p>'


def body_html(portal_id: str, paragraphs: list[str], editor: str, related: Links) -> str:
    """The body container as each CMS writes it, with the chrome that lives inside it.

    Editor lines, 延伸阅读 lists and images sit inside the container on several portals, as on
    the real sites; none of that is article text.
    """
    ps = [escape(p) for p in paragraphs]
    ed = escape(editor)
    if portal_id == "demo_shengzhou":
        rows = "".join(f"<p>　　{p}</p>\n" for p in ps)
        return (
            f'<div class="content" id="zoom">\n{rows}<p>{ed}</p>\n'
            '<div class="wx">微信公众账号<br>嵊州新闻网<br>《今日嵊州》数字报</div>\n'
            f'<div class="yanshen"><h4>延伸阅读</h4>{_ul(related, "ys")}</div>\n</div>'
        )
    if portal_id == "demo_hongan":
        rows = "".join(f"<p>{p}</p>\n" for p in ps)
        return (
            f'<div class="article"><div id="zoom">\n{rows}'
            f'<p style="text-align: right;">{ed}</p>\n</div></div>'
        )
    if portal_id == "demo_suyu":
        font = '<span style="font-family: 仿宋_GB2312; font-size: 16pt;">'
        rows = "".join(f'<p style="text-indent: 2em;">{font}{p}</span></p>\n' for p in ps)
        return (
            f'<div class="TRS_Editor"><div class="Custom_UnionStyle">\n{_IMG}\n{rows}</div></div>'
        )
    if portal_id == "demo_zaozhuang":
        rows = "<br>\n".join(f"&nbsp;&nbsp;&nbsp;&nbsp;{p}<br>" for p in ps)
        return f'<div class="article-content">\n{rows}\n<p class="editor">{ed}</p>\n</div>'
    if portal_id == "demo_yancheng":
        rows = "".join(f"<p>{p}</p>\n" for p in ps)
        return f'<div id="ozoomtext"><!--enpcontent--><founder-content>\n{rows}</founder-content><!--/enpcontent--></div>'
    rows = "".join(f'<div class="para">{p}</div>\n' for p in ps)
    return (
        f'<div class="article-body">\n{rows}<div class="para">{ed}</div>\n'
        f'<div class="more"><b>相关新闻：</b>{_ul(related, "more")}</div>\n</div>'
    )


def _meta(portal: Portal, art: Art, s: dict) -> str:
    if portal.id == "demo_shengzhou":
        return '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">\n'
    if portal.id == "demo_suyu":
        return (
            f'<meta name="ArticleTitle" content="{escape(s["title"])}">\n'
            f'<meta name="PubDate" content="{art.published:%Y-%m-%d %H:%M}">\n'
            f'<meta name="ContentSource" content="{escape(s["source"])}">\n'
            '<meta name="SiteName" content="宿豫区人民政府">\n<meta name="ColumnName" content="新闻中心">\n'
        )
    return '<meta charset="utf-8">\n<meta name="keywords" content="新闻,县域,融媒体">\n'


def article_html(
    portal: Portal, art: Art, url: str, hot: Links, related: Links, list_url: str
) -> str:
    """A full article page with the portal's chrome."""
    s = served(art)
    info, editor = _info_and_editor(art, s)
    title = escape(s["title"])
    print_href = (
        url.replace(".shtml", "_print.shtml")
        if portal.id == "demo_shengzhou"
        else "javascript:window.print()"
    )
    crumb = f'<a href="{portal.base_url}/">{escape(portal.name)}</a> &gt;&gt; <a href="{list_url}">新闻中心</a> &gt;&gt; 正文'
    return _in_script(
        portal,
        _head(_TITLE_FMT[portal.id].format(s["title"]), _meta(portal, art, s))
        + "<body>\n"
        + _top(portal, list_url)
        + f'<div class="crumb">当前位置：{crumb}</div>\n<div class="main"><div class="left">\n'
        + f'<h1 class="title">{title}</h1>\n<div class="info">{info}</div>\n'
        + body_html(portal.id, s["paragraphs"], editor, related)
        + "\n"
        + _prev_next(related)
        + '<div class="share">分享到：<a href="javascript:void(0)">微信</a> <a href="javascript:void(0)">微博</a> '
        + f'<a href="{print_href}">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>\n'
        + f'<div class="related"><h3>相关阅读</h3>{_ul(related, "relist")}</div>\n</div>\n'
        + _sidebar(hot)
        + "</div>\n"
        + _footer(portal)
        + "</body>\n</html>\n",
    )


def _prev_next(related: Links) -> str:
    if len(related) < 2:
        return ""
    (u1, t1), (u2, t2) = related[:2]
    return (
        f'<div class="prevnext"><p>上一篇：<a href="{escape(u1)}">{escape(t1)}</a></p>'
        f'<p>下一篇：<a href="{escape(u2)}">{escape(t2)}</a></p></div>\n'
    )


def print_html(portal: Portal, art: Art) -> str:
    """Shengzhou's print variant: same title, info line and body, almost no chrome."""
    s = served(art)
    info, editor = _info_and_editor(art, s)
    return (
        _head(_TITLE_FMT[portal.id].format(s["title"]), _meta(portal, art, s))
        + f'<body class="print">\n<h1 class="title">{escape(s["title"])}</h1>\n'
        + f'<div class="info">{info}</div>\n'
        + body_html(portal.id, s["paragraphs"], editor, [])
        + '\n<div class="share"><a href="javascript:window.print()">打印</a> '
        + '<a href="javascript:window.close()">关闭</a></div>\n</body>\n</html>\n'
    )


def mobile_html(portal: Portal, art: Art, desktop_url: str) -> str:
    """Hongan's mobile page (``/m/`` + desktop path): one column, app banner, same body."""
    s = served(art)
    info, editor = _info_and_editor(art, s)
    return _in_script(
        portal,
        _head(
            _TITLE_FMT[portal.id].format(s["title"]),
            _meta(portal, art, s) + '<meta name="viewport" content="width=device-width">\n',
        )
        + '<body class="m">\n<div class="m-top"><a href="/m/">'
        + escape(portal.name)
        + '</a> <a href="javascript:void(0)">打开APP</a></div>\n'
        + f'<h1 class="title">{escape(s["title"])}</h1>\n<div class="info">{info}</div>\n'
        + body_html(portal.id, s["paragraphs"], editor, [])
        + f'\n<div class="m-foot"><a href="{escape(desktop_url)}">电脑版</a> '
        + f"<span>{_ICP[portal.id]}</span></div>\n</body>\n</html>\n",
    )


def list_html(
    portal: Portal, items: Links, dates: list[str], pages: list[str], page: int, extra: Links
) -> str:
    """One list page: items (url, title) with dates, pagination links, chrome."""
    rows = "".join(
        f'<li><a href="{escape(u)}" title="{escape(t)}" target="_blank">{escape(t)}</a><span class="date">{d}</span></li>\n'
        for (u, t), d in zip(items + extra, dates + [""] * len(extra), strict=True)
    )
    nav = [f'<a href="{escape(pages[0])}">首页</a>']
    if page > 0:
        nav.append(f'<a href="{escape(pages[page - 1])}">上一页</a>')
    nav += [
        f'<a href="{escape(u)}">{i + 1}</a>' if i != page else f"<span>{i + 1}</span>"
        for i, u in enumerate(pages)
    ]
    if page < len(pages) - 1:
        nav.append(f'<a href="{escape(pages[page + 1])}">下一页</a>')
    nav.append(f'<a href="{escape(pages[-1])}">尾页</a>')
    return _in_script(
        portal,
        _head(f"新闻中心_{portal.name}", _meta_list(portal))
        + "<body>\n"
        + _top(portal, pages[0])
        + f'<div class="crumb">当前位置：<a href="{portal.base_url}/">首页</a> &gt; 新闻中心</div>\n'
        + f'<div class="main"><div class="left"><ul class="newslist">\n{rows}</ul>\n'
        + f'<div class="page">{" ".join(nav)}</div></div>\n'
        + _sidebar(items[:5])
        + "</div>\n"
        + _footer(portal)
        + "</body>\n</html>\n",
    )


def _meta_list(portal: Portal) -> str:
    if portal.id == "demo_shengzhou":
        return '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">\n'
    if portal.id == "demo_suyu":
        return ""
    return '<meta charset="utf-8">\n'


def sitemap_xml(entries: list[tuple[str, str]]) -> str:
    """A sitemap urlset of (url, lastmod date)."""
    urls = "".join(f"<url><loc>{escape(u)}</loc><lastmod>{d}</lastmod></url>\n" for u, d in entries)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
    )


def rss_xml(portal: Portal, entries: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (url, title, RFC 822 date)."""
    items = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link><guid>{escape(u)}</guid>"
        f"<pubDate>{d}</pubDate></item>\n"
        for u, t, d in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
        f"<title>{escape(portal.name)}</title><link>{portal.base_url}/</link>"
        f"<description>{escape(portal.name)}新闻</description>\n{items}</channel></rss>\n"
    )
