"""ChallengeMiddleware: an HTTP 200 anti-bot challenge (安全验证, a JS check) is a failed fetch,
never a page for the spider (``model.challenge`` decides, without loading the extractor)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest

from model.challenge import challenge_reason

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

# process_response runs from the downloader outwards: below HttpCompressionMiddleware (590) the
# body is decoded; the WARC capture (950) has archived the answer as served already
CHALLENGE_PRIORITY = 585


class ChallengeMiddleware:
    """Stats: ``fetch/failed/challenge`` (a failed fetch: the crawl exits 1, a resumed or later
    crawl fetches the page again)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ChallengeMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status != 200:
            return response
        reason = challenge_reason(response.body)
        if reason is None:
            return response
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("fetch/failed/challenge")
        logger.warning("Anti-bot challenge at %s (%s): not stored", request.url, reason)
        raise IgnoreRequest(f"challenge page: {request.url}")
