"""The four item pipelines of a crawl, in order. Thin adapters: the work is in
``pipelines.cpu_stage`` (worker processes), ``pipelines.dedup.index`` and ``crawler.db``.

Settings: ``DATABASE_URL`` / ``DATA_DIR``, ``EXTRACT_WORKERS``, ``SITES_DIR``.
Stats: ``extract/articles``, ``extract/skip/<reason>``, ``dedup/<unique|exact|near>``,
``store/<new|changed|unchanged>``.
"""

from __future__ import annotations

import logging
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem
from sqlalchemy import select

from crawler.db.models import CrawlRunRow
from crawler.db.repository import capture_of
from crawler.db.session import open_database
from crawler.extensions.drift import drift_flags, quality_keys, shares
from crawler.extensions.workers import WorkerPool
from crawler.settings import database_url
from model.items import Article, Page, Skip
from pipelines import cpu_stage
from pipelines.dedup.index import assign
from pipelines.store import store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy.orm import Session

    from model.profiles import SiteProfile

logger = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Stage:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    def inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)

    @property
    def profile(self) -> SiteProfile | None:
        return getattr(self.crawler.spider, "profile", None)


class ExtractPipeline(_Stage):
    """Page -> Article in a worker process (extract, normalize and signature in one trip)."""

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        pool = self.crawler.get_extension(WorkerPool)
        try:
            result = await pool.run(cpu_stage, item, self.profile)
        except BrokenProcessPool:
            logger.error("Extraction worker died on %s; a new pool takes over", item.url)
            result = Skip(item.url, "worker_died", "the extraction process died on this page")
        if isinstance(result, Skip):
            self.inc(f"extract/skip/{result.reason}")
            raise DropItem(f"no article at {result.url}: {result.reason} {result.detail}".strip())
        self.inc("extract/articles")
        result.capture = capture_of(item)
        return result


class NormalizePipeline(_Stage):
    """Checks the CPU stage normalized the article; normalizes inline if it did not."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article) and item.content_hash is None:
            from pipelines.dedup.hashing import minhash
            from pipelines.normalize import normalize

            item = normalize(item)
            item.minhash = minhash(item.text)
        return item


class _DatabaseStage(_Stage):
    """Dedup and Store share one session per crawl (one transaction per article)."""

    def open_spider(self) -> None:
        shared = self.crawler.__dict__.setdefault("_countynews_db", {})
        if "session" not in shared:
            factory = open_database(database_url(self.crawler.settings))
            shared["session"] = factory()
            shared["started"] = _now()
        self.shared: dict[str, Any] = shared

    @property
    def session(self) -> Session:
        return self.shared["session"]


class DedupPipeline(_DatabaseStage):
    """Sets ``cluster`` and ``duplicate_of`` from the persistent duplicate index."""

    def open_spider(self) -> None:
        super().open_spider()
        from crawler.spiderloader import SitesSpiderLoader

        loader = SitesSpiderLoader(self.crawler.settings)
        self.site_names = {pid: p.name for pid, p in loader.profiles.items()}

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            kind = assign(self.session, item, self.site_names)
            self.inc(f"dedup/{kind}")
        return item


class StorePipeline(_DatabaseStage):
    """Stores the article (earlier versions kept) and its capture's validators; commits."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        try:
            outcome = store(self.session, item)
            self.session.commit()
        except Exception:
            self.session.rollback()
            self.inc("store/error")
            logger.exception("Could not store %s", item.url)
            raise DropItem(f"store failed for {item.url}") from None
        self.inc(f"store/{outcome}")
        if outcome != "unchanged":
            for key in quality_keys(item.title, item.published, item.text):
                self.inc(key)
        return item

    def close_spider(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        figures = {
            "fetched": stats.get("downloader/response_count", 0),
            "not_modified": stats.get("downloader/response_status_count/304", 0),
            "new": stats.get("store/new", 0),
            "changed": stats.get("store/changed", 0),
            "duplicates": stats.get("dedup/exact", 0) + stats.get("dedup/near", 0),
            "errors": sum(v for k, v in stats.items() if k.startswith("extract/skip/"))
            + stats.get("downloader/exception_count", 0),
        }
        figures["skips"] = {
            k.removeprefix("extract/skip/"): v
            for k, v in stats.items()
            if k.startswith("extract/skip/")
        }
        spider = self.crawler.spider
        site = getattr(spider, "name", "?")
        figures["quality"] = shares(stats)
        earlier = self.session.scalars(
            select(CrawlRunRow.figures)
            .where(CrawlRunRow.site == site)
            .order_by(CrawlRunRow.pk.desc())
            .limit(10)
        )
        figures["drift"] = drift_flags(figures["quality"], [f.get("quality") for f in earlier])
        for flag in figures["drift"]:
            logger.warning("Template drift on %s? %s", site, flag)
        self.session.add(
            CrawlRunRow(
                site=site,
                kind=getattr(spider, "run_kind", "crawl"),
                started=self.shared["started"],
                finished=_now(),
                figures=figures,
            )
        )
        self.session.commit()
        self.session.close()
