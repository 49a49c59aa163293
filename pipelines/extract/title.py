"""Title: the headline without the site-name suffix (``_嵊州新闻网``, `` - 红安网``, ``--大河网``)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from .document import Doc, clean_space, select_text

# separators between headline and site/channel names, strongest first
_SEPARATORS = re.compile(r"\s*(?:_+|\s[-–—|]\s|--+|\||｜|-)\s*")
_MIN_HEAD = 5
_TAG = re.compile(r"<[^>]{0,200}>")


def strip_suffix(title: str) -> str:
    """Cut site and channel names after the headline: the first separator after a long head."""
    title = clean_space(title)
    for match in _SEPARATORS.finditer(title):
        head = title[: match.start()].strip()
        sep = match.group().strip()
        # a bare hyphen is often part of the headline ("1-10月"), so it needs a longer head
        need = 8 if sep == "-" else _MIN_HEAD
        if len(head) >= need:
            return head
    return title


def _candidates(doc: Doc) -> list[str]:
    found: list[str] = []
    for key in ("articletitle", "og:title", "twitter:title"):
        if doc.meta.get(key):
            # CMSs paste the headline's markup into the meta tag: <div>——副题</div>
            found.append(clean_space(_TAG.sub(" ", doc.meta[key])))
    for tag in ("h1", "h2", "h3"):
        for el in doc.tree.iter(tag):
            text = clean_space(el.text_content())
            if 4 <= len(text) <= 200:
                found.append(text)
    return found


def extract_title(doc: Doc, selector: str | None = None) -> str | None:
    """Headline. Order of trust: profile selector > a heading or ArticleTitle/og:title meta that
    the ``<title>`` starts with (or contains) > ``<title>`` with site suffixes cut > first h1.
    """
    if selector:
        text = select_text(doc, selector)
        if text:
            return text
    el = doc.tree.find(".//title")
    page_title = clean_space(el.text_content()) if el is not None else ""
    candidates = _candidates(doc)
    if page_title:
        squeeze = page_title.replace(" ", "")
        best = None
        for cand in candidates:
            flat = cand.replace(" ", "")
            if flat == squeeze or len(flat) < 4 or not squeeze.startswith(flat):
                continue
            if best is None or len(cand) > len(best):
                best = cand
        if best:
            return best
        for cand in candidates:
            if len(cand) >= 6 and cand.replace(" ", "") in squeeze:
                return cand
        stripped = strip_suffix(page_title)
        # the printed headline often differs a little from <title> ("【记者即时播报】X", "内蒙古9部门：X")
        for cand in candidates:
            similar = SequenceMatcher(None, cand, stripped, autojunk=False).ratio() >= 0.8
            if 0.7 * len(stripped) <= len(cand) <= 1.5 * len(stripped) + 4 and similar:
                return cand
        # a page line that starts the title, e.g. "X 上海" when the headline is printed as "X"
        for line in doc.lines:
            if len(stripped) * 0.6 <= len(line) < len(stripped) and stripped.startswith(line):
                return line
        return stripped or None
    for cand in candidates:
        return strip_suffix(cand)
    return None
