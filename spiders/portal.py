"""PortalSpider: link discovery for one portal, driven by its site profile.

List pages (``follow``), sitemaps and feeds lead to article pages (``articles``); article URLs
become ``Page`` items carrying the raw body and the WARC location of their capture. The spider
never decodes or parses article HTML: that is the pipelines' job.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self
from urllib.parse import urljoin, urlparse, urlsplit

from lxml import etree
from scrapy import Request, Spider, signals
from scrapy.http import TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.utils.response import get_base_url
from scrapy.utils.sitemap import Sitemap
from w3lib.html import strip_html5_whitespace
from w3lib.url import safe_url_string

from model.hrefs import href_values
from model.items import Page
from model.pagers import datastore_links, datastore_next, script_pages
from model.urls import canonical_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from model.profiles import SiteProfile


CANONICAL_KEPT = 65_536  # links whose canonical URL a spider remembers (then it starts over)
HREFS_KEPT = 65_536  # href values whose resolved URL a spider remembers (then it starts over)


# what Scrapy's LinkExtractor() keeps by default: <a> and <area> (also XHTML-namespaced), a
# scheme it follows, a path not ending in an ignored extension
_LINK_TAGS = frozenset({"a", "area"})
_XHTML = "http://www.w3.org/1999/xhtml"
_LINK_SCHEMES = frozenset({"http", "https", "file", "ftp"})
_IGNORED_EXTENSIONS = tuple(f".{e}" for e in IGNORED_EXTENSIONS)


def _link_url(value: str, base_url: str, page_url: str, encoding: str) -> tuple[str | None, str]:
    """The URL Scrapy's ``LinkExtractor()`` makes of the ``href`` value ``value`` of a page
    (``page_url``, ``base_url``, ``encoding``), or None where it keeps no link (the same
    steps: strip, join, percent-encode, join, scheme and extension filters); and the
    percent-encoded URL before the last join ("" when none)."""
    try:
        joined = urljoin(base_url, strip_html5_whitespace(value))
    except ValueError:
        return None, ""
    try:
        encoded = safe_url_string(joined, encoding=encoding)
    except ValueError:
        return None, ""
    url = urljoin(page_url, encoded)
    if url.split("://", 1)[0] not in _LINK_SCHEMES:
        return None, encoded
    if urlparse(url).path.lower().endswith(_IGNORED_EXTENSIONS):
        return None, encoded
    return url, encoded


def link_url(value: str, base_url: str, page_url: str, encoding: str) -> str | None:
    """The URL Scrapy's ``LinkExtractor()`` makes of the ``href`` value ``value`` of a page,
    or None where it keeps no link."""
    return _link_url(value, base_url, page_url, encoding)[0]


_UNSAFE = ("\t", "\r", "\n")  # urllib drops them anywhere in a URL before splitting it
_WEB = ("http", "https")


def _has_host(url: str) -> bool:
    """Whether ``url`` is absolute with a host (``scheme://host...``) as ``urljoin`` splits it."""
    head, sep, rest = url.partition("://")
    return (
        bool(sep)
        and head.isascii()
        and head.isalpha()
        and rest[:1] not in ("", "/", "?", "#")
        and not any(c in url for c in _UNSAFE)
    )


class LinkResolver:
    """:func:`link_url` of the ``href`` values of pages, each value resolved once and
    remembered (``HREFS_KEPT`` at most, then it starts over).

    A value is remembered across pages where its link cannot depend on the page's URLs beyond
    their schemes: an absolute URL with a host (``urljoin`` keeps it whole, normalized only
    when the schemes are the same) and a path from the root (joined with the base URL's
    scheme and host), both only when what they are percent-encoded into is an absolute URL
    with a host too (the last join then depends on the page's scheme only). Any other value
    is remembered with the page's base and page URLs.
    """

    def __init__(self) -> None:
        self.memo: dict[tuple[str, ...], str | None] = {}

    def page(self, response: TextResponse) -> Callable[[str], str | None]:
        """The resolver of ``response``'s ``href`` values."""
        base_url, page_url, encoding = get_base_url(response), response.url, response.encoding
        memo = self.memo
        try:
            base, page = urlsplit(base_url), urlsplit(page_url)
        except ValueError:
            web = False
        else:
            web = base.scheme in _WEB and page.scheme in _WEB and bool(base.netloc)
            base_scheme, page_scheme = base.scheme, page.scheme
            origin = f"{base.scheme}://{base.netloc}"

        def resolve(value: str) -> str | None:
            stripped = strip_html5_whitespace(value)
            shared: tuple[str, ...] | None = None
            if web:
                if _has_host(stripped):
                    shared = ("absolute", stripped, encoding, base_scheme, page_scheme)
                elif (
                    stripped[:1] == "/"
                    and stripped[1:2] != "/"
                    and not any(c in stripped for c in _UNSAFE)
                ):
                    shared = ("root", stripped, encoding, origin, page_scheme)
                if shared is not None and shared in memo:
                    return memo[shared]
            local = ("page", stripped, encoding, base_url, page_url)
            if local in memo:
                return memo[local]
            url, encoded = _link_url(stripped, base_url, page_url, encoding)
            if len(memo) >= HREFS_KEPT:
                memo.clear()
            if shared is not None and _has_host(encoded):
                memo[shared] = url
            else:
                memo[local] = url
            return url

        return resolve


def anchor_urls(response: TextResponse, resolve: Callable[[str], str | None]) -> list[str]:
    """The URLs of ``LinkExtractor(unique=True).extract_links(response)``, in its order,
    without building its ``Link`` objects (their text is an XPath per anchor); ``resolve``
    (:meth:`LinkResolver.page`) makes each ``href`` value a link URL."""
    urls: dict[str, None] = {}
    for element in response.selector.root.iter(etree.Element):
        tag = element.tag
        if tag[:1] == "{" and tag[1 : len(_XHTML) + 1] == _XHTML:  # Scrapy's _nons
            tag = tag.split("}")[-1]
        if tag not in _LINK_TAGS:
            continue
        value = element.get("href")
        if value is not None and (url := resolve(value)) is not None:
            urls[url] = None
    return list(urls)


def _headers(response: Response) -> list[tuple[str, str]]:
    return [
        (key.decode("latin-1"), value.decode("latin-1"))
        for key, values in response.headers.items()
        for value in values
    ]


class PortalSpider(Spider):
    """Crawls one portal from its profile (set as a class attribute by the spider loader).

    Stats: ``spider/list_pages``, ``spider/list_pages/over_limit``, ``spider/articles``,
    ``spider/article_links/parsed`` (article pages whose links were extracted),
    ``spider/article_links/skipped`` (none of their links could lead anywhere new).
    """

    profile: ClassVar[SiteProfile]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.list_pages: set[str] = set()
        # URLs of the GET requests already handed to the scheduler: its dupefilter refuses them
        # again, so an article page's links to them (navigation, related articles: most of its
        # links) are not made into requests at all (see ``requests_for``)
        self.scheduled: set[str] = set()
        self.canonical: dict[str, str] = {}  # link -> canonical URL, for the links seen last
        self.resolver = LinkResolver()  # href value -> link URL, for the values seen last

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_scheduled, signal=signals.request_scheduled)
        return spider

    def request_scheduled(self, request: Request, **_: Any) -> None:
        if not request.dont_filter and request.method == "GET" and not request.body:
            self.scheduled.add(request.url)

    async def start(self) -> AsyncIterator[Request]:
        for url in self.profile.start_urls:
            yield Request(url, callback=self.parse_list, meta={"kind": "list"})
        for url in self.profile.sitemaps:
            yield Request(url, callback=self.parse_sitemap)
        for url in self.profile.feeds:
            yield Request(url, callback=self.parse_feed)

    # --- requests -------------------------------------------------------------------------
    def _stat(self, name: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(name)

    def article_request(self, url: str) -> Request:
        return Request(url, callback=self.parse_article, meta={"kind": "article"})

    def list_request(self, url: str) -> Request | None:
        if url in self.list_pages:
            return None
        limit = self.profile.max_list_pages
        if limit is not None and len(self.list_pages) >= limit:
            self._stat("spider/list_pages/over_limit")
            return None
        self.list_pages.add(url)
        self._stat("spider/list_pages")
        return Request(url, callback=self.parse_list, meta={"kind": "list"})

    def requests_for(self, urls: Iterator[str], *, new_only: bool = False) -> Iterator[Request]:
        """Article and list requests for the URLs that match the profile, each URL first
        canonicalized (tracking parameters, print and mobile variants: ``model.urls``). With
        ``new_only``, none for an article URL already scheduled (the dupefilter would drop it;
        not on list pages, whose whole output ``KnownArticlesMiddleware`` reads)."""
        scheduled = self.scheduled if new_only else ()
        for raw in urls:
            url = self._canonical(raw)
            if self.profile.is_article(url):
                if url not in scheduled:
                    yield self.article_request(url)
            elif self.profile.is_list(url):
                request = self.list_request(url)
                if request is not None:
                    yield request

    def links(self, response: Response, *, new_only: bool = False) -> Iterator[str]:
        """The page's links (anchors, script pagers, Hanweb datastores). With ``new_only`` (an
        article page, whose output ``requests_for`` filters the same way), the anchors only
        if one of them may lead somewhere new (:meth:`may_lead_somewhere_new`): an article
        page's links mostly lead where the crawl has been, and the HTML parse of a link
        extractor costs more than the rest of the page's handling."""
        if not isinstance(response, TextResponse):
            return
        if self.profile.encoding:
            response = response.replace(encoding=self.profile.encoding)
        if not new_only or self.may_lead_somewhere_new(response):
            if new_only:
                self._stat("spider/article_links/parsed")
            yield from anchor_urls(response, self.resolver.page(response))
        else:
            self._stat("spider/article_links/skipped")
        yield from script_pages(response.text, response.url)  # TRS createPageHTML pagers
        yield from datastore_links(response.text, response.url)  # Hanweb JCMS script lists

    def may_lead_somewhere_new(self, response: TextResponse) -> bool:
        """Whether a link of ``response`` may be an article not yet scheduled or a list page
        not yet requested (what ``requests_for(..., new_only=True)`` makes requests for).
        Reads every ``href`` value without parsing the page (``model.hrefs``: a superset of
        the link extractor's links), makes each the link the link extractor would (the same
        :class:`LinkResolver`; a value it keeps no link of leads nowhere), then canonicalizes
        it."""
        resolve = self.resolver.page(response)
        profile, scheduled = self.profile, self.scheduled
        for value in href_values(response.text):
            link = resolve(value)
            if link is None:
                continue
            url = self._canonical(link)
            if profile.is_article(url):
                if url not in scheduled:
                    return True
            elif profile.is_list(url) and url not in self.list_pages:
                return True
        return False

    def _canonical(self, raw: str) -> str:
        url = self.canonical.get(raw)
        if url is None:
            if len(self.canonical) >= CANONICAL_KEPT:
                self.canonical.clear()
            url = self.canonical[raw] = canonical_url(raw, self.profile)
        return url

    # --- callbacks ------------------------------------------------------------------------
    def parse_list(self, response: Response) -> Iterator[Request]:
        yield from self.requests_for(self.links(response))
        if isinstance(response, TextResponse):
            # the next group of a Hanweb datastore continues this list, whatever its URL
            for url in datastore_next(response.text, response.url):
                if not self.profile.is_denied(url) and (request := self.list_request(url)):
                    yield request

    def parse_article(self, response: Response) -> Iterator[Page | Request]:
        self._stat("spider/articles")
        yield self.page_from(response)
        yield from self.requests_for(self.links(response, new_only=True), new_only=True)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        try:
            sitemap = Sitemap(response.body)
        except Exception:  # lxml raises several types on non-XML bodies
            self.logger.warning("Not a sitemap: %s", response.url)
            return
        urls = [entry["loc"] for entry in sitemap if "loc" in entry]
        if sitemap.type == "sitemapindex":
            for url in urls:
                yield Request(url, callback=self.parse_sitemap)
        else:
            yield from self.requests_for(iter(urls))

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            response = TextResponse(response.url, body=response.body, encoding="utf-8")
        selector = response.selector
        selector.remove_namespaces()
        urls = selector.xpath("//item/link/text() | //entry/link/@href").getall()
        yield from self.requests_for(response.urljoin(u.strip()) for u in urls if u.strip())

    def page_from(self, response: Response) -> Page:
        """The item the pipelines receive: raw body, headers and the capture's WARC location
        (or its records still being written: ``Page.record``)."""
        warc = response.meta.get("warc")
        pending = None if warc else response.meta.get("warc_pending")
        if warc:
            fetched = warc["date"]
        elif pending is not None:
            fetched = pending.date
        else:
            fetched = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        location = {k: warc[k] for k in ("file", "offset", "length")} if warc else None
        return Page(
            url=response.url,
            body=response.body,
            headers=_headers(response),
            status=response.status,
            site=self.name,
            fetched=fetched,
            warc=location,
            record=pending,
        )
