"""Lists that a page writes with a script instead of links, read from the HTML.

TRS WCM list pages call ``createPageHTML(pages, current, "index", "html")``, which writes
links to ``index.html`` (page 1), ``index_1.html`` (page 2) ... when the page runs in a
browser; the HTML itself holds no ``<a>`` to them.

Hanweb JCMS (大汉) column pages hold their article list in a ``<script type="text/xml">``
datastore: each item is a ``<record><![CDATA[<li><a href=...>]]></record>``, and
``<nextgroup>`` links the next group of records (``/module/web/jpage/dataproxy.jsp?page=1
&columnid=...``), which answers with another datastore. A link extractor sees none of it.

Pure (no Scrapy): the spider and ``scrapy genprofile`` both read it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

_TRS_PAGER = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']"
)
MAX_PAGES = 200  # a bound on the URLs one pager call yields
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)
_NEXT_GROUP = re.compile(
    r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.DOTALL | re.IGNORECASE
)
_HREF = re.compile(r"""href\s*=\s*["']([^"'<>\s]+)["']""", re.IGNORECASE)


def script_pages(html: str, url: str) -> list[str]:
    """Absolute URLs of the other pages of a list whose pager is a script, in page order."""
    if "createPageHTML" not in html:
        return []
    out: list[str] = []
    for found in _TRS_PAGER.finditer(html):
        total, current = int(found.group(1)), int(found.group(2))
        prefix, ext = found.group(3), found.group(4)
        for i in range(min(total, MAX_PAGES)):
            if i == current:
                continue
            page = urljoin(url, f"{prefix}.{ext}" if i == 0 else f"{prefix}_{i}.{ext}")
            if page not in out:
                out.append(page)
    return out


def _hrefs(fragment: str, url: str) -> list[str]:
    return [unescape_url(urljoin(url, href.strip())) for href in _HREF.findall(fragment)]


def unescape_url(url: str) -> str:
    """``&amp;`` in a CDATA link is literal text, not an entity; browsers resolve it anyway."""
    return url.replace("&amp;", "&")


def datastore_links(html: str, url: str) -> list[str]:
    """Absolute URLs of the links in a Hanweb datastore's records, in order."""
    if "<record" not in html and "<RECORD" not in html:
        return []
    out: list[str] = []
    for record in _RECORD.findall(html):
        for link in _hrefs(record, url):
            if link not in out:
                out.append(link)
    return out


def datastore_next(html: str, url: str) -> list[str]:
    """The URL of a Hanweb datastore's next group of records (none on the last group)."""
    if "nextgroup" not in html.lower():
        return []
    return [link for group in _NEXT_GROUP.findall(html) for link in _hrefs(group, url)][:1]
