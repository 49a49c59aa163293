"""FetchOutcomeMiddleware: how each fetch of a crawl ended, after retries and redirects, so the
crawl's exit status and its progress lines count pages rather than attempts.

It sits next to the engine (priority ``FETCH_OUTCOME_PRIORITY``, below RetryMiddleware and
RedirectMiddleware): ``process_response`` sees each request's final response once, and
``process_exception`` only the failures that RetryMiddleware gave up on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

# below OffsiteMiddleware (50), RobotsTxtMiddleware (100), RetryMiddleware (550) and
# RedirectMiddleware (600): what reaches this priority on the way back is final
FETCH_OUTCOME_PRIORITY = 10
MISSING = (404, 410)
# exceptions counted under a plainer name: Scrapy cancels a download only when its body is
# larger than DOWNLOAD_MAXSIZE (an oversize page, as the archive reader's ``too_large``)
NAMES = {"DownloadCancelledError": "too_large"}


def outcome_key(status: int) -> str:
    """The stat a final HTTP status counts towards (a 304 is a successful conditional GET)."""
    if status < 400:
        return "fetch/ok"
    if status in MISSING:
        return "fetch/missing"
    return f"fetch/failed/http_{status}"


def _is_robots(request: Request) -> bool:
    return request.url.endswith("/robots.txt") and bool(request.meta.get("dont_obey_robotstxt"))


class FetchOutcomeMiddleware:
    """Counts final fetch outcomes.

    Stats: ``fetch/ok`` (2xx, 3xx, 304), ``fetch/missing`` (404, 410),
    ``fetch/failed/http_<status>``, ``fetch/failed/<ExceptionName>`` (``too_large`` for a body
    over ``DOWNLOAD_MAXSIZE``); robots.txt is not counted.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchOutcomeMiddleware:
        return cls(crawler)

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    def process_response(self, request: Request, response: Response) -> Response:
        if not _is_robots(request):
            self._inc(outcome_key(response.status))
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, IgnoreRequest) and not _is_robots(request):
            name = type(exception).__name__
            self._inc(f"fetch/failed/{NAMES.get(name, name)}")
