"""ResumeMiddleware: when a crawl resumes an unfinished one (``crawler.extensions.resume``), the
article pages stored since that crawl started are not requested again.

A spider middleware, so skipped requests never reach the scheduler or the dupefilter.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from crawler.extensions.resume import CrawlResume, stored_since

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

__all__ = ["ResumeMiddleware", "stored_since"]


class ResumeMiddleware(BaseSpiderMiddleware):
    """Drops article requests whose page an unfinished crawl of the site already stored.

    Stats: ``resume/skip/stored``.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._stored: set[str] | None = None

    def stored(self) -> set[str]:
        if self._stored is None:
            resume = self.crawler.get_extension(CrawlResume)
            site = getattr(self.crawler.spider, "name", "")
            self._stored = resume.stored() if resume is not None else set()
            if self._stored:
                logger.info("%s: %d stored articles will be skipped", site, len(self._stored))
        return self._stored

    def get_processed_request(self, request: Request, response: Any) -> Request | None:
        if request.meta.get("kind") == "article" and request.url in self.stored():
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("resume/skip/stored")
            return None
        return request
