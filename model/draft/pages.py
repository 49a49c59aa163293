"""Page kinds from markup: an article page has one container of running text that no other
page of the site shares; a list page has little text of its own and many links of one shape.

:func:`read_page` parses one page into :class:`PageView` (links, text blocks, paging);
:func:`classify` decides each page's kind once the whole sample is read, because what is
page chrome (menus, footers, sidebars) is learnt from the text the pages share.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin

import lxml.html
from lxml import etree

from model.draft.shapes import skeleton
from model.pagers import datastore_links, datastore_next, script_pages

ARTICLE, LIST, OTHER = "article", "list", "other"
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "td",
        "th",
        "li",
        "ul",
        "ol",
        "dl",
        "dd",
        "dt",
        "article",
        "section",
        "main",
        "body",
        "table",
        "tr",
        "tbody",
        "form",
        "center",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "footer",
        "nav",
        "aside",
        "figure",
        "figcaption",
    ]
)
_SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "iframe", "select", "option", "textarea", "head", "title"]
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_PAGING_WORDS = frozenset(
    [
        "下一页",
        "下页",
        "后一页",
        "后页",
        "尾页",
        "末页",
        "最后一页",
        "下一頁",
        "尾頁",
        "next",
        "›",
        "»",
        ">>",
        ">",
    ]
)
_DIGITS = re.compile(r"^\[?\d{1,4}\]?$")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
ARTICLE_MIN_TEXT = 40  # CJK characters of the page's own running text
BLOCK_MIN_TEXT = 5  # CJK characters a block needs to count as text (not a date or a label)
ITEM_MIN_TEXT = 10  # CJK characters of a list item (a link and its summary) ...
REPEATED_ITEMS = 3  # ... repeated this often: the page lists, it does not tell
LIST_MIN_LINKS = 5  # distinct links of one shape


@dataclass
class Block:
    """Text a block element holds itself (outside links), its parent block and its links."""

    text: str
    parent: int
    links: int = 0
    kind: str = ""  # tag and class: repeated items of a list share it


@dataclass
class PageView:
    """One fetched HTML page, parsed."""

    url: str
    title: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    paging: bool = False
    feeds: list[str] = field(default_factory=list)
    generator: str = ""


def cjk(text: str) -> int:
    return len(_CJK.findall(text))


def _norm(text: str) -> str:
    return "".join(text.split())


def read_page(url: str, html: str) -> PageView:
    """Links (absolute, fragment dropped), text blocks and paging of one HTML page; a page
    that does not parse is an empty view."""
    view = PageView(url)
    try:
        root = lxml.html.document_fromstring(_XML_DECL.sub("", html) or "<html></html>")
    except (etree.ParserError, ValueError):
        return view
    base = url
    for href in root.xpath("//base/@href")[:1]:
        base = urljoin(url, href.strip())
    view.title = " ".join("".join(root.xpath("//title//text()")).split())
    view.generator = " ".join(root.xpath("//meta[@name='generator' or @name='Generator']/@content"))
    for href in root.xpath(
        "//link[contains(@type, 'rss') or contains(@type, 'atom')][@href]/@href"
    ):
        view.feeds.append(urljoin(base, href.strip()))
    body = root.find("body")
    view.blocks.append(Block("", -1))
    _walk(body if body is not None else root, 0, False, view, base)
    digits = 0
    for link, text in view.links:
        if text.strip().lower() in _PAGING_WORDS:
            view.paging = True
        elif _DIGITS.match(text.strip()) and link != url:
            digits += 1
    if digits >= 2:
        view.paging = True
    pager = script_pages(html, base)
    if pager:
        view.paging = True
        view.links += [(u, str(i + 2)) for i, u in enumerate(pager[:4])]
    # a Hanweb column page: its list is a datastore in a script, paged by its next group
    view.links += [(u, "") for u in datastore_links(html, base)]
    if datastore_next(html, base):
        view.paging = True
    return view


def _href(el: etree._Element, base: str) -> str | None:
    href = (el.get("href") or "").strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:")):
        return None
    url = urldefrag(urljoin(base, href))[0]
    return url if url.startswith(("http://", "https://")) else None


def _walk(el: etree._Element, block: int, in_link: bool, view: PageView, base: str) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _SKIP_TAGS or not tag:
        return
    if tag in BLOCK_TAGS:
        view.blocks.append(Block("", block, kind=f"{tag}.{el.get('class') or ''}"))
        block = len(view.blocks) - 1
    if tag in ("a", "area"):
        url = _href(el, base)
        if url is not None:
            view.links.append((url, " ".join(el.text_content().split())))
            view.blocks[block].links += 1
        in_link = True
    if el.text and not in_link:
        view.blocks[block].text += el.text
    for child in el:
        _walk(child, block, in_link, view, base)
        if child.tail and not in_link:
            view.blocks[block].text += child.tail


@dataclass(frozen=True)
class Verdict:
    """A page's kind and the figures it was decided from."""

    kind: str
    text: int  # CJK characters of the page's main own-text container
    container_links: int
    shape_links: int  # distinct links of the page's most linked shape


def chrome_texts(views: list[PageView]) -> set[str]:
    """Block texts that two or more pages share: menus, footers, sidebars, labels."""
    seen: Counter[str] = Counter()
    for view in views:
        seen.update({_norm(b.text) for b in view.blocks if _norm(b.text)})
    return {text for text, n in seen.items() if n >= 2}


def verdict(view: PageView, chrome: set[str]) -> Verdict:
    """List, article or other, from the page's own text and its links.

    Article: a container holding >= ``ARTICLE_MIN_TEXT`` CJK characters of text no other
    sampled page shows, with few links inside it, and not one of several alike items (a list's
    summaries). List: not an article, and >=
    ``LIST_MIN_LINKS`` distinct links of one URL shape. Anything else is other."""
    own = [0 if _norm(b.text) in chrome else cjk(b.text) for b in view.blocks]
    own = [n if n >= BLOCK_MIN_TEXT else 0 for n in own]
    score = list(own)
    links = [b.links for b in view.blocks]
    for i, b in enumerate(view.blocks):
        if b.parent >= 0:
            score[b.parent] += own[i]
            links[b.parent] += b.links
    best = max(range(len(score)), key=lambda i: score[i], default=0)
    text = score[best] if score else 0
    inner = links[best] if links else 0
    if text:
        parent, kind = view.blocks[best].parent, view.blocks[best].kind
        items = [
            i
            for i, b in enumerate(view.blocks)
            if b.parent == parent and b.kind == kind and score[i] >= ITEM_MIN_TEXT and links[i]
        ]
        if len(items) >= REPEATED_ITEMS:  # a list's items, each a link and its summary
            text = 0
    shapes = Counter(skeleton(u) for u in {u for u, _ in view.links})
    top = max(shapes.values(), default=0)
    if text >= ARTICLE_MIN_TEXT and inner < LIST_MIN_LINKS:
        kind = ARTICLE
    elif top >= LIST_MIN_LINKS or (view.paging and top >= 2):
        kind = LIST
    else:
        kind = OTHER
    return Verdict(kind, text, inner, top)


def classify(views: list[PageView]) -> dict[str, Verdict]:
    """Every page's verdict by URL, chrome learnt from the whole sample."""
    chrome = chrome_texts(views)
    return {view.url: verdict(view, chrome) for view in views}
