"""Scrapy add-ons that switch component groups on: WARC capture, and scrapy-redis when
``REDIS_URL`` is set (distributed crawl: every worker shares one queue and one dupefilter).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

# process_response runs from the downloader outwards: above HttpCacheMiddleware (900) and
# HttpCompressionMiddleware (590) we see the body as received, before decompression and redirects;
# process_request runs after every other middleware (user agent, Accept-Encoding) has set headers.
WARC_CAPTURE_PRIORITY = 950


class ArchiveAddon:
    """Registers :class:`crawler.middlewares.warc.WarcCaptureMiddleware` unless
    ``WARC_ENABLED`` is false."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.getbool("WARC_ENABLED", True):
            return
        from crawler.middlewares.warc import WarcCaptureMiddleware

        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", WarcCaptureMiddleware, WARC_CAPTURE_PRIORITY
        )


class DistributedAddon:
    """scrapy-redis scheduler and dupefilter, shared by every worker, iff ``REDIS_URL`` is set.

    Settings: ``REDIS_URL``. The queue persists between runs (``SCHEDULER_PERSIST``) so a
    worker that stops does not drop the shared crawl.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL"):
            raise NotConfigured
        settings.set("SCHEDULER", "scrapy_redis.scheduler.Scheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="addon")
        settings.set("SCHEDULER_PERSIST", True, priority="addon")
