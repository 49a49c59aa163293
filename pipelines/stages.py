"""The crawl's item pipelines, in order. Thin adapters: nothing slow runs on the reactor thread.

1. :class:`ExtractPipeline` (100): extract -> normalize -> near-duplicate signature, in one trip
   to a worker process (``pipelines.cpu_stage``, run by the ``WorkerPool`` extension);
2. :class:`StorePipeline` (400): dedup -> store, in the ``Database`` extension's store process,
   a batch of articles per transaction (``pipelines.store_process``, ``pipelines.store``).

A page is in the ``Backlog`` from its arrival until its commit: downloads wait while it is full
(``STORE_MAX_PENDING``), and never otherwise.

Settings: ``EXTRACT_WORKERS``, ``EXTRACT_MAX_BODY`` (through the extensions), ``DATABASE_URL``.
Stats: ``extract/articles``, ``extract/skip/<reason>``, ``dedup/<unique|exact|near>``,
``store/<new|changed|unchanged|error>``, ``quality/<field>`` (drift alarms).
"""

from __future__ import annotations

import logging
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.extensions.backlog import Backlog
from crawler.extensions.database import Database
from crawler.extensions.drift import quality_keys
from crawler.extensions.workers import WorkerPool
from model.items import Article, Page, Skip, capture_of
from pipelines import cpu_stage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class _Stage:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    @property
    def stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats


class ExtractPipeline(_Stage):
    """Page -> Article in a worker process (extract, normalize and signature in one trip)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.max_bytes = crawler.settings.getint("EXTRACT_MAX_BODY")

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        pool = self.crawler.get_extension(WorkerPool)
        assert pool is not None, "the WorkerPool extension is off"
        backlog = self.crawler.get_extension(Backlog)
        if backlog is not None:
            backlog.enter()  # left when Scrapy is done with the item (scraped or dropped)
        profile = getattr(self.crawler.spider, "profile", None)
        record, item.record = item.record, None  # a WARC write in flight stays in this process
        try:
            result = await pool.run(cpu_stage, item, profile, self.max_bytes)
        except BrokenProcessPool:
            logger.error("Extraction worker died on %s; a new pool takes over", item.url)
            result = Skip(item.url, "worker_died", "the extraction process died on this page")
        if isinstance(result, Skip):
            self.stats.inc_value(f"extract/skip/{result.reason}")
            raise DropItem(f"no article at {result.url}: {result.reason} {result.detail}".strip())
        if record is not None:  # what is stored points at the page's records: once on disk
            try:
                item.warc = result.warc = await record.location()
            except Exception as exc:  # the WARC middleware stops the crawl and says why
                self.stats.inc_value("extract/skip/not_archived")
                raise DropItem(f"not archived, not stored: {item.url} ({exc!r})") from None
        self.stats.inc_value("extract/articles")
        result.capture = capture_of(item)
        return result


class StorePipeline(_Stage):
    """Dedup and store in the store process; the item completes once its batch committed."""

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        database = self.crawler.get_extension(Database)
        assert database is not None, "the Database extension is off"
        writer = await database.writer_ready()
        try:
            kind, outcome = await writer.submit_soon(item)
        except Exception as exc:
            self.stats.inc_value("store/error")
            logger.error("Could not store %s: %r", item.url, exc)
            raise DropItem(f"store failed for {item.url}") from None
        self.stats.inc_value(f"dedup/{kind}")
        self.stats.inc_value(f"store/{outcome}")
        if outcome != "unchanged":
            for key in quality_keys(item.title, item.published, item.text):
                self.stats.inc_value(key)
        return item
