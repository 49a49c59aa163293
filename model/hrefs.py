"""Every ``href`` value a page may hold, found with one regular expression instead of an HTML
parse: what lets the spider skip parsing an article page whose links all lead where the crawl
has already been (``spiders.portal.PortalSpider.article_links``).

The scan reads more than a parser does, never less: ``href=`` of any tag, also inside
comments, scripts and other attributes' values, and for a value holding ``&``, every form an
HTML parser may turn it into. A link extractor's link is therefore always among the values
found; a value the parser would not see only costs the parse that was skipped.
Pure (no Scrapy).
"""

from __future__ import annotations

import html
import re

# an attribute named (or ending in) href, its value double-quoted, single-quoted or bare
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))""", re.IGNORECASE)
_TERMINATED_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _terminated(found: re.Match[str]) -> str:
    return html.unescape(found.group(0))


def entity_forms(value: str) -> set[str]:
    """``value`` as an HTML parser may read it: parsers differ on character references
    without their ``;`` (``&para=1`` in a query), so each reading is kept."""
    if "&" not in value:
        return {value}
    return {
        value,
        html.unescape(value),  # HTML5: legacy names without ';' too
        _TERMINATED_ENTITY.sub(_terminated, value),  # only references ending in ';'
        value.replace("&amp;", "&"),
    }


def href_values(page: str) -> set[str]:
    """The values of every ``href`` attribute in ``page`` (an HTML document as text), each
    in every form a parser may give it; a superset of the links an HTML link extractor reads
    from ``<a>`` and ``<area>``, whitespace around a value kept as written. The empty value is
    always among them (``<a href>``: the page itself)."""
    values = {""}
    for double, single, bare in _HREF.findall(page):
        values |= entity_forms(double or single or bare)
    return values
