"""ScheduleRequestsMiddleware: each request a callback yields goes to the scheduler as it comes
out of the spider middlewares, in the output's order, rather than through the Scraper's queue
of outputs.

Scrapy hands each output of a callback to ``CONCURRENT_ITEMS`` worker tasks through a queue of
twice that size, made per response; a request is then only ``engine.crawl(request)``. Done here
instead, a response's requests are scheduled in one go, whatever their number and whatever
``CONCURRENT_ITEMS`` (a queue that fills would let other responses' callbacks run between two
parts of one list page), and the Scraper's per-response tasks only carry the page's item, so
``CONCURRENT_ITEMS`` can be small (``crawler.settings``). Errbacks' output does not pass through
spider middlewares and still goes through the Scraper.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy import Request

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy.crawler import Crawler
    from scrapy.http import Response

# spider middlewares' outputs run from the highest order to the lowest: below every middleware
# that changes or drops requests (Scrapy's from 700 on, ours), above LeaseAckMiddleware (1),
# which acknowledges a lease once the output is done: its requests are scheduled by then
SCHEDULE_REQUESTS_PRIORITY = 10


class ScheduleRequestsMiddleware:
    """No settings, no stats of its own (the scheduler's ``scheduler/enqueued``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScheduleRequestsMiddleware:
        return cls(crawler)

    def _crawl(self, request: Request) -> None:
        assert self.crawler.engine is not None
        self.crawler.engine.crawl(request)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for output in result:
            if isinstance(output, Request):
                self._crawl(output)
            else:
                yield output

    def process_spider_output(self, response: Response, result: Iterator[Any]) -> Iterator[Any]:
        for output in result:
            if isinstance(output, Request):
                self._crawl(output)
            else:
                yield output
