"""WarcCaptureMiddleware: every request and response, as received, into WARC files.

Registered by ``crawler.addons.ArchiveAddon`` next to the downloader (see the priority there),
so it sees the body before decompression and every redirect, 404 and robots.txt answer. It
never changes the request or the response; it puts the response record's location into
``request.meta["warc"]`` for the spider to copy into the ``Page``, or, while the records are
still being written in the WARC thread, a :class:`PendingRecord` into
``request.meta["warc_pending"]``: the page goes on at once (its links are followed, its article
extracted) and the pipelines wait for the location before anything is stored. Responses that
come from the archive already (flagged ``cached`` by Scrapy's HTTP cache, :data:`ARCHIVED` by
``crawler.middlewares.warc_resume``) are not written again.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import socket
import time
from concurrent.futures import Future, ThreadPoolExecutor
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import _schedule_coro
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefused

from archive import HttpRequestData, HttpResponseData, WarcWriter, recover
from archive.writer import RecordRef, WarcWriteError
from crawler import __version__
from crawler.settings import data_dir, warc_dir
from crawler.status import FAILED, raise_status

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

# the flag of a response rebuilt from a record of our WARCs (its meta["warc"] points there)
ARCHIVED = "archived"


def _headers(headers: Any) -> list[tuple[str, str]]:
    return [
        (key.decode("latin-1"), value.decode("latin-1"))
        for key, values in headers.items()
        for value in values
    ]


def request_data(request: Request) -> HttpRequestData:
    headers = _headers(request.headers)
    if not any(k.lower() == "host" for k, _ in headers):
        from urllib.parse import urlsplit

        headers.insert(0, ("Host", urlsplit(request.url).netloc))
    return HttpRequestData(
        method=request.method, url=request.url, headers=headers, body=request.body or b""
    )


def response_data(response: Response) -> HttpResponseData:
    ip = getattr(response, "ip_address", None)
    return HttpResponseData(
        url=response.url,
        status=response.status,
        headers=_headers(response.headers),
        body=response.body,
        protocol=response.protocol or "HTTP/1.1",
        ip_address=str(ip) if ip is not None else None,
    )


class PendingRecord:
    """A response's records being written in the WARC thread: their ``WARC-Date`` is known at
    once, their place in the file once written (:meth:`location`)."""

    __slots__ = ("date", "future")

    def __init__(self, date: str, future: Future[RecordRef]) -> None:
        self.date, self.future = date, future

    async def location(self) -> dict[str, Any]:
        """``{"file", "offset", "length"}`` of the response record, once on disk; raises
        :class:`WarcWriteError` when it could not be written."""
        ref = self.future.result() if self.future.done() else await asyncio.wrap_future(self.future)
        return {"file": ref.file, "offset": ref.offset, "length": ref.length}


# writes queued in the WARC thread before a response waits for its own (memory: each holds
# its body; a slow disk then slows downloading instead of filling the memory)
MAX_QUEUED_WRITES = 64

# the settings a reader of the archive needs to judge how the crawl behaved
INFO_SETTINGS = (
    "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED", "AUTOTHROTTLE_TARGET_CONCURRENCY",
    "CONCURRENT_REQUESTS_PER_DOMAIN", "RETRY_TIMES", "DOWNLOAD_TIMEOUT", "JOBDIR",
)  # fmt: skip


class WarcCaptureMiddleware:
    """Writes warcinfo, request and response records (revisit for a 304) with ``archive``.

    Settings: ``WARC_ENABLED``, ``WARC_DIR`` (default ``<DATA_DIR>/warc``), ``WARC_PREFIX``,
    ``WARC_MAX_SIZE``, ``WARC_CDXJ`` (``merge``: index the crawl's WARCs and merge them into
    ``<DATA_DIR>/index.cdxj`` when it closes; ``parts``: only the per-WARC parts in
    ``<DATA_DIR>/indexes/``; ``off``).
    Stats: ``warc/records``, ``warc/bytes``, ``warc/revisit``, ``warc/request_only``,
    ``warc/write_error``, ``warc/repair/records_lost``.

    A failed write (a full disk, an I/O error) stops the crawl (reason ``warc_write_failed``,
    exit status 2): a page that cannot be archived is not stored (the pipelines drop it when its
    :class:`PendingRecord` fails), and the writer has cut its file back to the last whole record.
    Running the same command once space is back resumes.
    """

    def __init__(self, crawler: Crawler, directory: str, prefix: str, max_size: int) -> None:
        self.crawler = crawler
        self.directory, self.prefix, self.max_size = directory, prefix, max_size
        self.writer: WarcWriter | None = None
        # CPU seconds of the reactor thread building and writing records (stat warc/seconds): not
        # wall time, which would count the waits for the GIL that other threads hold meanwhile
        self.seconds = 0.0
        # CPU seconds spent building, compressing and appending records, in whichever thread
        # (stat warc/write_seconds)
        self.thread_seconds = 0.0
        self._executor: ThreadPoolExecutor | None = None
        # records written by the WARC thread (it alone adds), published as stats by this one
        self._queued = 0  # exchanges handed to the WARC thread (this thread alone adds)
        # exchanges of this turn of the event loop, handed to the WARC thread together
        self._outbox: list[
            tuple[HttpRequestData, HttpResponseData, Any, str, Future[RecordRef]]
        ] = []
        self._written = 0  # ...of which written or failed (the WARC thread alone adds)
        self._records = 0
        self._bytes = 0
        self.index_path: str | None = None
        self.merge_index = True
        self.stopping = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        mw = cls(
            crawler,
            str(warc_dir(settings)),
            settings.get("WARC_PREFIX"),
            settings.getint("WARC_MAX_SIZE"),
        )
        mode = str(settings.get("WARC_CDXJ", "merge")).lower()
        if mode not in ("false", "0", "off", "none"):
            mw.index_path = str(data_dir(settings) / "index.cdxj")
            mw.merge_index = mode != "parts"
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def _repair(self) -> None:
        """Repair the WARCs interrupted crawls left open (indexed with this crawl's own files
        when it closes, see ``unindexed``); articles whose records are cut are flagged."""
        for path in recover(self.directory, cut=self._records_cut):
            logger.warning("Repaired WARC left open by an interrupted crawl: %s", path)

    def _records_cut(self, file: str, end: int) -> None:
        from crawler.db.repository import forget_lost_records
        from crawler.extensions.database import Database

        database = self.crawler.get_extension(Database)
        if database is None:
            return
        with database.factory() as session:
            urls = forget_lost_records(session, file, end)
            session.commit()
        if urls:
            self._count("warc/repair/records_lost", len(urls))
            logger.error(
                "Repairing %s drops the records of %d stored articles (flagged warc_lost; "
                "their pages are fetched again), e.g. %s",
                file,
                len(urls),
                urls[0],
            )

    def spider_opened(self) -> None:
        self._repair()
        spider = self.crawler.spider
        settings = self.crawler.settings
        info = {
            "software": f"countynews/{__version__} (Scrapy)",
            "hostname": socket.gethostname(),
            "operator": settings.get("CONTACT", ""),
            "http-header-user-agent": settings.get("USER_AGENT", ""),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "isPartOf": getattr(spider, "name", ""),
            "profile": str(getattr(getattr(spider, "profile", None), "path", "") or ""),
            "crawl-settings": " ".join(f"{n}={settings.get(n)}" for n in INFO_SETTINGS),
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        }
        prefix = f"{self.prefix}-{getattr(spider, 'name', 'crawl')}"
        self.writer = WarcWriter(
            self.directory,
            prefix=prefix,
            max_size=self.max_size,
            info=info,
            index=bool(self.index_path),  # its CDXJ lines made as records are written
        )

    def spider_closed(self) -> None:
        if self.writer is None:
            return
        if self._executor is not None:  # the records in flight are written first
            self._send_writes()
            self._executor.shutdown(wait=True)
            self._executor = None
        self._publish()
        try:
            self.writer.close()
        except WarcWriteError as exc:  # left .open, repaired on the next start
            logger.error("Could not close the WARC file: %s", exc)
            raise_status(self.crawler.stats, FAILED, f"WARC close failed ({exc})")
        self.writer_files = list(self.writer.files)
        known = {
            name: lines
            for name, lines in self.writer.index_lines.items()
            if name not in self.writer.unindexed
        }
        self.writer = None
        # a distributed worker killed meanwhile left its file open: whoever finds it repairs it
        self._repair()
        if self.index_path:
            from archive.cdxj import index_parts, merge_index, unindexed  # surt: when indexing

            try:
                files = sorted({*self.writer_files, *unindexed(self.directory, self.index_path)})
                # our spider and Scrapy's robots.txt fetches make GET requests only
                if self.merge_index:
                    lines = merge_index(files, self.index_path, gets_only=True, known=known)
                else:
                    index_parts(files, self.index_path, gets_only=True, known=known)
            except Exception as exc:  # the index can be rebuilt; the WARCs are what matter
                logger.error("Could not update the CDXJ index %s: %r", self.index_path, exc)
            else:
                if self.merge_index:
                    logger.info("CDXJ index %s: %d captures", self.index_path, lines)
                else:
                    logger.info("CDXJ parts of %d WARC files in indexes/", len(files))

    def _count(self, key: str, value: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, value)

    def _write_failed(self, request: Request, exc: WarcWriteError) -> IgnoreRequest:
        """Count the failure, stop the crawl (once) and refuse the page."""
        self._count("warc/write_error")
        if not self.stopping:
            self.stopping = True
            reason = f"WARC write failed ({exc}); free space and run the same command to resume"
            logger.error("Stopping the crawl: %s", reason)
            raise_status(self.crawler.stats, FAILED, reason)
            assert self.crawler.engine is not None
            _schedule_coro(self.crawler.engine.close_spider_async(reason="warc_write_failed"))
        return IgnoreRequest(f"not archived: {request.url}")

    def _thread(self) -> ThreadPoolExecutor:
        """The one thread that writes records (one: the writer appends them in turn anyway)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="countynews-warc")
        return self._executor

    def _timed(self, started: float) -> None:
        self.seconds += time.thread_time() - started
        self._publish()

    def _publish(self) -> None:
        """The counters of the WARC thread's work into the stats (read in this thread)."""
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value("warc/seconds", round(self.seconds, 4))
            stats.set_value("warc/write_seconds", round(self.thread_seconds, 4))
            if self._records:
                stats.set_value("warc/records", self._records)
                stats.set_value("warc/bytes", self._bytes)

    def _write(
        self,
        writer: WarcWriter,
        req: HttpRequestData,
        resp: HttpResponseData,
        known: Any,
        date: str | None = None,
    ) -> RecordRef:
        """Build, compress and append the records; returns the response record's ref (run in
        the writing thread, which alone counts what it wrote)."""
        started = time.thread_time()
        try:
            if known is not None:
                ref = writer.write_revisit(
                    req, resp, refers_to_uri=known["url"], refers_to_date=known["date"], date=date
                )
            else:
                ref = writer.write_exchange(req, resp, date=date)
            self._records += 2
            self._bytes += ref.length
            return ref
        finally:
            self.thread_seconds += time.thread_time() - started
            self._written += 1

    def _send_writes(self) -> None:
        """Hand this turn's exchanges to the WARC thread in one task (one wake of it, not one
        a response)."""
        jobs, self._outbox = self._outbox, []
        if jobs and self.writer is not None:
            self._thread().submit(self._write_all, self.writer, jobs)

    def _write_all(
        self,
        writer: WarcWriter,
        jobs: list[tuple[HttpRequestData, HttpResponseData, Any, str, Future[RecordRef]]],
    ) -> None:
        """(In the WARC thread.) Write each exchange in turn, settling its future."""
        for req, resp, known, date, future in jobs:
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._write(writer, req, resp, known, date))
            except BaseException as exc:
                future.set_exception(exc)

    def _check_written(
        self, loop: asyncio.AbstractEventLoop, request: Request, future: Future[RecordRef]
    ) -> None:
        """(In the WARC thread.) A write that failed is handled on the reactor thread."""
        if future.exception() is not None:
            loop.call_soon_threadsafe(self._failed_later, request, future)

    def _failed_later(self, request: Request, future: Future[RecordRef]) -> None:
        """A write that failed after its page went on: stop the crawl (on the reactor thread);
        the page's item is dropped by the pipelines, which wait for its record."""
        exc = future.exception()
        if isinstance(exc, WarcWriteError):
            self._write_failed(request, exc)
        elif exc is not None:
            logger.error("Could not archive %s: %r", request.url, exc)

    async def process_response(self, request: Request, response: Response) -> Response:
        """Archive the exchange and pass the response on. Building, compressing and appending
        the records run in a thread of their own (zlib and hashlib release the GIL) and the
        response goes on at once with a :class:`PendingRecord` (``meta["warc_pending"]``): what
        is stored points at its records, so the pipelines wait for them before storing, and a
        page whose records could not be written is not stored. Waiting here instead held the
        download slot of every response whose records were queued behind a busy core, and the
        reactor then slept with nothing to do. Past ``MAX_QUEUED_WRITES`` queued writes a
        response waits for its own. Without a running asyncio loop the records are written
        here, and ``meta["warc"]`` holds their location."""
        if self.writer is None or "cached" in response.flags or ARCHIVED in response.flags:
            return response
        started = time.thread_time()
        req, resp = request_data(request), response_data(response)
        known = None
        if response.status == HTTPStatus.NOT_MODIFIED and "refresh_of" in request.meta:
            known = request.meta["refresh_of"]
            self._count("warc/revisit")
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            try:
                ref = self._write(self.writer, req, resp, known)
            except WarcWriteError as exc:
                raise self._write_failed(request, exc) from None
            request.meta["warc"] = {
                "file": ref.file,
                "offset": ref.offset,
                "length": ref.length,
                "record_id": ref.record_id,
                "date": ref.date,
            }
            self._timed(started)
            return response
        date = self.writer.date()
        future: Future[RecordRef] = Future()
        self._outbox.append((req, resp, known, date, future))
        if len(self._outbox) == 1:
            loop.call_soon(self._send_writes)
        self._queued += 1
        future.add_done_callback(functools.partial(self._check_written, loop, request))
        request.meta["warc_pending"] = PendingRecord(date, future)
        self._timed(started)
        if self._queued - self._written > MAX_QUEUED_WRITES:
            self._send_writes()
            try:
                await asyncio.wrap_future(future)
            except WarcWriteError as exc:
                raise IgnoreRequest(f"not archived: {request.url} ({exc})") from None
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if self.writer is None or isinstance(exception, IgnoreRequest):
            return
        started = time.thread_time()
        try:
            self.writer.write_request_only(request_data(request))
        except WarcWriteError as exc:
            raise self._write_failed(request, exc) from None
        self._count("warc/request_only")
        self._timed(started)
        if not isinstance(exception, TxConnectionRefused):
            logger.debug("Fetch failed, request archived: %s (%r)", request.url, exception)
