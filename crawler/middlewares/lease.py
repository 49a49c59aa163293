"""LeaseAckMiddleware: hands a distributed worker's leased requests back once handled
(``crawler.scheduler.LeasedScheduler``), both as a downloader middleware (final failures and
non-2xx answers, which never reach a callback) and as a spider middleware (pages whose callback
produced no item: list pages, once the requests they found are queued). Article pages are
handed back by the scheduler when their item was stored, dropped or failed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.scheduler import LeasedScheduler

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

# outermost spider middleware: its output wrapper ends after every other one has run
LEASE_SPIDER_PRIORITY = 1
# next to the engine: a failure gets here only once RetryMiddleware gave up
LEASE_DOWNLOADER_PRIORITY = 5


class LeaseAckMiddleware:
    """Acknowledges leases of requests that will produce nothing more. No settings, no stats
    (``lease/acked`` is the scheduler's)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseAckMiddleware:
        return cls(crawler)

    def _ack(self, request: Request | None) -> None:
        engine = self.crawler.engine
        scheduler = getattr(engine, "scheduler", None) if engine is not None else None
        if isinstance(scheduler, LeasedScheduler):
            scheduler.ack(request)

    # --- downloader side ------------------------------------------------------------------
    def process_response(self, request: Request, response: Response) -> Response:
        if not 200 <= response.status < 300:  # HttpErrorMiddleware keeps it from the callback
            self._ack(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._ack(request)

    # --- spider side ----------------------------------------------------------------------
    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        items = 0
        async for output in result:
            items += not _is_request(output)
            yield output
        if not items:
            self._ack(response.request)

    def process_spider_output(self, response: Response, result: Iterator[Any]) -> Iterator[Any]:
        items = 0
        for output in result:
            items += not _is_request(output)
            yield output
        if not items:
            self._ack(response.request)

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        self._ack(response.request)


def _is_request(output: Any) -> bool:
    from scrapy import Request

    return isinstance(output, Request)
