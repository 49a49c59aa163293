"""Backlog: back-pressure between downloading and the database.

An article page is in the backlog from the moment it reaches the item pipelines until its
article is committed (or dropped). While the backlog holds ``STORE_MAX_PENDING`` pages, new
downloads wait (``crawler.middlewares.backlog.BacklogMiddleware`` holds them before they are
sent), so memory and the work left at a stop stay bounded whatever the database, the
extraction pool or the store process are doing. Downloading never waits on the database
otherwise: the pool and the store process start in the background while the first pages are
fetched. A crawl killed at any moment fetches again only its in-flight requests: every page in
the backlog is whole in the WARC, and the resumed crawl reads it back from its record
(``crawler.middlewares.warc_resume``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals

from model.items import Article, Page

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class Backlog:
    """Counts the pages between the item pipelines' start and their commit.

    Settings: ``STORE_MAX_PENDING`` (default 256; 0: ``CONCURRENT_REQUESTS``). Stats:
    ``backlog/waits`` (downloads held while the backlog was full), ``backlog/held_seconds`` (how
    long downloads were held, in all: the crawl's time lost to the pipelines), ``backlog/max``
    (the most pages it held).
    The pipelines call :meth:`enter` when a page arrives; every item the pipelines finish with
    (scraped, dropped or failed: Scrapy's item signals) leaves it.
    """

    def __init__(self, limit: int, crawler: Crawler | None = None) -> None:
        self.limit = max(1, limit)
        self.pending = 0
        self.crawler = crawler
        self._room: asyncio.Event | None = None
        self._held_since: float | None = None  # monotonic time the first held download waits

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Backlog:
        settings = crawler.settings
        limit = settings.getint("STORE_MAX_PENDING") or settings.getint("CONCURRENT_REQUESTS")
        ext = cls(limit, crawler)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(ext.item_done, signal=signal)
        return ext

    def enter(self) -> None:
        """A page reached the pipelines."""
        self.pending += 1
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.max_value("backlog/max", self.pending)

    def item_done(self, item: Any, **_: Any) -> None:
        if isinstance(item, (Page, Article)) and self.pending > 0:
            self.pending -= 1
            if self._room is not None and self.pending < self.limit:
                self._room.set()
                self._release()

    def _release(self) -> None:
        if self._held_since is not None:
            held, self._held_since = time.monotonic() - self._held_since, None
            logger.debug("Downloads went on after %.3fs held by the backlog", held)
            if self.crawler is not None and self.crawler.stats is not None:
                stats = self.crawler.stats
                total = stats.get_value("backlog/held_seconds", 0.0) + held
                stats.set_value("backlog/held_seconds", round(total, 3))

    @property
    def full(self) -> bool:
        return self.pending >= self.limit

    async def room(self) -> None:
        """Return once the backlog holds fewer than ``limit`` pages."""
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value("backlog/waits")
        if self._held_since is None and self.pending >= self.limit:
            self._held_since = time.monotonic()
        while self.pending >= self.limit:
            if self._room is None:
                self._room = asyncio.Event()
            self._room.clear()
            await self._room.wait()
