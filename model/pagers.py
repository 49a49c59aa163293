"""Pagination that a list page writes with a script instead of links, read from the HTML.

TRS WCM list pages call ``createPageHTML(pages, current, "index", "html")``, which writes
links to ``index.html`` (page 1), ``index_1.html`` (page 2) ... when the page runs in a
browser; the HTML itself holds no ``<a>`` to them. Pure (no Scrapy): the spider and
``scrapy genprofile`` both read it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

_TRS_PAGER = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']"
)
MAX_PAGES = 200  # a bound on the URLs one pager call yields


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
