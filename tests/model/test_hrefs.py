"""model.hrefs: the href values found without parsing are a superset of the links an HTML
parser gives Scrapy's link extractor, on every fixture page and on the awkward cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector

from model.hrefs import entity_forms, href_values

SITES = Path(__file__).resolve().parent.parent / "sites"

AWKWARD = [
    """<A HREF = 'upper.html'>x</A>""",
    """<a\nhref=\n"newline.html">x</a>""",
    """<a href=bare.html>x</a><a href=bare2.html?a=1&b=2>y</a>""",
    """<a href="q.html?x=1&amp;y=2">x</a>""",
    """<a href="?a=1&para=2&copy=3">x</a>""",
    """<a href="&#x2F;p&#47;q.html">x</a>""",
    """<a href="  /spaces.html \n">x</a>""",
    """<map><area href="map.html"></map>""",
    """<a title='href="not-this.html"' href="this.html">x</a>""",
    """<a href>empty</a><a href="">empty</a><a href=>empty</a>""",
    """<!-- <a href="commented.html">x</a> --><a href="after.html">y</a>""",
    """<script>document.write('<a href="scripted.html">x</a>')</script><a href="z.html">z</a>""",
    """<a data-href="d.html" href="e.html">x</a>""",
    """<a href="/新闻/中文.html">x</a>""",
    """<a href="multi
line.html">x</a>""",
    """<a href="a.html" href="second.html">x</a>""",
    """<a class=x href='single "quoted".html'>x</a>""",
    """<a href="javascript:void(0)">x</a><a href="#top">t</a><a href="mailto:x@y.cn">m</a>""",
    """<svg><a href="svg.html"><text>x</text></a></svg>""",
]


def parser_links(page: str) -> list[str]:
    """The raw href values of <a> and <area> as Scrapy's link extractor reads them (parsel's
    lxml HTML parse)."""
    root = Selector(text=page).root
    return [
        el.attrib["href"]
        for el in root.iter("a", "area", "{*}a")
        if isinstance(el.tag, str) and "href" in el.attrib
    ]


def fixture_pages() -> list[Path]:
    return sorted(SITES.glob("*/*/body.html"))


@pytest.mark.parametrize("page", AWKWARD)
def test_awkward_hrefs_are_all_found(page):
    assert set(parser_links(page)) <= href_values(page)


@pytest.mark.parametrize(
    "path", fixture_pages(), ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}"
)
def test_every_fixture_page_link_is_found(path):
    import json

    from scrapy.http import HtmlResponse

    meta = json.loads((path.parent / "response.json").read_text(encoding="utf-8"))
    headers = dict(meta["headers"])
    page = HtmlResponse(meta["url"], body=path.read_bytes(), headers=headers).text
    links = parser_links(page)
    assert links, "a fixture page without links tests nothing"
    assert set(links) <= href_values(page)


def test_entity_forms_keep_each_reading_of_an_ampersand():
    assert entity_forms("a.html") == {"a.html"}
    forms = entity_forms("?a=1&para=2&amp;b=3")
    assert "?a=1&para=2&b=3" in forms  # only ';'-terminated references decoded
    assert "?a=1\xb6=2&b=3" in forms  # HTML5 legacy reference without ';'
