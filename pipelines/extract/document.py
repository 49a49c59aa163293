"""The page parsed once: lxml tree (scripts, styles and captions pruned), meta map, and the
visible text as lines that remember the elements they sit in.

Every field module (title, dates, people, body) reads this ``Doc`` instead of re-parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

from .chrome import cached_below
from .labels import BYLINE, INFO_LABEL, plain

_BLOCK = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form "  # noqa: SIM905
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr "
    "ul center title body html".split()
)
# never visible text: removed from the tree with their text, wherever they are
_PRUNE = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "canvas",
    "textarea",
    "select",
    "button",
    "input",
    "audio",
    "video",
    "figcaption",
)
_SKIP = frozenset(("head", "option", *_PRUNE))
# class/id of an image caption: its text describes a picture, it is not article text
_CAPTION = re.compile(
    r"caption|pic_?(?:txt|text|desc|title|info|note)|img_?(?:txt|text|desc|title|note)|"
    r"photo_?(?:txt|text|desc|title|note)|imgtxt|pictext|picdesc|imgdesc",
    re.IGNORECASE,
)
_CAPTION_MAX = 300
# class/id of a chrome block (share bars, comment boxes, breadcrumbs, related lists, footers):
# its lines are chrome wherever it sits, whatever words it prints. A block over _CHROME_MAX
# characters is not taken on its name alone (a page wrapper may be called "comment-main").
CHROME_HINT = re.compile(
    r"share|jiathis|comment|pinglun|crumb|copyright|banquan|related|relate_|xiangguan|"
    r"recommend|tuijian|toolbar|sidebar|footer",
    re.IGNORECASE,
)
_CHROME_MAX = 2000
# above this many characters a page loses its link-only blocks before anything reads it, and
# trafilatura skips its justext/readability fallbacks: their cost grows faster than linear
HUGE = 1_000_000
_JOIN = "\x01"  # marks where inline elements meet inside a line
_SPACED_MAX = 300
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u3000\u200b\ufeff]+")
INFO_MAX = 160
# a line of running text (a sentence with a comma or full stop), never an info line
_SENTENCE = re.compile(r"[，。！？,;；][^，。！？,;；]{2,}[，。！？,;；]|。$")
_TIMED = re.compile(r"\d{1,2}[:：]\d{2}")
_HEADING = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_TITLE_HINT = re.compile(r"title|headline|biaoti|bt\b", re.IGNORECASE)


def clean_space(text: str) -> str:
    """Collapse runs of spaces (ASCII, NBSP, ideographic) into one ASCII space and strip."""
    return _SPACE.sub(" ", text).strip()


@dataclass(slots=True)
class Line:
    """One visible text line: ``path`` holds the ordinals (in ``Doc.elements``) of the elements
    open where the line starts, outermost first; ``links`` counts its characters inside ``<a>``;
    ``spaced`` (short lines only) separates the texts of adjacent inline elements, so that
    ``来源：<span>某报</span><span>记者 张三</span>`` reads as two fields."""

    text: str
    path: tuple[int, ...]
    links: int = 0
    spaced: str = ""  # the text with a space where inline elements meet (for reading labels)
    img_before: bool = False  # a picture sits right before the line (captions follow pictures)
    img_after: bool = False  # a picture follows right after it (photo-story headings)
    centered: bool = False  # its block is centered (align, text-align, <center>)
    chrome: bool = False  # it sits in an element whose class/id names chrome (CHROME_HINT)


@dataclass
class Doc:
    """One parsed page. ``lines`` are the visible text lines of ``<body>`` in reading order,
    ``blocks`` the same lines with their elements (``elements[ordinal]``)."""

    url: str
    html: str
    tree: Any
    meta: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    spaced: list[str] = field(default_factory=list)
    blocks: list[Line] = field(default_factory=list)
    elements: list[Any] = field(default_factory=list)
    title: str | None = None
    info: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    around: tuple[list[str], list[str]] = ([], [])  # lines just before and after the body
    # headline_index's answers by title (find_info and the structural candidate both ask)
    headlines: dict[str, int | None] = field(default_factory=dict)


def _class_lookup() -> Any:
    """lxml.html's element classes, chosen in C: ``lxml.html.HTMLParser`` asks a Python method
    (``HtmlElementClassLookup.lookup``) for every element proxy made, a tenth of parsing and
    linearizing a page. The same classes: ``FormElement``, ``InputElement``... by tag name, and
    ``HtmlElement``, ``HtmlComment``... for the rest."""
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    lookup.get_namespace(None).update(lxml.html.HtmlElementClassLookup._default_element_classes)
    return lookup


_LOOKUP = _class_lookup()


def html_parser() -> Any:
    """An HTML parser making the elements ``lxml.html.HTMLParser`` makes (see
    :func:`_class_lookup`), comments and processing instructions dropped."""
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
    parser.set_element_class_lookup(_LOOKUP)
    return parser


def parse(html: str, url: str) -> Doc:
    """Parse decoded HTML into a Doc (tree, meta map, text lines)."""
    # lxml refuses str input that carries an XML encoding declaration
    html_in = re.sub(r"^\s*<\?xml[^>]*>", "", html, count=1)
    parser = html_parser()
    tree = lxml.html.document_fromstring(html_in or "<html></html>", parser=parser)
    doc = Doc(url=url, html=html_in, tree=tree)
    for el in tree.iter("meta"):
        key = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        value = el.get("content")
        if key and value and key not in doc.meta:
            doc.meta[key] = clean_space(value)
    body = tree.find("body")
    root = body if body is not None else tree
    prune(root)
    if len(html_in) > HUGE:
        drop_link_blocks(root)
    doc.blocks, doc.elements = linearize(root)
    doc.lines = [line.text for line in doc.blocks]
    doc.spaced = [line.spaced for line in doc.blocks]
    return doc


def prune(root: Any) -> None:
    """Remove invisible elements (scripts, styles, forms' controls...) and image captions
    with their text; their tails stay."""
    doomed = list(root.iter(*_PRUNE))
    for el in root.iter("div", "p", "span", "td", "font", "em", "i", "center", "dd", "figure"):
        hint = f"{el.get('class') or ''} {el.get('id') or ''}"
        if _CAPTION.search(hint) and len(el.text_content()) <= _CAPTION_MAX:
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def drop_link_blocks(tree: Any) -> None:
    """Remove blocks made only of links (link lists, tag clouds): on multi-megabyte pages they
    are nearly all the nodes, and trafilatura's link-density passes grow faster than linear."""
    doomed = []
    for el in tree.iter("div", "li", "p", "td", "dd", "dt", "span", "tr", "ul"):
        children = list(el)
        if (
            children
            and all(child.tag == "a" and not (child.tail or "").strip() for child in children)
            and not (el.text or "").strip()
        ):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def linearize(root: Any) -> tuple[list[Line], list[Any]]:
    """Visible text of ``root`` split at block elements into ``Line``s, blank lines dropped,
    and the list of elements the lines' paths point into."""
    elements: list[Any] = []
    lines: list[Line] = []
    stack: list[int] = []
    parts: list[str] = []
    link_chars = 0
    in_link = 0
    start_path: tuple[int, ...] | None = None
    skip_depth = 0
    img_pending = False
    chrome_blocks: set[int] = set()  # ordinals of elements named as chrome (CHROME_HINT)

    def add(text: str) -> None:
        nonlocal link_chars, start_path
        if "\n" not in text:
            if start_path is None and not text.isspace():
                start_path = tuple(stack)
            parts.append(text)
            if in_link:
                link_chars += len(text.strip())
            return
        first, *rest = text.split("\n")  # a newline in the source breaks the line too
        for i, piece in enumerate((first, *rest)):
            if i:
                flush()
            if start_path is None and piece.strip():
                start_path = tuple(stack)
            parts.append(piece)
            if in_link:
                link_chars += len(piece.strip())

    def flush() -> None:
        nonlocal link_chars, start_path, img_pending
        if start_path is not None:
            raw = "".join(parts)
            text = clean_space(raw.replace(_JOIN, ""))
            if text:
                spaced = text
                if _JOIN in raw and len(text) <= _SPACED_MAX:
                    spaced = clean_space(raw.replace(_JOIN, " "))
                line = Line(text, start_path, min(link_chars, len(text)), spaced, img_pending)
                line.chrome = bool(chrome_blocks) and not chrome_blocks.isdisjoint(start_path)
                if img_pending:  # only a caption's block needs to say whether it is centered
                    line.centered = any(_is_centered(elements[o]) for o in start_path[-2:])
                lines.append(line)
                img_pending = False
        if parts:
            parts.clear()
        link_chars = 0
        start_path = None

    # flush() with no parts does nothing: add() appends a part before it sets start_path or
    # link_chars, and flush() clears all three; so it is called only where parts wait
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            tag = ""
        if event == "start":
            if skip_depth or tag in _SKIP:
                skip_depth += 1
                continue
            if tag in _BLOCK:
                if parts:
                    flush()
            else:
                parts.append(_JOIN)
            ordinal = len(elements)
            stack.append(ordinal)
            elements.append(el)
            classes, ident = el.get("class"), el.get("id")
            if (classes or ident) and _is_chrome_named(el, (classes, ident)):
                chrome_blocks.add(ordinal)
            if tag == "a":
                in_link += 1
            elif tag == "img":
                if start_path is None and lines:
                    lines[-1].img_after = True
                img_pending = True
            text = el.text
            if text:
                add(text)
        else:
            if skip_depth:
                skip_depth -= 1
                if skip_depth:
                    continue
                if el is not root:
                    tail = el.tail
                    if tail:
                        add(tail)
                continue
            if tag == "a":
                in_link -= 1
            if tag in _BLOCK:
                if parts:
                    flush()
            else:
                parts.append(_JOIN)
            stack.pop()
            if el is not root:
                tail = el.tail
                if tail:
                    add(tail)
    flush()
    return lines, elements


def _is_chrome_named(el: Any, names: tuple[str | None, str | None]) -> bool:
    """Whether ``el``, of class and id ``names``, is a chrome block (CHROME_HINT, at most
    _CHROME_MAX characters)."""
    if not any(names) or not CHROME_HINT.search(f"{names[0] or ''} {names[1] or ''}"):
        return False
    return len(el.text_content()) <= _CHROME_MAX


def _is_centered(el: Any) -> bool:
    if el.tag == "center" or (el.get("align") or "").lower() == "center":
        return True
    return "center" in (el.get("style") or "").lower()


def text_lines(root: Any) -> list[str]:
    """Visible text of ``root`` split at block elements, blank lines dropped."""
    return [line.text for line in linearize(root)[0]]


def select(doc: Doc, selector: str) -> list[Any]:
    """Elements (or strings) matched by a CSS selector, or XPath when it starts with / or (."""
    if selector.startswith(("/", "(")):
        result = doc.tree.xpath(selector)
        return result if isinstance(result, list) else [result]
    return doc.tree.cssselect(selector)


def select_text(doc: Doc, selector: str | None) -> str | None:
    """Whitespace-cleaned text of the first non-empty match of ``selector``."""
    if not selector:
        return None
    for hit in select(doc, selector):
        text = clean_space(hit if isinstance(hit, str) else " ".join(text_lines(hit)))
        if text:
            return text
    return None


@cached_below
def is_info(line: str) -> bool:
    """A short line with a date/source/author label or a date, not running text (plain)."""
    from .dates import DATE_RE

    text = plain(line)
    return (
        len(text) <= INFO_MAX
        and not _SENTENCE.search(text)
        and bool(INFO_LABEL.search(text) or DATE_RE.search(text) or BYLINE.search(text))
    )


def hint(el: Any) -> str:
    """The class and id of an element, for hints such as ``content`` or ``title``."""
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _heading_like(doc: Doc, line: Line) -> bool:
    return any(
        doc.elements[o].tag in _HEADING or _TITLE_HINT.search(hint(doc.elements[o]))
        for o in line.path[-3:]
    )


def headline_index(doc: Doc, title: str | None) -> int | None:
    """Index in ``doc.blocks`` of the printed headline, or None. Order of trust: a non-link
    line equal to the title (in a heading or ``title`` element first) > a short line holding
    the title > a line the title starts with (the printed headline cut short, or split from
    its subtitle)."""
    if not title:
        return None
    if title not in doc.headlines:
        doc.headlines[title] = _headline_index(doc, title)
    return doc.headlines[title]


def _headline_index(doc: Doc, title: str) -> int | None:
    flat = title.replace(" ", "")
    exact: list[int] = []
    near: list[int] = []
    prefix: list[int] = []
    for i, line in enumerate(doc.blocks):
        if line.links * 2 >= len(line.text):
            continue
        text = line.text.replace(" ", "")
        if text == flat:
            exact.append(i)
        elif len(flat) >= 6 and flat in text and len(text) <= len(flat) + 12:
            near.append(i)
        elif len(text) >= max(8, len(flat) // 2) and flat.startswith(text):
            prefix.append(i)
    for found in (exact, near, prefix):
        for i in found:
            if _heading_like(doc, doc.blocks[i]):
                return i
        if found:
            return found[0]
    return None


def find_info(doc: Doc, title: str | None) -> list[str]:
    """The short lines between the title and the body that carry date/source/author labels.

    The window starts at the headline (see :func:`headline_index`) and keeps short lines with a
    label or a date, up to the first long paragraph or the second sentence. The lines are
    returned spaced (see :class:`Line`).
    """
    from .dates import DATE_RE

    lines = doc.spaced
    start = headline_index(doc, title)
    out: list[str] = []
    if start is not None:
        sentences = 0  # a subtitle may sit above the info line; a second sentence is the body
        for line in lines[start + 1 : start + 16]:
            text = plain(line)
            if len(text) > INFO_MAX:
                break
            if _SENTENCE.search(text):
                sentences += 1
                if sentences >= 2:
                    break
                continue
            if INFO_LABEL.search(text) or DATE_RE.search(text) or BYLINE.search(text):
                out.append(line)
    if not out:
        # title not found: the first short line with a label and a date, else a date and time
        for test in (INFO_LABEL.search, _TIMED.search):
            for line in lines:
                text = plain(line)
                if (
                    len(text) <= INFO_MAX
                    and test(text)
                    and DATE_RE.search(text)
                    and not _SENTENCE.search(text)
                ):
                    return [line]
    return out
