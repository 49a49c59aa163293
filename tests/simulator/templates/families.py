"""Portal families for :class:`FuzzPortals`: how a portal names its list pages and pagination,
how its list pages lay out their items, and its home page.

``plain`` is the original layout (``/list/index.html``, a bare ``<ul>``). The others copy
county portal conventions: a TRS pager written by script, Hanweb column pages paged by query,
PHPCMS ``a=lists``, DedeCMS ``list_{tid}_{n}.html``, 动易 ``ShowClass.asp`` with text-only
paging, Founder ``node_{n}_{k}.htm``. Families marked ``holdout`` were kept out of
``scrapy genprofile``'s development: they test it, nothing was tuned on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.simulator.templates.page import FuzzPage

# every family's robots.txt; the home page links a page under each rule
ROBOTS = "User-agent: *\nDisallow: /admin/\nDisallow: /search/\n"
DISALLOWED_LINKS = (("/admin/login.html", "后台管理"), ("/search/index.html?q=news", "站内搜索"))


@dataclass(frozen=True)
class Family:
    """List paths (``first``; ``page`` with ``{k}`` the 1-based page number, ``{k1}`` k-1),
    the hand-written ``follow`` rule (path and query) and the list layout."""

    name: str
    first: str
    page: str
    follow: str
    layout: str
    holdout: bool = False
    # column folders ({c} in first and page): articles go to the columns in turn and are served
    # under /<column> + their template path; the home page links every column's first list
    columns: tuple[str, ...] = ()

    def list_paths(self, n: int, column: str = "") -> list[str]:
        first = self.first.format(c=column)
        return [first] + [self.page.format(k=k, k1=k - 1, c=column) for k in range(2, n + 1)]

    def article_prefix(self, index: int) -> str:
        """The folder article ``index`` is served under ("" without columns)."""
        return f"/{self.columns[index % len(self.columns)]}" if self.columns else ""


FAMILIES = {
    f.name: f
    for f in (
        Family("plain", "/list/index.html", "/list/index_{k}.html", r"/list/index(_\d+)?\.html$", "ul"),
        Family(
            "trs_pager", "/xwzx/xwdt/index.html", "/xwzx/xwdt/index_{k1}.html",
            r"/xwzx/xwdt/index(_\d+)?\.html$", "pager_js",
        ),
        Family(
            "jcms_cards", "/col/col1021/index.html", "/col/col1021/index.html?uid=4521&pageNum={k}",
            r"/col/col1021/index\.html(\?uid=4521&pageNum=\d+)?$", "cards",
        ),
        Family(
            "php_lists", "/index.php?m=content&c=index&a=lists&catid=12",
            "/index.php?m=content&c=index&a=lists&catid=12&page={k}",
            r"/index\.php\?m=content&c=index&a=lists&catid=12(&page=\d+)?$", "dl",
        ),
        Family(
            "trs_columns", "/{c}/index.html", "/{c}/index_{k1}.html",
            r"/(xwdt|tzgg|bmdt)/index(_\d+)?\.html$", "table", columns=("xwdt", "tzgg", "bmdt"),
        ),
        Family(
            "dede_table", "/a/xinwen/", "/a/xinwen/list_3_{k}.html",
            r"/a/xinwen/(list_3_\d+\.html)?$", "table", holdout=True,
        ),
        Family(
            "asp_class", "/Article/ShowClass.asp?ClassID=5", "/Article/ShowClass.asp?ClassID=5&page={k}",
            r"/Article/ShowClass\.asp\?ClassID=5(&page=\d+)?$", "table_text", holdout=True,
        ),
        Family(
            "founder_node", "/node_21.htm", "/node_21_{k}.htm", r"/node_21(_\d+)?\.htm$", "cards",
            holdout=True,
        ),
    )
}  # fmt: skip
DEVELOPMENT = tuple(name for name, f in FAMILIES.items() if not f.holdout)
HOLDOUT = tuple(name for name, f in FAMILIES.items() if f.holdout)


def _date(page: FuzzPage) -> str:
    return str(page.truth.get("published") or "")[:10]


def _items(layout: str, chunk: list[tuple[str, FuzzPage]]) -> str:
    rows = []
    for href, page in chunk:
        u, t, d = escape(href), escape(page.truth["title"]), _date(page)
        summary = escape(str(page.truth.get("body") or "").split("\n")[0][:48]) + "…"
        rows.append(
            {
                "ul": f'<li><a href="{u}">{t}</a></li>',
                "pager_js": f'<tr><td class="t"><a href="{u}" target="_blank">{t}</a></td><td>{d}</td></tr>',
                "cards": (
                    f'<div class="news-item"><a href="{u}"><img src="/images/{d}.jpg" alt=""></a>'
                    f'<h3><a href="{u}">{t}</a></h3><p class="summary">{summary}</p>'
                    f'<span class="date">{d}</span></div>'
                ),
                "dl": f'<dl><dt><a href="{u}" title="{t}">{t}</a></dt><dd>{d}</dd></dl>',
                "table": f'<tr><td width="12">·</td><td><a href="{u}">{t}</a></td><td>[{d[5:]}]</td></tr>',
                "table_text": (
                    f'<tr><td><font color="#333">·</font><a href="{u}" target="_blank">'
                    f'<font color="#000">{t}</font></a></td><td align="right">{d}</td></tr>'
                ),
            }[layout]
        )
    body = "\n".join(rows)
    if layout == "ul":
        return f"<ul>\n{body}</ul>"
    if layout in ("cards", "dl"):
        return f'<div class="list">\n{body}\n</div>'
    return f'<table width="100%" class="list">\n{body}\n</table>'


def _paging(family: Family, lists: list[str], k: int) -> str:
    n = len(lists)
    if family.layout == "ul":
        return (
            "<div>" + "".join(f'<a href="{u}">{i + 1}</a> ' for i, u in enumerate(lists)) + "</div>"
        )
    if family.layout == "pager_js":
        return (
            f'<div class="page"><script>createPageHTML({n}, {k}, "index", "html");</script></div>'
        )
    links = [f'<a href="{escape(lists[0])}">首页</a>']
    if k > 0:
        links.append(f'<a href="{escape(lists[k - 1])}">上一页</a>')
    if family.layout in ("cards", "dl"):
        links += [
            f'<a href="{escape(u)}">{i + 1}</a>' if i != k else f"<b>{i + 1}</b>"
            for i, u in enumerate(lists)
        ]
    if k < n - 1:
        links.append(f'<a href="{escape(lists[k + 1])}">下一页</a>')
    links.append(f'<a href="{escape(lists[-1])}">尾页</a>')
    counter = f"<span>第{k + 1}/{n}页</span>" if family.layout != "table_text" else f"共{n}页"
    return f'<div class="page">{" ".join(links)} {counter}</div>'


_COLUMN_NAMES = ("新闻动态", "通知公告", "部门动态", "乡镇动态")


def _frame(name: str, title: str, family: Family, main: str) -> str:
    if family.columns:
        nav = '<a href="/">首页</a> ' + " ".join(
            f'<a href="{escape(family.first.format(c=c))}">{_COLUMN_NAMES[i % 4]}</a>'
            for i, c in enumerate(family.columns)
        )
    else:
        nav = f'<a href="/">首页</a> <a href="{escape(family.first)}">新闻中心</a>'
    nav += ' <a href="#">政务公开</a> <a href="#">便民服务</a>'
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title></head>"
        f'<body><div class="top"><a href="/">{escape(name)}</a></div><div class="nav">{nav}</div>\n'
        f'<div class="main">{main}</div>\n'
        f'<div class="footer">版权所有：{escape(name)} 地址：县府路1号 联系电话：0000-1234567</div>'
        "</body></html>"
    )


def list_page(
    family: Family, name: str, chunk: list[tuple[str, FuzzPage]], lists: list[str], k: int
) -> str:
    """List page ``k`` (0-based) of a portal of ``family``."""
    main = '<div class="crumb">当前位置：<a href="/">首页</a> &gt; 新闻中心</div>\n'
    main += _items(family.layout, chunk) + "\n" + _paging(family, lists, k)
    return _frame(name, f"新闻中心_{name}", family, main)


def home_page(family: Family, name: str, latest: list[tuple[str, FuzzPage]]) -> str:
    """The home page: navigation to the news list, the latest headlines, disallowed links."""
    heads = "".join(
        f'<li><a href="{escape(u)}">{escape(p.truth["title"])}</a></li>' for u, p in latest
    )
    tools = " ".join(f'<a href="{u}">{t}</a>' for u, t in DISALLOWED_LINKS)
    more = "" if family.columns else f'<a href="{escape(family.first)}">更多&gt;&gt;</a>'
    main = (
        f'<div class="tools">{tools}</div><div class="focus"><h2>要闻</h2><ul>{heads}</ul>'
        f"{more}</div>"
    )
    return _frame(name, name, family, main)
