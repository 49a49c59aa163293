"""CrawlFigures: each crawl's per-site figures (fetched, new, changed, duplicates, errors, skip
reasons, field shares and drift alarms) into ``crawl_runs``, for ``scrapy refresh``'s summary
and ``scrapy report``, written by the store process (``Database.record_run``).
:func:`record_run` is shared with replay.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals

from crawler.db.figures import store_run, utc_now
from crawler.extensions.database import Database
from crawler.extensions.drift import shares

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)


def figures_from_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """A run's figures from its Scrapy-style stats (``store/*``, ``dedup/*``,
    ``extract/skip/*``, ``downloader/*``, ``quality/*``)."""
    skips = {
        k.removeprefix("extract/skip/"): v
        for k, v in stats.items()
        if k.startswith("extract/skip/")
    }
    return {
        "fetched": stats.get("downloader/response_count", 0),
        "not_modified": stats.get("downloader/response_status_count/304", 0),
        "new": stats.get("store/new", 0),
        "changed": stats.get("store/changed", 0),
        "duplicates": stats.get("dedup/exact", 0) + stats.get("dedup/near", 0),
        "errors": sum(skips.values())
        + stats.get("downloader/exception_count", 0)
        + stats.get("store/error", 0),
        "skips": skips,
        "quality": shares(stats),
    }


def record_run(
    session: Session, site: str, kind: str, started: str, figures: dict[str, Any]
) -> list[str]:
    """Store one run of one site with its drift flags against the site's last 10 runs; returns
    the flags (each also logged)."""
    flags = store_run(session, site, kind, started, figures)
    log_drift(site, flags)
    return flags


def log_drift(site: str, flags: list[str]) -> None:
    for flag in flags:
        logger.warning("Template drift on %s? %s", site, flag)


class CrawlFigures:
    """Writes the crawl's figures when the spider closes (after every item was stored).

    Reads the crawl's stats; the run kind is the spider's ``run_kind`` (``crawl`` or
    ``refresh``).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.started = utc_now()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlFigures:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        self.started = utc_now()

    def spider_closed(self) -> None:
        spider = self.crawler.spider
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        database = self.crawler.get_extension(Database)
        assert database is not None, "the Database extension is off"
        site = getattr(spider, "name", "?")
        kind = getattr(spider, "run_kind", "crawl")
        log_drift(site, database.record_run(site, kind, self.started, figures_from_stats(stats)))
