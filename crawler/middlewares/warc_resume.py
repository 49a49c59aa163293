"""WarcResumeMiddleware: when a crawl resumes an unfinished one (``crawler.extensions.resume``),
the article pages that crawl downloaded into its WARCs but never stored are answered from
their records instead of the network.

The unfinished crawl's WARC files are read when the first request comes, so after
``WarcCaptureMiddleware`` repaired the files it left open (on ``spider_opened``, which the
engine finishes before it sends any request); only whole records of closed files count. The
scan keeps ``URL -> (file, offset, length)`` of each page not stored since the unfinished crawl
started; a request for one of them gets a response rebuilt from its record (status, headers and
body as received) and ``meta["warc"]`` pointing at that record, so the page goes through the
other middlewares, the spider and the pipelines exactly as it did the first time, and the
article stored is the one the killed crawl would have stored. A record that cannot be read
back is fetched from the network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from archive.locations import Location, ok_responses, written_since
from archive.reader import ReadStats, read_record
from crawler.extensions.resume import CrawlResume
from crawler.middlewares.warc import ARCHIVED
from crawler.settings import warc_dir

if TYPE_CHECKING:
    from collections.abc import Coroutine
    from pathlib import Path

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class WarcResumeMiddleware:
    """Answers a resumed crawl's article requests from the unfinished crawl's WARC records.

    Registered by ``crawler.addons.ArchiveAddon`` with the capture middleware (see the priority
    there). Settings: ``WARC_ENABLED``, ``WARC_DIR``, ``WARC_PREFIX``. Stats:
    ``resume/warc_pages`` (pages found in the WARCs and not stored), ``resume/from_warc``
    (requests answered from a record), ``resume/from_warc/unreadable`` (records that could not
    be read back: fetched from the network), ``resume/warc_skipped`` (damaged records the scan
    passed over).
    """

    def __init__(self, crawler: Crawler, directory: Path, prefix: str) -> None:
        self.crawler = crawler
        self.directory = directory
        self.prefix = prefix
        self.pages: dict[str, Location] | None = None  # None until the WARCs were read
        self._scan: asyncio.Future[dict[str, Location]] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcResumeMiddleware:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED", True):
            raise NotConfigured
        return cls(crawler, warc_dir(settings), settings.get("WARC_PREFIX"))

    def _count(self, key: str, value: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, value)

    def process_request(
        self, request: Request
    ) -> Response | Coroutine[Any, Any, Response | None] | None:
        pages = self.pages
        if pages is None:
            return self._before_scan(request)
        if pages and request.url in pages:
            return self._answer(request, pages)
        return None

    def _before_scan(self, request: Request) -> Coroutine[Any, Any, Response | None] | None:
        """Start reading the WARCs (in a thread: a long crawl's files take seconds); only an
        article request waits for it."""
        resume = self.crawler.get_extension(CrawlResume)
        if resume is None or resume.since is None:
            self.pages = {}
            return None
        if self._scan is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no asyncio reactor: read them here
                self.pages = self.scan(resume)
                return self.process_request(request)  # type: ignore[return-value]
            self._scan = loop.run_in_executor(None, self.scan, resume)
            self._scan.add_done_callback(self._scanned)
        if request.meta.get("kind") != "article":
            return None
        return self._after_scan(request, self._scan)

    def _scanned(self, scan: asyncio.Future[dict[str, Location]]) -> None:
        if self.pages is None:
            self.pages = {} if scan.cancelled() else scan.result()

    async def _after_scan(
        self, request: Request, scan: asyncio.Future[dict[str, Location]]
    ) -> Response | None:
        await asyncio.shield(scan)  # a request cancelled meanwhile leaves the scan running
        pages = self.pages if self.pages is not None else scan.result()
        self.pages = pages
        return self._answer(request, pages) if request.url in pages else None

    def scan(self, resume: CrawlResume) -> dict[str, Location]:
        """URL -> record of the site's article pages with a whole 200 response in the WARCs
        written since the unfinished crawl started, less those stored since then."""
        assert resume.since is not None
        spider = self.crawler.spider
        site = getattr(spider, "name", "crawl")
        profile = getattr(spider, "profile", None)
        if profile is None:
            return {}
        try:
            stored = resume.stored()
            files = written_since(self.directory, f"{self.prefix}-{site}", resume.since)
            stats = ReadStats()
            found = ok_responses(
                files,
                lambda url: profile.is_article(url) and url not in stored,
                resume.since,
                stats,
            )
        except Exception as exc:  # the pages are fetched again: nothing is lost
            logger.error("%s: could not read the unfinished crawl's WARCs: %r", site, exc)
            return {}
        skipped = sum(stats.skipped.values())
        if skipped:
            self._count("resume/warc_skipped", skipped)
            logger.warning("%s: %d damaged WARC records passed over, e.g. %s", site, skipped,
                           stats.errors[0])  # fmt: skip
        if found:
            self._count("resume/warc_pages", len(found))
        logger.info(
            "%s: %d article pages the unfinished crawl archived but did not store come from its "
            "WARC records (%d files read), not from the network",
            site,
            len(found),
            len(files),
        )
        return found

    def _answer(self, request: Request, pages: dict[str, Location]) -> Response | None:
        """The response the record of ``request``'s URL holds, or None (fetched) if it cannot
        be read back whole."""
        file, offset, length = pages.pop(request.url)
        if request.method != "GET":
            return None
        try:
            capture = read_record(self.directory / file, offset, decode=False, verify_digest=True)
        except (ValueError, OSError) as exc:
            reason = str(exc)
        else:
            if (capture.record_type, capture.url, capture.status, capture.length) == (
                "response",
                request.url,
                200,
                length,
            ):
                request.meta["warc"] = {
                    "file": file,
                    "offset": offset,
                    "length": length,
                    "record_id": capture.record_id,
                    "date": capture.date,
                }
                headers = Headers(capture.headers)
                body = capture.body
                cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
                self._count("resume/from_warc")
                return cls(
                    url=request.url,
                    status=capture.status,
                    headers=headers,
                    body=body,
                    flags=[ARCHIVED],
                    ip_address=_ip(capture.ip),
                )
            reason = f"holds the {capture.record_type} {capture.status} of {capture.url}"
        self._count("resume/from_warc/unreadable")
        logger.warning("%s:%d not read back (%s); fetching %s", file, offset, reason, request.url)
        return None


def _ip(text: str | None) -> Any:
    try:
        return ipaddress.ip_address(text) if text else None
    except ValueError:
        return None
