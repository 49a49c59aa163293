"""Scrapy add-ons that switch component groups on: WARC capture, and scrapy-redis when
``REDIS_URL`` is set (distributed crawl: every worker shares one queue and one dupefilter).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

# process_response runs from the downloader outwards: above HttpCacheMiddleware (900) and
# HttpCompressionMiddleware (590) we see the body as received, before decompression and redirects;
# process_request runs after every other middleware (user agent, Accept-Encoding) has set headers.
WARC_CAPTURE_PRIORITY = 950
# a resumed crawl's pages read back from its WARC records, in place of the download (as
# HttpCacheMiddleware does at 900): every other process_request has run, and on the way back
# every process_response runs as for a download (the capture's skips them: ARCHIVED)
WARC_RESUME_PRIORITY = 940


class ArchiveAddon:
    """Registers :class:`crawler.middlewares.warc.WarcCaptureMiddleware` and
    :class:`crawler.middlewares.warc_resume.WarcResumeMiddleware` unless ``WARC_ENABLED`` is
    false."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.getbool("WARC_ENABLED", True):
            return
        from crawler.middlewares.warc import WarcCaptureMiddleware
        from crawler.middlewares.warc_resume import WarcResumeMiddleware

        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", WarcCaptureMiddleware, WARC_CAPTURE_PRIORITY
        )
        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", WarcResumeMiddleware, WARC_RESUME_PRIORITY
        )


class DistributedAddon:
    """scrapy-redis scheduler and dupefilter, shared by every worker, iff ``REDIS_URL`` is set.

    Settings: ``REDIS_URL``, ``CRAWL_RUN``, ``DISTRIBUTED_LEASE_TTL``. Workers started with the same ``CRAWL_RUN`` (default:
    the UTC date) share one queue and one dupefilter. The keys persist (``SCHEDULER_PERSIST``),
    because a worker that finishes first must not flush a queue the others still use; they expire
    ``DISTRIBUTED_RUN_TTL`` seconds after the last worker closed. A new ``CRAWL_RUN`` starts with a fresh dupefilter, so the next crawl fetches again. Pops are
    leases (``crawler.scheduler``): a killed worker's requests go back to the queue.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            raise NotConfigured
        from crawler.extensions.distributed import DistributedIdle

        run = settings.get("CRAWL_RUN") or datetime.now(UTC).strftime("%Y%m%d")
        # scrapy-redis's scheduler with leases: a killed worker's requests come back
        settings.set("SCHEDULER", "crawler.scheduler.LeasedScheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="addon")
        settings.set("SCHEDULER_PERSIST", True, priority="addon")
        settings.set("SCHEDULER_QUEUE_KEY", f"countynews:%(spider)s:{run}:requests", "addon")
        settings.set("SCHEDULER_DUPEFILTER_KEY", f"countynews:%(spider)s:{run}:dupefilter", "addon")
        settings.set_in_component_priority_dict("EXTENSIONS", DistributedIdle, 100)
        from crawler.middlewares.lease import (
            LEASE_DOWNLOADER_PRIORITY,
            LEASE_SPIDER_PRIORITY,
            LeaseAckMiddleware,
        )

        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", LeaseAckMiddleware, LEASE_DOWNLOADER_PRIORITY
        )
        settings.set_in_component_priority_dict(
            "SPIDER_MIDDLEWARES", LeaseAckMiddleware, LEASE_SPIDER_PRIORITY
        )
        quiet_scrapy_redis()


def quiet_scrapy_redis() -> None:
    """scrapy-redis 0.9.1 uses two Scrapy APIs that Scrapy 2.14+ deprecates: ``spider=`` in
    ``StatsCollector.inc_value`` (every enqueue and dequeue) and ``Spider.log`` (a worker that
    joins a queue already holding requests). Each gives a warning per crawl that a user can do
    nothing about; only those two messages from scrapy_redis are ignored, any other shows."""
    import warnings

    from scrapy.exceptions import ScrapyDeprecationWarning

    for message in (r"Passing a 'spider' argument to StatsCollector\.", r"Spider\.log\(\) is"):
        warnings.filterwarnings(
            "ignore", message=message, category=ScrapyDeprecationWarning, module=r"scrapy_redis\."
        )
