"""CountedCompressionMiddleware: Scrapy's HttpCompressionMiddleware, with a decompression bomb
(a body that inflates past ``DOWNLOAD_MAXSIZE``) counted as a failed fetch; Scrapy only logs a
warning and drops it, so the crawl would end as if nothing went wrong."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class CountedCompressionMiddleware(HttpCompressionMiddleware):
    """Settings: Scrapy's (``COMPRESSION_ENABLED``, ``DOWNLOAD_MAXSIZE``). Stats: Scrapy's, and
    ``fetch/failed/decompression_bomb``."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            if exc.__cause__ is not None:  # _DecompressionMaxSizeExceeded
                if self.stats is not None:
                    self.stats.inc_value("fetch/failed/decompression_bomb")
                logger.error("Decompression bomb at %s: %s", request.url, exc)
            raise
