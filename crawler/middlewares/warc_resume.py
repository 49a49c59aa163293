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
back is fetched from the network. A distributed worker does the same with the files of a dead
worker whose leased requests it put back in the queue (its ``.open`` file too, unlocked once
the writer is gone, read up to its last whole record and renamed by the next repair).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from archive.locations import Location, date_of, ok_responses, written_by, written_since
from archive.reader import ReadStats, read_record
from archive.writer import OPEN_SUFFIX
from crawler.extensions.resume import CrawlResume, stored_since
from crawler.middlewares.warc import ARCHIVED
from crawler.settings import warc_dir
from crawler.signals import leases_requeued

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine
    from pathlib import Path

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class WarcResumeMiddleware:
    """Answers a resumed crawl's article requests from the unfinished crawl's WARC records.

    Registered by ``crawler.addons.ArchiveAddon`` with the capture middleware (see the priority
    there). In a distributed crawl, when the scheduler puts a dead worker's leases back in the
    queue (``crawler.signals.leases_requeued``), that worker's WARC files are read the same
    way: the pages it downloaded and did not store come back from its records.

    Settings: ``WARC_ENABLED``, ``WARC_DIR``, ``WARC_PREFIX``. Stats: ``resume/warc_pages``
    (pages found in the WARCs and not stored), ``resume/from_warc`` (requests answered from a
    record), ``resume/from_warc/unreadable`` (records that could not be read back: fetched from
    the network), ``resume/warc_skipped`` (damaged records the scans passed over).
    """

    def __init__(self, crawler: Crawler, directory: Path, prefix: str) -> None:
        self.crawler = crawler
        self.directory = directory
        self.prefix = prefix
        self.pages: dict[str, Location] = {}
        self.started = False  # the unfinished crawls' WARCs are being or have been read
        self._scans: set[asyncio.Future[dict[str, Location]]] = set()  # article requests wait

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcResumeMiddleware:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED", True):
            raise NotConfigured
        mw = cls(crawler, warc_dir(settings), settings.get("WARC_PREFIX"))
        crawler.signals.connect(mw.adopt, signal=leases_requeued)
        return mw

    def _count(self, key: str, value: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, value)

    @property
    def _site(self) -> str:
        return str(getattr(self.crawler.spider, "name", None) or "crawl")

    def process_request(
        self, request: Request
    ) -> Response | Coroutine[Any, Any, Response | None] | None:
        if not self.started:
            self.started = True
            resume = self.crawler.get_extension(CrawlResume)
            if resume is not None and resume.since is not None:
                since = resume.since
                files = written_since(self.directory, f"{self.prefix}-{self._site}", since)
                self._read(files, since, resume.stored, "the unfinished crawl")
        if self._scans and request.meta.get("kind") == "article":
            return self._after_scans(request)
        if request.url in self.pages:
            return self._answer(request, self.pages)
        return None

    def adopt(self, worker: str) -> None:
        """Read the WARCs of ``worker`` (a dead distributed worker whose leases were requeued)."""
        from crawler.scheduler import worker_process  # a distributed crawl: loaded already

        host, pid = worker_process(worker)
        files = written_by(self.directory, f"{self.prefix}-{self._site}", host, pid)
        if not files:
            return
        since = date_of(files[0])

        def stored() -> set[str]:
            return stored_since(self.crawler, self._site, since)

        self._read(files, since, stored, f"worker {worker}")

    def _read(
        self, files: list[Path], since: str, stored: Callable[[], set[str]], whose: str
    ) -> None:
        """Scan ``files`` in a thread (a long crawl's files take seconds) and add what they
        hold to :attr:`pages`; meanwhile article requests wait. Without a running asyncio loop
        the scan runs here."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.pages.update(self.scan(files, since, stored, whose))
            return
        scan = loop.run_in_executor(None, self.scan, files, since, stored, whose)
        self._scans.add(scan)
        scan.add_done_callback(self._scanned)

    def _scanned(self, scan: asyncio.Future[dict[str, Location]]) -> None:
        self._scans.discard(scan)
        if not scan.cancelled() and scan.exception() is None:
            self.pages.update(scan.result())

    async def _after_scans(self, request: Request) -> Response | None:
        while self._scans:  # shielded: a request cancelled meanwhile leaves the scans running
            await asyncio.shield(asyncio.gather(*self._scans, return_exceptions=True))
            await asyncio.sleep(0)  # their callbacks have added their pages
        return self._answer(request, self.pages) if request.url in self.pages else None

    def scan(
        self, files: list[Path], since: str, stored: Callable[[], set[str]], whose: str
    ) -> dict[str, Location]:
        """URL -> record of the site's article pages with a whole 200 response dated since
        ``since`` in ``files``, less those stored since then (``stored``)."""
        site = self._site
        profile = getattr(self.crawler.spider, "profile", None)
        if profile is None:
            return {}
        try:
            done = stored()
            stats = ReadStats()
            found = ok_responses(
                files, lambda url: profile.is_article(url) and url not in done, since, stats
            )
        except Exception as exc:  # the pages are fetched again: nothing is lost
            logger.error("%s: could not read the WARCs of %s: %r", site, whose, exc)
            return {}
        skipped = sum(stats.skipped.values())
        if skipped:
            self._count("resume/warc_skipped", skipped)
            logger.warning("%s: %d damaged WARC records passed over, e.g. %s", site, skipped,
                           stats.errors[0])  # fmt: skip
        if found:
            self._count("resume/warc_pages", len(found))
        logger.info(
            "%s: %d article pages %s archived but did not store come from its WARC records "
            "(%d files read), not from the network",
            site,
            len(found),
            whose,
            len(files),
        )
        return found

    def _answer(self, request: Request, pages: dict[str, Location]) -> Response | None:
        """The response the record of ``request``'s URL holds, or None (fetched) if it cannot
        be read back whole."""
        file, offset, length = pages.pop(request.url)
        if request.method != "GET":
            return None
        path = self.directory / file
        if not path.exists():  # a dead worker's file, not repaired yet
            path = path.with_name(file + OPEN_SUFFIX)
        try:
            capture = read_record(path, offset, decode=False, verify_digest=True)
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
