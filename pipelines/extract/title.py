"""Title: the headline without the site-name suffix (``_嵊州新闻网``, `` - 红安网``, ``--大河网``)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from .document import Doc, clean_space, is_info, select_text

# separators between headline and site/channel names, strongest first
_SEPARATORS = re.compile(r"\s*(?:_+|\s[-–—|]\s|--+|\||｜|-)\s*")
_MIN_HEAD = 5
# a Chinese dash (破折号) also opens subtitles ("追梦人——记驻村第一书记"), so a dash is a site
# separator only when what follows it is the last part and reads as a site or outlet name
_DASH_SITE = re.compile(
    r"\s*(?:—{1,2}|－{1,2}|-{2,})\s*[^—－\s]{1,18}"
    r"(?:网|网站|在线|新闻|政府|门户|融媒|融媒体中心|新闻中心|客户端|频道|日报|晚报|报|电视台|发布)$"
)
_TAG = re.compile(r"<[^>]{0,200}>")
_SEPARATOR_CHARS = frozenset("_-–—|｜·:：>»/")
_MIN_LINE = 5
_ABOVE = 3
_HEADLINE_MAX = 60


def strip_suffix(title: str) -> str:
    """Cut site and channel names after the headline: the first separator after a long head."""
    title = clean_space(title)
    site = _DASH_SITE.search(title)
    if site and len(title[: site.start()].strip()) >= _MIN_HEAD:
        title = title[: site.start()].strip()
    for match in _SEPARATORS.finditer(title):
        head = title[: match.start()].strip()
        sep = match.group().strip()
        # a bare hyphen is often part of the headline ("1-10月"), so it needs a longer head
        need = 8 if sep == "-" else _MIN_HEAD
        if len(head) >= need:
            return head
    return title


def _metas(doc: Doc) -> list[str]:
    """ArticleTitle/og:title/twitter:title metas."""
    # CMSs paste the headline's markup into the meta tag: <div>——副题</div>
    keys = ("articletitle", "og:title", "twitter:title")
    return [clean_space(_TAG.sub(" ", doc.meta[k])) for k in keys if doc.meta.get(k)]


def _headings(doc: Doc) -> list[str]:
    """The non-link text of h1-h3 headings."""
    found: list[str] = []
    for tag in ("h1", "h2", "h3"):
        for el in doc.tree.iter(tag):
            text = clean_space(el.text_content())
            links = sum(len(clean_space(a.text_content())) for a in el.iter("a"))
            if 4 <= len(text) <= 200 and links * 2 < len(text):  # a logo is a link home
                found.append(text)
    return found


def _printed_part(squeeze: str, headings: list[str]) -> str | None:
    """The longest heading that is a whole segment run of the ``<title>`` and more than half
    of it: a meta that copies the ``<title>`` (``标题_站名``) is no evidence that the site
    name belongs to the headline when the page prints the headline without it."""
    best = None
    for heading in headings:
        flat = heading.replace(" ", "")
        if len(flat) < _MIN_LINE or 2 * len(flat) <= len(squeeze) or flat == squeeze:
            continue
        if _bounded(squeeze, flat) and (best is None or len(heading) > len(best)):
            best = heading
    return best


def _bounded(title: str, part: str) -> bool:
    """True when ``part`` is a whole run of the ``<title>``'s separator-delimited segments."""
    start = title.find(part)
    while start >= 0:
        end = start + len(part)
        before = start == 0 or title[start - 1] in _SEPARATOR_CHARS
        after = end == len(title) or title[end] in _SEPARATOR_CHARS
        if before and after:
            return True
        start = title.find(part, start + 1)
    return False


def _segment_line(doc: Doc, squeeze: str) -> str | None:
    """The longest non-link page line that is a whole segment run of the ``<title>``
    (``<title>某县之窗-标题</title>`` prints ``标题`` in a plain div)."""
    best = None
    for line in doc.blocks:
        flat = line.text.replace(" ", "")
        if len(flat) < _MIN_LINE or len(flat) >= len(squeeze) or line.links * 2 >= len(line.text):
            continue
        if _bounded(squeeze, flat) and (best is None or len(flat) > len(best.replace(" ", ""))):
            best = line.text
    return best


def extract_title(doc: Doc, selector: str | None = None) -> str | None:
    """Headline. Order of trust: profile selector > a heading equal to the ``<title>`` > an
    ArticleTitle/og:title meta equal to it, unless a heading is a whole segment run of it and
    more than half of it (the meta copied the site suffix) > the longest heading or meta that
    is a whole segment of it (between
    separators: ``站名-标题``, ``标题_栏目_站名``) > the longest page line that is one > a
    heading the ``<title>`` starts with or contains, or one close to it > ``<title>`` with site
    suffixes cut > first heading > the line above the first date line (:func:`above_info`).
    """
    if selector:
        text = select_text(doc, selector)
        if text:
            return text
    el = doc.tree.find(".//title")
    page_title = clean_space(el.text_content()) if el is not None else ""
    metas, headings = _metas(doc), _headings(doc)
    candidates = metas + headings
    if page_title:
        squeeze = page_title.replace(" ", "")
        for cand in headings:
            if cand.replace(" ", "") == squeeze:
                return cand
        if any(cand.replace(" ", "") == squeeze for cand in metas):
            return _printed_part(squeeze, headings) or next(
                c for c in metas if c.replace(" ", "") == squeeze
            )
        bounded = [
            c for c in candidates if len(c) >= _MIN_LINE and _bounded(squeeze, c.replace(" ", ""))
        ]
        if bounded:
            return max(bounded, key=len)
        if line := _segment_line(doc, squeeze):
            return line
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
    return above_info(doc)


def above_info(doc: Doc) -> str | None:
    """The headline of a page with neither ``<title>`` nor heading: the short non-link line
    right above the page's first date line (links such as the site's URL skipped)."""
    from .dates import DATE_RE

    for i, line in enumerate(doc.blocks):
        if line.links * 2 >= len(line.text) or not is_info(line.text):
            continue
        if not DATE_RE.search(line.text):
            continue
        for prev in reversed(doc.blocks[max(0, i - _ABOVE) : i]):
            text = prev.text
            if prev.links * 2 >= len(text):
                continue
            if _MIN_LINE <= len(text) <= _HEADLINE_MAX and not is_info(text):
                return text
            break
        return None
    return None
