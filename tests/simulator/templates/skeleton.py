"""Page skeletons: the frame each CMS family wraps around headline, info line and content.

Also the ``<head>`` (title formats, 政府网站 meta tags, charset declarations), the headline
markup and the article URL conventions of each family.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from tests.simulator.templates import variety

if TYPE_CHECKING:
    from tests.simulator.templates.context import Ctx

# charset variant -> (Content-Type header charset or None, meta charset or None, codec, BOM)
CHARSETS: dict[str, tuple[str | None, str | None, str, bool]] = {
    "utf8_header": ("utf-8", None, "utf-8", False),
    "utf8_meta": (None, "utf-8", "utf-8", False),
    "utf8_both": ("utf-8", "utf-8", "utf-8", False),
    "utf8_none": (None, None, "utf-8", False),
    "gbk_header": ("GBK", None, "gbk", False),
    "gbk_meta": (None, "gbk", "gbk", False),
    "gbk_both": ("gbk", "gbk", "gbk", False),
    "gbk_none": (None, None, "gbk", False),
    "gb18030_both": ("GB18030", "gb18030", "gb18030", False),
    "gb2312_meta": (None, "gb2312", "gbk", False),
    "header_gbk_meta_utf8": ("gbk", "utf-8", "gbk", False),
    "utf8_bom_meta_gbk": (None, "gbk", "utf-8", True),
}
_FRAME_CLASS = {
    "modern_div": "article-content",
    "table_old": "content",
    "trs_wcm": "TRS_Editor",
    "hanweb_jcms": "zoom",
    "phpcms": "content",
    "dedecms": "content",
    "dongyi_asp": "article_content",
    "founder_enp": "ozoomtext",
}


def article_path(ctx: Ctx, number: int) -> str:
    d, col = ctx.draft.published, 1000 + ctx.tpl.number
    return {
        "modern_div": f"/news/{d:%Y-%m}/{d:%d}/content_{number}.html",
        "table_old": f"/html/{d:%Y%m}/{number}.html",
        "trs_wcm": f"/xwzx/{d:%Y%m}/t{d:%Y%m%d}_{number}.html",
        "hanweb_jcms": f"/art/{d.year}/{d.month}/{d.day}/art_{col}_{number}.html",
        "phpcms": f"/index.php?m=content&c=index&a=show&catid={col}&id={number}",
        "dedecms": f"/a/xinwen/{d:%Y}/{d:%m%d}/{number}.html",
        "dongyi_asp": f"/Article/ShowArticle.asp?ArticleID={number}",
        "founder_enp": f"/content/{d:%Y-%m}/{d:%d}/content_{number}.htm",
    }[ctx.c("skeleton")]


def title_tag(ctx: Ctx) -> str:
    t, site, kind = ctx.text(ctx.draft.title), escape(ctx.site.name), ctx.c("title_tag")
    ctx.mark(f"title_tag:{kind}", "<title>", chrome=False)
    return {
        "us_site": f"{t}_{site}",
        "dash_site": f"{t} - {site}",
        "col_site": f"{t}_{escape(ctx.site.column)}_{site}",
        "site_first": f"{site}-{t}",
        "bare": t,
    }[kind]


def head(ctx: Ctx, pubdate: str) -> str:
    _, meta_cs, _, _ = CHARSETS[ctx.c("charset")]
    lines = []
    if meta_cs:
        if ctx.rng.random() < 0.5:
            lines.append(f'<meta charset="{meta_cs}">')
        else:
            lines.append(f'<meta http-equiv="Content-Type" content="text/html; charset={meta_cs}">')
    d, site = ctx.draft, ctx.site
    gov = ctx.c("gov_meta")
    if gov != "none":
        ctx.mark(f"gov_meta:{gov}", '<meta name="SiteName"', chrome=False)
        lines += [
            f'<meta name="SiteName" content="{escape(site.name)}">',
            f'<meta name="ColumnName" content="{escape(site.column)}">',
            f'<meta name="ArticleTitle" content="{ctx.text(d.title)}">',
        ]
    if gov == "full":
        lines += [
            f'<meta name="SiteDomain" content="{site.host}">',
            f'<meta name="SiteIDCode" content="{site.site_code}">',
            '<meta name="ColumnType" content="工作动态">',
            f'<meta name="PubDate" content="{pubdate}">',
        ]
        if d.source and ctx.c("source_place") != "absent":
            lines.append(f'<meta name="ContentSource" content="{ctx.text(d.source)}">')
    if ctx.c("meta_author") == "site":
        ctx.mark("meta_author:site", '<meta name="author"', chrome=False)
        lines.append(f'<meta name="author" content="{escape(site.name)}">')
    lines.append(
        f'<meta name="keywords" content="{escape(site.place)},新闻,{escape(site.column)}">'
    )
    lines.append('<link rel="stylesheet" type="text/css" href="/css/style.css">')
    lines.append('<script type="text/javascript" src="/js/jquery.min.js"></script>')
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">\n<html>\n<head>\n'
        + "\n".join(lines)
        + f"\n<title>{title_tag(ctx)}</title>\n</head>\n"
    )


def headline(ctx: Ctx, info: str) -> str:
    """Kicker, headline, subtitle and info line in the template's markup."""
    kind, d = ctx.c("headline"), ctx.draft
    t = ctx.text(d.title, gloss=False)
    ctx.mark(f"headline:{kind}", {"h1": "<h1", "h2": "<h2", "div_title": '<div class="title"',
                                  "td": '<td class="biaoti"', "strong": "<strong><font"}[kind],
             chrome=False)  # fmt: skip
    sub_kind = ctx.c("subtitle") if d.subtitle else "none"
    kicker = sub = ""
    if sub_kind != "none":
        ctx.mark(f"subtitle:{sub_kind}", d.subtitle.strip("—"))  # type: ignore[union-attr]
        text = escape(d.subtitle if sub_kind == "below" else d.subtitle.strip("—"))  # type: ignore[union-attr]
        kicker = f'<div class="yinti">{text}</div>\n' if sub_kind == "kicker" else ""
        sub = f'<h3 class="subtitle">{text}</h3>\n' if sub_kind == "below" else ""
    info_block = f'<div class="info">{info}</div>\n'
    if ctx.c("skeleton") == "phpcms" and kind in ("h1", "h2"):
        return f"{kicker}<{kind}>{t}<br /><span>{info}</span></{kind}>\n{sub}"
    if (both := variety.head_info(ctx, kind, t, info)) is not None:
        return kicker + both + sub
    if kind == "h1":
        head = f'<h1 class="article-title">{t}</h1>\n'
    elif kind == "h2":
        head = f"<h2>{t}</h2>\n"
    elif kind == "div_title":
        head = f'<div class="title">{t}</div>\n'
    elif kind == "td":
        return (
            '<table width="100%" border="0" cellspacing="0" cellpadding="0">'
            f'<tr><td>{kicker}</td></tr><tr><td class="biaoti" align="center">{t}</td></tr>'
            f'<tr><td>{sub}</td></tr><tr><td class="info" align="center">{info}</td></tr></table>\n'
        )
    else:
        head = f'<div align="center"><strong><font size="5" color="#c00000">{t}</font></strong></div>\n'
    return kicker + head + sub + info_block


@dataclass
class Parts:
    """The rendered pieces a skeleton arranges."""

    top: str
    crumbs: str
    headline: str
    content: str
    after: str
    side: str
    foot: str


def frame(ctx: Ctx, p: Parts) -> str:
    """The ``<body>`` of the page in the template's CMS family."""
    fam = ctx.c("skeleton")
    cls = _FRAME_CLASS[fam]
    ctx.mark(f"skeleton:{fam}", _SKELETON_MARK[fam], chrome=False)
    logo = (
        f'<h1 class="logo"><a href="/">{escape(ctx.site.name)}</a></h1>'
        if ctx.c("logo_h1") == "yes"
        else f'<div class="logo"><a href="/"><img src="/images/logo.png" alt="{escape(ctx.site.name)}"></a></div>'
    )
    if ctx.c("logo_h1") == "yes":
        ctx.mark("logo_h1:yes", '<h1 class="logo">', chrome=False)
    if fam == "modern_div":
        return (
            f'<body>\n<header class="header">{logo}</header>\n{p.top}<div class="container">\n{p.crumbs}'
            f'<div class="main-left"><article class="article">\n{p.headline}'
            f'<div class="{cls}">\n{p.content}</div>\n</article>\n{p.after}</div>\n'
            f'<aside class="main-right">{p.side}</aside>\n</div>\n<footer>{p.foot}</footer>\n</body>\n</html>\n'
        )
    if fam in ("table_old", "dongyi_asp"):
        content = (
            f'<div id="fontzoom" class="{cls}">{p.content}</div>'
            if fam == "dongyi_asp"
            else f'<table width="100%"><tr><td class="{cls}">\n{p.content}</td></tr></table>'
        )
        return (
            '<body topmargin="0" leftmargin="0">\n<table width="1000" align="center" cellpadding="0" cellspacing="0">'
            f"<tr><td>{logo}</td></tr><tr><td>{p.top}</td></tr></table>\n"
            '<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr>'
            f'<td width="700" valign="top">\n<table width="100%"><tr><td>{p.crumbs}</td></tr>'
            f"<tr><td>\n{p.headline}</td></tr><tr><td>\n{content}\n</td></tr></table>\n{p.after}</td>\n"
            f'<td width="10"></td><td width="290" valign="top">{p.side}</td></tr></table>\n'
            f'<table width="1000" align="center"><tr><td>{p.foot}</td></tr></table>\n</body>\n</html>\n'
        )
    if fam == "trs_wcm":
        return (
            f'<body>\n<div class="head">{logo}{p.top}</div>\n<div class="wzy_main">\n{p.crumbs}'
            f'<div class="wzy_con">\n{p.headline}<!--<$[CONTENT]>begin--><div class="view TRS_UEDITOR trs_paper_default">'
            f'<div class="{cls}"><div class="Custom_UnionStyle">\n{p.content}</div></div></div><!--<$[CONTENT]>end-->\n'
            f'{p.after}</div>\n<div class="wzy_side">{p.side}</div>\n</div>\n{p.foot}</body>\n</html>\n'
        )
    if fam == "hanweb_jcms":
        return (
            f'<body>\n{logo}{p.top}<table width="1000" align="center"><tr><td>{p.crumbs}</td></tr></table>\n'
            f'<table width="1000" align="center" class="bt_content"><tr><td valign="top">\n{p.headline}'
            f'<div id="{cls}"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">\n{p.content}'
            '<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></div>\n'
            f'{p.after}</td><td width="260" valign="top">{p.side}</td></tr></table>\n{p.foot}</body>\n</html>\n'
        )
    if fam == "phpcms":
        return (
            f'<body>\n<div class="header">{logo}{p.top}</div>\n<div class="main">\n{p.crumbs}'
            f'<div class="col-left"><div id="Article">\n{p.headline}<div class="{cls}">\n{p.content}</div>\n'
            f'</div>\n{p.after}</div>\n<div class="col-auto">{p.side}</div>\n</div>\n'
            f'<div class="footer">{p.foot}</div>\n</body>\n</html>\n'
        )
    if fam == "dedecms":
        return (
            f'<body class="articleview">\n<div class="header">{logo}{p.top}</div>\n<div class="w960 center clear mt1">'
            f'<div class="pleft">\n<div class="place">{p.crumbs}</div>\n<div class="viewbox">\n{p.headline}'
            f'<div class="{cls}"><table width="100%"><tr><td>\n{p.content}</td></tr></table></div>\n'
            '<div class="boxoff"><strong>------分隔线----------------------------</strong></div>\n'
            f'{p.after}</div></div>\n<div class="pright">{p.side}</div>\n</div>\n{p.foot}</body>\n</html>\n'
        )
    return (  # founder_enp
        f'<body>\n<div id="top">{logo}{p.top}</div>\n<div id="main">{p.crumbs}<div id="left">\n{p.headline}'
        f'<div id="{cls}"><!--enpcontent--><founder-content>\n{p.content}</founder-content><!--/enpcontent--></div>\n'
        f'{p.after}</div>\n<div id="right">{p.side}</div></div>\n{p.foot}</body>\n</html>\n'
    )


_SKELETON_MARK = {
    "modern_div": '<article class="article">',
    "table_old": '<table width="1000"',
    "trs_wcm": "<!--<$[CONTENT]>begin-->",
    "hanweb_jcms": "<!--ZJEG_RSS.content.begin-->",
    "phpcms": '<div id="Article">',
    "dedecms": '<div class="viewbox">',
    "dongyi_asp": '<div id="fontzoom"',
    "founder_enp": "<founder-content>",
}
