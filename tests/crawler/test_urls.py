"""URL canonicalization (model.urls): tracking parameters, print and mobile variants mapped to
the desktop article, directory indexes only where the profile treats both forms alike."""

from __future__ import annotations

import pytest

from model.profiles import SiteProfile, load_profiles
from model.urls import canonical_url
from tests.simulator import Simulator
from tests.simulator.server import list_path


def profile(
    articles: tuple[str, ...],
    follow: tuple[str, ...] = (),
    deny: tuple[str, ...] = (),
    start: str = "http://www.example.gov.cn/",
) -> SiteProfile:
    return SiteProfile(
        id="t", name="测试", start_urls=(start,), articles=articles, follow=follow, deny=deny,
        allowed_domains=(start.split("/")[2],),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # fragments, tracking and empty parameters; order and encoding of the rest kept
        ("http://www.sz.gov.cn/art/2020/1/2/art_1_2.html#comment", "http://www.sz.gov.cn/art/2020/1/2/art_1_2.html"),
        ("http://www.sz.gov.cn/a.html?utm_source=wechat&utm_medium=social&utm_campaign=x", "http://www.sz.gov.cn/a.html"),
        ("http://www.sznews.com/c.htm?from=singlemessage&isappinstalled=0", "http://www.sznews.com/c.htm"),
        ("http://www.sznews.com/c.htm?from=timeline&scene=1&clicktime=1580000000&enterid=1580000000", "http://www.sznews.com/c.htm"),
        ("http://www.x.cn/a.html?spm=a2c4g.11186623.0.0&id=9", "http://www.x.cn/a.html?id=9"),
        ("http://www.x.cn/a.html?share_token=7f3c&wxshare_count=2&share_from=app", "http://www.x.cn/a.html"),
        ("http://www.x.cn/a.html?fbclid=IwAR0&gclid=Cj0&nsukey=abc%3D%3D", "http://www.x.cn/a.html"),
        ("http://www.x.cn/list.jsp?b=2&a=1", "http://www.x.cn/list.jsp?b=2&a=1"),
        ("http://www.x.cn/list.jsp?uid=1&pageNum=2&utm_source=x", "http://www.x.cn/list.jsp?uid=1&pageNum=2"),
        ("http://www.x.cn/s.jsp?q=%E5%8E%BF&page=", "http://www.x.cn/s.jsp?q=%E5%8E%BF"),
        ("http://www.x.cn/s.jsp?&&id=3&", "http://www.x.cn/s.jsp?id=3"),
        ("http://www.x.cn/s.jsp?123", "http://www.x.cn/s.jsp?123"),
        ("http://www.x.cn/a.html?", "http://www.x.cn/a.html"),
        # scheme/host case, default ports, empty path; other ports and https kept
        ("HTTP://WWW.Example.COM:80/News/A.html", "http://www.example.com/News/A.html"),
        ("https://www.example.com:443", "https://www.example.com/"),
        ("https://www.example.com:8443/a", "https://www.example.com:8443/a"),
        ("http://www.example.com:443/a", "http://www.example.com:443/a"),
        # print variants
        ("http://www.shengzhou.com.cn/system/2020/02/25/032265361_print.shtml", "http://www.shengzhou.com.cn/system/2020/02/25/032265361.shtml"),
        ("http://www.x.cn/content/2020-02/25/content_1_print.html", "http://www.x.cn/content/2020-02/25/content_1.html"),
        ("http://www.x.cn/n/2020/0225/c1-1-print.htm", "http://www.x.cn/n/2020/0225/c1-1.htm"),
        ("http://www.x.cn/print/2020/0225/123.html", "http://www.x.cn/2020/0225/123.html"),
        ("http://www.x.cn/news/printpage/123.html", "http://www.x.cn/news/123.html"),
        ("http://www.x.cn/art/2020/2/25/art_1_2.html?print=1", "http://www.x.cn/art/2020/2/25/art_1_2.html"),
        ("http://www.x.cn/detail.jsp?id=88&printpage=true", "http://www.x.cn/detail.jsp?id=88"),
        ("http://www.x.cn/detail.jsp?id=88&view=print", "http://www.x.cn/detail.jsp?id=88"),
        ("http://www.x.cn/detail.jsp?print&id=88", "http://www.x.cn/detail.jsp?id=88"),
        ("http://www.x.cn/detail.jsp?id=88&print=0", "http://www.x.cn/detail.jsp?id=88&print=0"),
        ("http://www.x.cn/printer/123.html", "http://www.x.cn/printer/123.html"),
        ("http://www.x.cn/2020/blueprint_2.html", "http://www.x.cn/2020/blueprint_2.html"),
        # mobile variants: host prefixes, path prefixes, flags
        ("http://m.hongan.gov.cn/art/2020/2/3/art_1234_5.html", "http://www.hongan.gov.cn/art/2020/2/3/art_1234_5.html"),
        ("http://wap.sznews.com/content/2020-02/03/content_1.htm", "http://www.sznews.com/content/2020-02/03/content_1.htm"),
        ("http://3g.zznews.com.cn/2020/0301/12345.html", "http://www.zznews.com.cn/2020/0301/12345.html"),
        ("http://m.news.yancheng.cn/a.html", "http://news.yancheng.cn/a.html"),
        ("http://www.hongan.gov.cn/m/art/2020/2/3/art_1234_5.html", "http://www.hongan.gov.cn/art/2020/2/3/art_1234_5.html"),
        ("http://www.x.cn/mobile/news/1.html", "http://www.x.cn/news/1.html"),
        ("http://www.x.cn/wap/news/1.html?id=2", "http://www.x.cn/news/1.html?id=2"),
        ("http://www.x.cn/news/1.html?mobile=1", "http://www.x.cn/news/1.html"),
        ("http://www.x.cn/news/1.html?device=mobile&id=3", "http://www.x.cn/news/1.html?id=3"),
        ("http://www.x.cn/media/m/1.html", "http://www.x.cn/media/m/1.html"),
        ("http://www.x.cn/mobile.html", "http://www.x.cn/mobile.html"),
        ("http://m.cn/a.html", "http://m.cn/a.html"),  # m.cn is a domain, not a mobile host
        ("http://127.0.0.1:8802/m/art/2020/2/3/art_1234_1.html", "http://127.0.0.1:8802/art/2020/2/3/art_1234_1.html"),
        # print + mobile + tracking together
        ("http://m.x.gov.cn/m/content/1_print.html?utm_source=qq&id=2#top", "http://www.x.gov.cn/content/1.html?id=2"),
        # index files are kept without a profile
        ("http://www.x.cn/news/index.shtml", "http://www.x.cn/news/index.shtml"),
        ("http://www.x.cn/", "http://www.x.cn/"),
        # not http(s) or not absolute: unchanged
        ("javascript:window.print()", "javascript:window.print()"),
        ("mailto:news@x.cn", "mailto:news@x.cn"),
        ("/news/1.html?utm_source=x", "/news/1.html?utm_source=x"),
        ("http://www.x.cn:99999/a", "http://www.x.cn:99999/a"),
    ],
)  # fmt: skip
def test_canonical_url_without_profile(url: str, expected: str) -> None:
    assert canonical_url(url) == expected
    assert canonical_url(expected) == expected  # idempotent


SHENGZHOU = profile(
    articles=(r"^http://www\.shengzhou\.com\.cn/system/\d{4}/\d{2}/\d{2}/\d+\.shtml$",),
    follow=(r"^http://www\.shengzhou\.com\.cn/news/index(_\d+)?\.shtml$",),
    deny=(r"_print\.shtml$",),
    start="http://www.shengzhou.com.cn/news/index.shtml",
)


def test_list_index_pages_stay_when_the_directory_form_is_not_a_list() -> None:
    url = "http://www.shengzhou.com.cn/news/index.shtml"
    assert canonical_url(url, SHENGZHOU) == url
    assert canonical_url(url + "?from=groupmessage#x", SHENGZHOU) == url
    page2 = "http://www.shengzhou.com.cn/news/index_2.shtml"
    assert canonical_url(page2, SHENGZHOU) == page2


def test_index_pages_fold_into_the_directory_when_the_profile_takes_both() -> None:
    both = profile(
        articles=(r"/art/\d+\.html$",),
        follow=(r"^http://www\.example\.gov\.cn/xwzx/(index\.html)?$",),
    )
    assert (
        canonical_url("http://www.example.gov.cn/xwzx/index.html", both)
        == "http://www.example.gov.cn/xwzx/"
    )
    # an index file no regex matches is left alone: nothing is known about it
    other = "http://www.example.gov.cn/zwgk/index.html"
    assert canonical_url(other, both) == other


def test_print_variant_is_mapped_even_though_the_profile_denies_it() -> None:
    url = "http://www.shengzhou.com.cn/system/2020/02/25/032265361_print.shtml"
    assert not SHENGZHOU.is_article(url)
    desktop = canonical_url(url, SHENGZHOU)
    assert desktop == url.replace("_print", "")
    assert SHENGZHOU.is_article(desktop)


def test_mobile_host_maps_to_the_profiles_own_host() -> None:
    bare = profile(articles=(r"^http://hongan\.gov\.cn/art/",), start="http://hongan.gov.cn/")
    assert (
        canonical_url("http://m.hongan.gov.cn/art/2020/2/3/art_1_2.html", bare)
        == "http://hongan.gov.cn/art/2020/2/3/art_1_2.html"
    )
    www = profile(articles=(r"/art/",), start="http://www.hongan.gov.cn/")
    assert (
        canonical_url("http://wap.hongan.gov.cn/art/1.html", www)
        == "http://www.hongan.gov.cn/art/1.html"
    )


def test_a_mobile_only_portal_keeps_its_urls() -> None:
    mobile_site = profile(
        articles=(r"^http://m\.example\.cn/m/news/\d+\.html$",),
        follow=(r"^http://m\.example\.cn/m/list_\d+\.html$",),
        start="http://m.example.cn/m/list_1.html",
    )
    for url in ("http://m.example.cn/m/news/12.html", "http://m.example.cn/m/list_2.html"):
        assert canonical_url(url, mobile_site) == url
    assert (
        canonical_url("http://m.example.cn/m/news/12.html?utm_source=x", mobile_site)
        == "http://m.example.cn/m/news/12.html"
    )


def test_variant_mapping_never_loses_an_article_url() -> None:
    # the profile takes the print form as its article URL and denies the plain one
    print_only = profile(
        articles=(r"/content/\d+_print\.html$",),
        deny=(r"/content/\d+\.html$",),
    )
    url = "http://www.example.gov.cn/content/7_print.html"
    assert canonical_url(url, print_only) == url


def test_simulator_urls_desktop_stable_variants_mapped(tmp_path) -> None:
    sim = Simulator(base_port=8800, print_variants=True, mobile_variants=True)
    profiles = load_profiles(sim.write_profiles(tmp_path)[0].parent)
    truth = sim.truth()
    desktop = {t["url"] for t in truth if t["duplicate_kind"] != "exact"}
    variants = [t for t in truth if t["duplicate_kind"] == "exact"]
    assert any("_print.shtml" in t["url"] for t in variants)
    assert any("/m/art/" in t["url"] for t in variants)
    for t in truth:
        prof = profiles[t["site"]]
        got = canonical_url(t["url"], prof)
        if t["duplicate_kind"] == "exact":
            assert got in desktop
            assert got != t["url"]
            assert prof.is_article(got)
        else:
            assert got == t["url"]
    for portal in sim.portals:
        for page in range(3):
            url = portal.base_url + list_path(portal.id, page)
            assert canonical_url(url, profiles[portal.id]) == url


def test_spider_requests_canonical_urls(tmp_path) -> None:
    from scrapy.utils.test import get_crawler

    from spiders.portal import PortalSpider

    sim = Simulator(base_port=8800, print_variants=True, mobile_variants=True)
    profiles = load_profiles(sim.write_profiles(tmp_path)[0].parent)
    truth = sim.truth()
    hongan = profiles["demo_hongan"]
    spider_cls = type("HonganSpider", (PortalSpider,), {"name": hongan.id, "profile": hongan})
    spider = spider_cls.from_crawler(get_crawler(spider_cls))
    desktop = next(t["url"] for t in truth if t["site"] == "demo_hongan")
    mobile = desktop.replace("/art/", "/m/art/")
    page2 = hongan.start_urls[0] + "?uid=1&pageNum=2"
    links = [
        mobile,
        desktop + "?utm_source=wechat#top",
        page2 + "&from=timeline",
        "http://127.0.0.1:8802/admin/x.html",
    ]
    requests = list(spider.requests_for(iter(links)))
    assert [r.url for r in requests] == [desktop, desktop, page2]
    assert [r.meta["kind"] for r in requests] == ["article", "article", "list"]


def test_an_article_page_makes_no_request_for_an_article_already_scheduled(tmp_path) -> None:
    # its links mostly lead where the crawl has been: the dupefilter would drop those requests
    from scrapy import Request, signals
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from spiders.portal import PortalSpider

    sim = Simulator(base_port=8800)
    hongan = load_profiles(sim.write_profiles(tmp_path)[0].parent)["demo_hongan"]
    spider_cls = type("HonganSpider", (PortalSpider,), {"name": hongan.id, "profile": hongan})
    crawler = get_crawler(spider_cls)
    spider = spider_cls.from_crawler(crawler)
    old, new, here = [t["url"] for t in sim.truth() if t["site"] == "demo_hongan"][:3]
    crawler.signals.send_catch_log(signals.request_scheduled, request=Request(old), spider=spider)
    body = f'<html><body><a href="{old}">old</a><a href="{new}">new</a></body></html>'
    page = HtmlResponse(here, body=body.encode(), encoding="utf-8", request=Request(here))
    output = list(spider.parse_article(page))
    assert [o.url for o in output if isinstance(o, Request)] == [new]
    # a list page's output stays whole (KnownArticlesMiddleware reads every article on it)
    assert [r.url for r in spider.requests_for(iter([old, new]))] == [old, new]
