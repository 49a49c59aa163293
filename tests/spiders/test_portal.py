"""PortalSpider on recorded article pages: an article page whose links all lead where the crawl
has been is not parsed for links, and its output is the same as with the parse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy import Request, signals
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.spiderloader import spider_class_for
from model.profiles import load_profiles
from spiders.portal import PortalSpider

ROOT = Path(__file__).resolve().parent.parent.parent
PAGES = sorted((ROOT / "tests" / "sites").glob("*/article-*/body.html"))


def page_response(path: Path) -> HtmlResponse:
    meta = json.loads((path.parent / "response.json").read_text(encoding="utf-8"))
    headers = dict(meta["headers"])
    url = meta["url"]
    return HtmlResponse(url, body=path.read_bytes(), headers=headers, request=Request(url))


def make_spider(site: str) -> tuple[PortalSpider, object]:
    profile = load_profiles(ROOT / "spiders" / "sites")[site]
    cls = spider_class_for(profile)
    crawler = get_crawler(cls)
    spider = cls.from_crawler(crawler)
    assert isinstance(spider, PortalSpider)
    return spider, crawler


def requests(output) -> list[tuple[str, str]]:
    return [(r.url, r.meta["kind"]) for r in output if isinstance(r, Request)]


def parsed_output(spider: PortalSpider, response: HtmlResponse) -> list[tuple[str, str]]:
    """What parse_article yields when the page's links are always extracted."""
    return requests(spider.requests_for(spider.links(response), new_only=True))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_article_page_output_is_the_same_with_or_without_the_link_parse(path):
    site = path.parent.parent.name
    response = page_response(path)
    # nothing scheduled yet: the page leads somewhere new and is parsed
    spider, crawler = make_spider(site)
    expected = parsed_output(make_spider(site)[0], response)
    assert expected, "a page without new links tests nothing"
    assert requests(spider.parse_article(response)) == expected
    assert crawler.stats.get_value("spider/article_links/parsed") == 1
    # everything it links to already scheduled or requested: no parse, no output
    for url, kind in expected:
        if kind == "article":
            crawler.signals.send_catch_log(signals.request_scheduled, request=Request(url))
    assert requests(spider.parse_article(response)) == []
    assert crawler.stats.get_value("spider/article_links/skipped") == 1
    # one of its articles not scheduled after all: parsed again, and that one requested
    new = next(url for url, kind in expected if kind == "article")
    spider.scheduled.discard(new)
    assert requests(spider.parse_article(response)) == [r for r in expected if r[0] == new]
    assert crawler.stats.get_value("spider/article_links/parsed") == 2


def test_a_list_page_not_yet_requested_counts_as_new():
    spider, crawler = make_spider("demo_hongan")
    page = spider.profile.start_urls[0] + "?uid=1&pageNum=7"
    here = "http://127.0.0.1:8802/art/2020/2/4/art_1234_567890.html"
    body = f'<html><body><a href="{page}">more</a></body></html>'.encode()
    response = HtmlResponse(here, body=body, encoding="utf-8", request=Request(here))
    crawler.signals.send_catch_log(signals.request_scheduled, request=Request(here))
    assert requests(spider.parse_article(response)) == [(page, "list")]
    assert requests(spider.parse_article(response)) == []  # requested now
    assert crawler.stats.get_value("spider/article_links/skipped") == 1


# pages whose links the spider's own anchor reading must give exactly as Scrapy's link extractor
AWKWARD_LINKS = [
    '<base href="https://other.example/dir/"><a href="/x.html">a</a><a href="y.html">b</a>',
    '<a href="http://h/p?">c</a><a href="HTTP://H/p#f">d</a><a href="https://h/q?">e</a>',
    '<a href="//proto/rel">f</a><a href="http:///nohost">n</a><a href="http://[bad/x">bad</a>',
    '<a href="/a/../b/./c">dots</a><a href="/\tx">tab</a><a href=" /sp ">sp</a>',
    '<a href="ftp://f/x.pdf">pdf</a><a href="/img/x.JPG">jpg</a><a href="file:///etc/x">f</a>',
    '<a href="/中文/路径.html">zh</a><a href="?q=中文">q</a><a href="%zz">%</a><a href="/a b">_</a>',
    '<html xmlns="http://www.w3.org/1999/xhtml"><a href="/ns.html">ns</a></html>',
    '<a href="http://user@h:80/p">u</a><a href="javascript:void(0)">j</a><a href="#top">t</a>',
    '<map><area href="/map.html"></map><a href="/dup.html">1</a><a href="/dup.html">2</a><a>x</a>',
]
PAGE_URLS = [
    "http://127.0.0.1:8802/col/col1234/index.html",
    "https://127.0.0.1:8802/col/col1234/index.html?uid=1&pageNum=2",
    "http://a.example/x/y/z.shtml",
    "https://b.example:8443/dir/",
]


def test_anchor_urls_are_the_link_extractors_on_every_page_and_url():
    """One resolver across pages, page URLs, schemes and encodings, as in a crawl: a value
    remembered from one page never gives another page a link the extractor would not."""
    from scrapy.http import XmlResponse
    from scrapy.linkextractors import LinkExtractor

    from spiders.portal import LinkResolver, anchor_urls

    extractor = LinkExtractor(unique=True)
    bodies = [
        path.read_bytes() for path in sorted((ROOT / "tests" / "sites").glob("*/*/body.html"))
    ]
    bodies += [page.encode() for page in AWKWARD_LINKS]
    resolver = LinkResolver()
    compared = 0
    for url in PAGE_URLS:
        for encoding in ("utf-8", "gb18030"):
            for i, body in enumerate(bodies):
                kind = XmlResponse if i % 7 == 3 else HtmlResponse
                response = kind(url, body=body, encoding=encoding)
                expected = [link.url for link in extractor.extract_links(response)]
                assert anchor_urls(response, resolver.page(response)) == expected, (url, i)
                compared += len(expected)
    assert compared > 1000
