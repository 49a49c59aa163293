"""CrawlProgress: one status line per site at a steady interval while it crawls (pages done,
queued and failed, articles stored, as Browsertrix's crawl status lines do), one short summary
per site when it ends, and the crawl's exit status (``crawler.status.crawl_status``).

Replaces Scrapy's LogStats, whose "Crawled N pages" line counts attempts and says nothing about
the queue or failures.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call

from crawler.status import crawl_status

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger("crawler.progress")


def _sum(stats: dict[str, Any], prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


def figures(stats: dict[str, Any], queued: int | None = None) -> dict[str, int]:
    """Pages done, queued (the scheduler's length when known) and failed, and articles stored,
    from a crawl's stats."""
    if queued is None:
        queued = stats.get("scheduler/enqueued", 0) - stats.get("scheduler/dequeued", 0)
    return {
        "done": stats.get("fetch/ok", 0) + stats.get("fetch/missing", 0),
        "queued": max(0, queued),
        "failed": _sum(stats, "fetch/failed/"),
        "missing": stats.get("fetch/missing", 0),
        "new": stats.get("store/new", 0),
        "changed": stats.get("store/changed", 0),
        "unchanged": stats.get("store/unchanged", 0),
        "duplicates": stats.get("dedup/exact", 0) + stats.get("dedup/near", 0),
    }


def status_line(site: str, f: dict[str, int], per_minute: float) -> str:
    return (
        f"{site}: {f['done']} pages done, {f['queued']} queued, {f['failed']} failed; "
        f"{f['new'] + f['changed'] + f['unchanged']} articles ({f['new']} new), "
        f"{per_minute:.0f} pages/min"
    )


def summary_line(site: str, f: dict[str, int], seconds: float, status: int, reason: str) -> str:
    return (
        f"{site} finished in {seconds:.0f}s: {f['done'] + f['failed']} pages "
        f"({f['failed']} failed, {f['missing']} not found), articles {f['new']} new, "
        f"{f['changed']} changed, {f['unchanged']} unchanged, {f['duplicates']} duplicates; "
        f"exit status {status} ({reason})"
    )


class CrawlProgress:
    """Status lines, the end-of-crawl summary and the exit status of one site's crawl.

    Settings: ``LOGSTATS_INTERVAL`` (seconds between status lines, default 60; 0: none).
    Stats: ``exit/status``, ``exit/reason`` (set when the spider closes).
    """

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.task: Any = None
        self.started = time.monotonic()
        self.done_before = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        ext = cls(crawler, crawler.settings.getfloat("LOGSTATS_INTERVAL", 60.0))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    @property
    def site(self) -> str:
        return getattr(self.crawler.spider, "name", "crawl")

    def stats(self) -> dict[str, Any]:
        return self.crawler.stats.get_stats() if self.crawler.stats is not None else {}

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        if self.interval > 0:
            self.task = create_looping_call(self.log_status)
            self.task.start(self.interval, now=False)

    def queued(self) -> int | None:
        """Requests waiting in the scheduler (in a distributed crawl, the shared Redis queue)."""
        scheduler = getattr(self.crawler.engine, "scheduler", None)
        try:
            return len(scheduler)  # type: ignore[arg-type]
        except TypeError:
            return None

    def log_status(self) -> None:
        f = figures(self.stats(), self.queued())
        per_minute = (f["done"] - self.done_before) * 60.0 / self.interval
        self.done_before = f["done"]
        logger.info(status_line(self.site, f, per_minute))

    def spider_closed(self, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        stats = {**self.stats(), "finish_reason": reason}
        status, why = crawl_status(stats)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("exit/status", status)
            self.crawler.stats.set_value("exit/reason", why)
        line = summary_line(self.site, figures(stats), time.monotonic() - self.started, status, why)
        logger.log(logging.WARNING if status else logging.INFO, line)
