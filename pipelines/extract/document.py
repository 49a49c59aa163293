"""The page parsed once: lxml tree, meta map, text lines and the info lines near the title.

Every field module (title, dates, people, body) reads this ``Doc`` instead of re-parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

_BLOCK = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form "  # noqa: SIM905
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr "
    "ul center title body html".split()
)
_SKIP = frozenset(("script", "style", "noscript", "template", "head", "select", "option"))
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u3000\u200b\ufeff]+")
LABEL_RE = re.compile(
    r"(发布时间|发布日期|发表时间|更新时间|时间|日期|来源|稿源|信息来源|作者|记者|通讯员|撰稿|"
    r"责任编辑|编辑|浏览|点击|發佈時間|發布時間|發佈日期|時間|來源|記者|通訊員|責任編輯|編輯|瀏覽|點擊)"
    r"\s*[:：]"
)
INFO_MAX = 160
# a line of running text (a sentence with a comma or full stop), never an info line
_SENTENCE = re.compile(r"[，。！？][^，。！？]{2,}[，。！？]|。$")
_TIMED = re.compile(r"\d{1,2}[:：]\d{2}")


def clean_space(text: str) -> str:
    """Collapse runs of spaces (ASCII, NBSP, ideographic) into one ASCII space and strip."""
    return _SPACE.sub(" ", text).strip()


@dataclass
class Doc:
    """One parsed page. ``lines`` are the visible text lines of ``<body>`` in reading order."""

    url: str
    html: str
    tree: Any
    meta: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    title: str | None = None
    info: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)


def parse(html: str, url: str) -> Doc:
    """Parse decoded HTML into a Doc (tree, meta map, text lines)."""
    # lxml refuses str input that carries an XML encoding declaration
    html_in = re.sub(r"^\s*<\?xml[^>]*>", "", html, count=1)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
    tree = lxml.html.document_fromstring(html_in or "<html></html>", parser=parser)
    doc = Doc(url=url, html=html_in, tree=tree)
    for el in tree.iter("meta"):
        key = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        value = el.get("content")
        if key and value and key not in doc.meta:
            doc.meta[key] = clean_space(value)
    doc.lines = text_lines(tree.find("body") if tree.find("body") is not None else tree)
    return doc


def text_lines(root: Any) -> list[str]:
    """Visible text of ``root`` split at block elements, blank lines dropped."""
    parts: list[str] = []
    skip_depth = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _SKIP:
                skip_depth += 1
                continue
            if skip_depth:
                continue
            if tag in _BLOCK:
                parts.append("\n")
            if el.text:
                parts.append(el.text)
        else:
            if tag in _SKIP:
                skip_depth -= 1
            elif not skip_depth and tag in _BLOCK:
                parts.append("\n")
            if not skip_depth and el is not root and el.tail:
                parts.append(el.tail)
    return [line for line in (clean_space(x) for x in "".join(parts).split("\n")) if line]


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


def find_info(doc: Doc, title: str | None) -> list[str]:
    """The short lines between the title and the body that carry date/source/author labels.

    The window starts at the line holding the title (or the top of the page when the title is
    not found) and keeps short lines with a label or a date, up to the first long paragraph.
    """
    from .dates import DATE_RE

    lines = doc.lines
    start = None
    if title:
        key = title[:30]
        for i, line in enumerate(lines):
            if key in line and len(line) <= len(title) + 40:
                start = i + 1
                break
    out: list[str] = []
    if start is not None:
        sentences = 0  # a subtitle may sit above the info line; a second sentence is the body
        for line in lines[start : start + 15]:
            if len(line) > INFO_MAX:
                break
            if _SENTENCE.search(line):
                sentences += 1
                if sentences >= 2:
                    break
                continue
            if LABEL_RE.search(line) or DATE_RE.search(line):
                out.append(line)
    if not out:
        # title not found: the first short line with a label and a date, else a date and time
        for test in (LABEL_RE.search, _TIMED.search):
            for line in lines:
                if (
                    len(line) <= INFO_MAX
                    and test(line)
                    and DATE_RE.search(line)
                    and not _SENTENCE.search(line)
                ):
                    return [line]
    return out
