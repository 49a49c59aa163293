"""Refresh: conditional GET for known pages and a stop to list paging at known articles.

Both middlewares act only when the spider runs as a refresh (``scrapy refresh`` sets the spider
argument ``run_kind="refresh"``); a plain ``scrapy crawl`` fetches everything.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from scrapy import Request
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from crawler.extensions.database import Database

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from spiders.portal import PortalSpider

logger = logging.getLogger(__name__)


class NotModifiedLogFilter(logging.Filter):
    """Drops HttpErrorMiddleware's "Ignoring response <304 ...>" INFO line: a 304 is the answer
    our conditional GET asked for and is archived as a revisit, so a refresh of a site with
    thousands of unchanged articles would print thousands of lines that say nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, dict) else {}
        return getattr(args.get("response"), "status", None) != 304


def quiet_not_modified() -> None:
    """Install :class:`NotModifiedLogFilter` on HttpErrorMiddleware's logger (once)."""
    httperror = logging.getLogger("scrapy.spidermiddlewares.httperror")
    if not any(isinstance(f, NotModifiedLogFilter) for f in httperror.filters):
        httperror.addFilter(NotModifiedLogFilter())


def is_refresh(crawler: Crawler) -> bool:
    return getattr(crawler.spider, "run_kind", "crawl") == "refresh"


def known_captures(crawler: Crawler) -> dict[str, dict[str, Any]]:
    """The stored article captures of the spider's site (read once per crawl by the
    ``Database`` extension): URL -> validators and capture date."""
    database = crawler.get_extension(Database)
    assert database is not None, "the Database extension is off"
    return database.known_captures(getattr(crawler.spider, "name", ""))


class ConditionalGetMiddleware:
    """Adds If-None-Match / If-Modified-Since to requests for known article pages.

    A 304 answer is archived as a revisit record by the WARC capture middleware (it reads
    ``request.meta["refresh_of"]``) and then dropped by Scrapy's HttpErrorMiddleware: nothing
    to extract. Stats: ``refresh/conditional``, ``refresh/not_modified``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        quiet_not_modified()
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not is_refresh(self.crawler) or request.meta.get("kind") != "article":
            return
        known = known_captures(self.crawler).get(request.url)
        if not known or not (known["etag"] or known["last_modified"]):
            return
        if known["etag"]:
            request.headers.setdefault(b"If-None-Match", known["etag"])
        if known["last_modified"]:
            request.headers.setdefault(b"If-Modified-Since", known["last_modified"])
        request.meta["refresh_of"] = {"url": request.url, "date": known["fetched"]}
        self.crawler.stats.inc_value("refresh/conditional")

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 304 and "refresh_of" in request.meta:
            self.crawler.stats.inc_value("refresh/not_modified")
        return response


def revisit_due(
    known: dict[str, dict[str, Any]], days: int, now: datetime | None = None
) -> list[str]:
    """The known article URLs a refresh asks for again: those last downloaded in full within
    ``days`` days (all of them when ``days`` <= 0, or when a capture's date is unreadable).

    An edit is a new full download, so it restarts the article's window; a 304 does not. A
    portal's articles are edited in the days after publication, and a site holding years of
    articles would otherwise cost one conditional GET per archived article on every refresh."""
    if days <= 0:
        return sorted(known)
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    due = []
    for url, capture in known.items():
        try:
            fetched = datetime.fromisoformat(str(capture.get("fetched")))
        except ValueError:
            fetched = None
        if fetched is None or fetched.tzinfo is None or fetched >= since:
            due.append(url)
    return sorted(due)


class KnownArticlesMiddleware(BaseSpiderMiddleware):
    """Revisits the known articles downloaded within ``REFRESH_REVISIT_DAYS`` (so edits are
    found) and stops list paging once list pages hold only known articles,
    ``REFRESH_KNOWN_PAGES`` pages beyond the first such page.

    Settings: ``REFRESH_KNOWN_PAGES`` (default 1), ``REFRESH_REVISIT_KNOWN`` (default True),
    ``REFRESH_REVISIT_DAYS`` (default 7; 0: every known article).
    Stats: ``refresh/known_list_pages``, ``refresh/paging_stopped``, ``refresh/revisit_skipped``.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.margin = crawler.settings.getint("REFRESH_KNOWN_PAGES", 1)
        self.revisit = crawler.settings.getbool("REFRESH_REVISIT_KNOWN", True)
        self.revisit_days = crawler.settings.getint("REFRESH_REVISIT_DAYS", 7)
        self.known_pages = 0

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for request in start:
            yield request
        if not (is_refresh(self.crawler) and self.revisit):
            return
        spider = cast("PortalSpider", self.crawler.spider)
        known = known_captures(self.crawler)
        due = revisit_due(known, self.revisit_days)
        self.crawler.stats.set_value("refresh/revisit_skipped", len(known) - len(due))
        for url in due:
            yield spider.article_request(url)

    # Scrapy 2.19 calls these without ``spider``; the base class still declares it
    async def process_spider_output_async(  # type: ignore[override]
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        if not is_refresh(self.crawler) or response.meta.get("kind") != "list":
            async for item in result:
                yield item
            return
        output = [item async for item in result]
        articles = [o for o in output if isinstance(o, Request) and o.meta.get("kind") == "article"]
        known = known_captures(self.crawler)
        if articles and all(r.url in known for r in articles):
            self.known_pages += 1
            self.crawler.stats.inc_value("refresh/known_list_pages")
        stop = self.known_pages > self.margin and all(r.url in known for r in articles)
        for item in output:
            if stop and isinstance(item, Request) and item.meta.get("kind") == "list":
                self.crawler.stats.inc_value("refresh/paging_stopped")
                continue
            yield item

    def process_spider_output(self, response: Response, result: Any) -> Any:  # type: ignore[override]
        yield from result
