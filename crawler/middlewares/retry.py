"""RetryAfterMiddleware: Scrapy's RetryMiddleware, honouring ``Retry-After`` on 429 and 503
answers up to ``RETRY_AFTER_MAX`` seconds. A longer wait pauses the site: the request is given
up (counted), the crawl stops cleanly (reason ``paused``, exit status 1, the wait reported),
and the same command run later resumes it (``crawler.extensions.resume``)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.asyncio import is_asyncio_available
from scrapy.utils.defer import _schedule_coro, maybe_deferred_to_future

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


async def sleep(seconds: float) -> None:
    """Wait without blocking the crawl, on asyncio when Scrapy runs on it, else on Twisted's
    reactor (imported here: importing it at module level would install one)."""
    if is_asyncio_available():
        await asyncio.sleep(seconds)
        return
    from twisted.internet import reactor, task

    await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))


def retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date), or None
    when absent or unreadable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Settings: Scrapy's ``RETRY_*``, and ``RETRY_AFTER_MAX`` (seconds, default 120).
    Stats: Scrapy's ``retry/*``, ``retry/after/waited``, ``retry/after/too_long`` (the answer
    stands: ``fetch/failed/http_429`` or ``_503``), ``site/paused_for`` (the longest wait asked
    for, in seconds, when the site was paused)."""

    max_wait = 120.0
    paused = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        mw = super().from_crawler(crawler)
        mw.max_wait = crawler.settings.getfloat("RETRY_AFTER_MAX", 120.0)
        return mw

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    def _pause(self, request: Request, wait: float) -> None:
        """The server asks for a longer pause than we wait: stop the crawl of this site (once)
        rather than keep asking a server that said to come back later."""
        if self.crawler.stats is not None:
            self.crawler.stats.max_value("site/paused_for", round(wait))
        if self.paused:
            return
        self.paused = True
        logger.error(
            "Pausing the crawl: %s answered Retry-After %.0f s (RETRY_AFTER_MAX is %.0f s); "
            "run the same command after that to resume",
            request.url,
            wait,
            self.max_wait,
        )
        if self.crawler.engine is not None:
            _schedule_coro(self.crawler.engine.close_spider_async(reason="paused"))

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        wait = retry_after(response.headers.get("Retry-After"))
        if (
            wait is None
            or response.status not in (429, 503)
            or request.meta.get("dont_retry", False)
        ):
            return super().process_response(request, response)
        if wait > self.max_wait:
            self._inc("retry/after/too_long")
            self._pause(request, wait)
            return response
        retry = self._retry(request, f"{response.status} with Retry-After {wait:.0f}")
        if retry is None:
            return response
        self._inc("retry/after/waited")
        await sleep(wait)
        return retry
