"""BacklogMiddleware: a request waits, before it is sent, while the pages already downloaded
but not yet stored fill the backlog (``crawler.extensions.backlog``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.extensions.backlog import Backlog

if TYPE_CHECKING:
    from collections.abc import Coroutine
    from typing import Any

    from scrapy import Request
    from scrapy.crawler import Crawler


class BacklogMiddleware:
    """Registered first (``DOWNLOADER_MIDDLEWARES``, 5): a held request has done nothing yet."""

    def __init__(self, backlog: Backlog | None) -> None:
        self.backlog = backlog

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BacklogMiddleware:
        return cls(crawler.get_extension(Backlog))

    def process_request(self, request: Request) -> Coroutine[Any, Any, None] | None:
        if self.backlog is not None and self.backlog.full:
            return self.backlog.room()  # awaited by Scrapy: the request goes on after
        return None
