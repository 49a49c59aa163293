"""SampleSpider: the fetching side of ``scrapy genprofile``: robots.txt, the home page, the
sitemaps and feeds it can find, then a bounded breadth-first sample of the site's URL shapes
(:class:`model.draft.sampling.Planner`). It goes through the crawl's downloader stack, so every
fetch is polite, obeys robots.txt and lands in the WARC like any crawl; nothing is extracted or
stored. The class has no ``name`` (``scrapy list`` never shows it): the command passes the
draft's id, which names the WARC files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap

from model.draft.pages import read_page
from model.draft.robots import Robots
from model.draft.sampling import Planner
from model.draft.shapes import origin

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy.http import Response
    from twisted.python.failure import Failure

MAX_SITEMAPS = 3  # child sitemaps read from a sitemap index


@dataclass(frozen=True)
class Fetched:
    """One sampled page as received (``body`` None when the fetch failed)."""

    requested: str
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes | None
    reason: str = ""


def _headers(response: Response) -> list[tuple[str, str]]:
    return [
        (key.decode("latin-1"), value.decode("latin-1"))
        for key, values in response.headers.items()
        for value in values
    ]


class SampleSpider(Spider):
    """Samples a portal from its home page for a profile draft.

    Spider arguments: ``home`` (URL), ``pages`` (page budget, robots.txt, sitemaps and feeds
    not counted). Results: ``fetched`` (pages in fetch order, the home page first),
    ``robots``, ``sitemaps`` and ``feeds`` (those holding URLs of the site).
    """

    custom_settings = {  # noqa: RUF012
        "ITEM_PIPELINES": {},
        # no database and no extraction workers: the sample is only archived
        "EXTENSIONS": {
            "scrapy.extensions.logstats.LogStats": None,
            "crawler.extensions.progress.CrawlProgress": 20,
        },
        "SPIDER_MIDDLEWARES": {},
    }

    def __init__(self, home: str, pages: int | str = 40, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.home = home
        self.budget = int(pages)
        self.fetched: list[Fetched] = []
        self.robots = Robots("")
        self.planner = Planner({origin(home)}, self.robots, self.budget)
        self.sitemaps: list[str] = []
        self.feeds: list[str] = []
        self._probed: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        yield Request(
            urljoin(self.home, "/robots.txt"),
            callback=self.parse_robots,
            errback=self.robots_failed,
            dont_filter=True,
            meta={"dont_obey_robotstxt": True},
        )

    # --- robots.txt, then the home page ---------------------------------------------------
    def parse_robots(self, response: Response) -> Iterator[Request]:
        text = response.text if isinstance(response, TextResponse) else response.body.decode()
        yield from self._begin(text)

    def robots_failed(self, failure: Failure) -> Iterator[Request]:
        if failure.check(HttpError):  # no robots.txt (404...): everything is allowed
            yield from self._begin("")
            return
        # the host does not answer: the home page is not asked for (the robots middleware
        # would log its own failure with a traceback)
        reason = type(failure.value).__name__
        self.fetched.append(Fetched(self.home, self.home, 0, [], None, reason))

    def _begin(self, text: str) -> Iterator[Request]:
        agent = str(self.settings.get("USER_AGENT") or "*")
        self.robots = Robots(text, agent=agent)
        self.planner = Planner({origin(self.home)}, self.robots, self.budget)
        if not self.robots.allowed(self.home):
            self.logger.warning("robots.txt disallows the home page %s", self.home)
            return
        self.planner.mark(self.home)
        yield self._page(self.home)
        for url in self.robots.sitemaps[:MAX_SITEMAPS]:
            yield self._aux(url, self.parse_sitemap)

    def _page(self, url: str) -> Request:
        return Request(url, callback=self.parse_page, errback=self.page_failed)

    def _aux(self, url: str, callback: Any, top: bool = True) -> Request:
        self._probed.add(url)
        return Request(
            url, callback=callback, errback=self.aux_failed, meta={"top": top}, dont_filter=True
        )

    # --- pages ----------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Request]:
        requested = (response.meta.get("redirect_urls") or [response.url])[0]
        self.planner.mark(response.url)
        body = response.body
        self.fetched.append(
            Fetched(requested, response.url, response.status, _headers(response), body)
        )
        if not isinstance(response, TextResponse):
            yield from self._more()
            return
        view = read_page(response.url, response.text)
        if requested == self.home:
            yield from self._home(response.url, view.feeds)
        self.planner.offer([url for url, _ in view.links])
        yield from self._more()

    def _home(self, final: str, feeds: list[str]) -> Iterator[Request]:
        self.planner.origins.add(origin(final))
        for url in feeds[:MAX_SITEMAPS]:
            if url not in self._probed:
                yield self._aux(url, self.parse_feed)
        if not feeds:
            yield self._aux(urljoin(final, "/rss.xml"), self.parse_feed)
        if not self.robots.sitemaps:
            yield self._aux(urljoin(final, "/sitemap.xml"), self.parse_sitemap)

    def _more(self) -> Iterator[Request]:
        for url in self.planner.take():
            yield self._page(url)

    def page_failed(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(HttpError):
            error = failure.value
            assert isinstance(error, HttpError)
            response = error.response
            self.fetched.append(
                Fetched(request.url, response.url, response.status, _headers(response), None)
            )
        else:
            reason = type(failure.value).__name__
            self.fetched.append(Fetched(request.url, request.url, 0, [], None, reason))
        yield from self._more()

    def aux_failed(self, failure: Failure) -> None:
        self.logger.debug("No sitemap or feed at %s", failure.request.url)  # type: ignore[attr-defined]

    # --- sitemaps and feeds ---------------------------------------------------------------
    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        try:
            sitemap = Sitemap(response.body)
        except Exception:  # lxml raises several types on non-XML bodies
            return
        urls = [entry["loc"] for entry in sitemap if "loc" in entry]
        if sitemap.type == "sitemapindex":
            for url in urls[:MAX_SITEMAPS]:
                yield self._aux(url, self.parse_sitemap, top=False)
            if urls and response.meta.get("top"):
                self.sitemaps.append(response.url)
            return
        site = [u for u in urls if origin(u) in self.planner.origins]
        if site and response.meta.get("top"):
            self.sitemaps.append(response.url)
        self.planner.offer(site)
        yield from self._more()

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            response = TextResponse(response.url, body=response.body, encoding="utf-8")
        try:
            selector = response.selector
            selector.remove_namespaces()
            links = selector.xpath("//item/link/text() | //entry/link/@href").getall()
        except Exception:  # not XML
            return
        urls = [response.urljoin(u.strip()) for u in links if u.strip()]
        site = [u for u in urls if origin(u) in self.planner.origins]
        if site:
            self.feeds.append(response.url)
        self.planner.offer(site)
        yield from self._more()
