"""WarcCaptureMiddleware: every request and response, as received, into WARC files.

Registered by ``crawler.addons.ArchiveAddon`` next to the downloader (see the priority there),
so it sees the body before decompression and every redirect, 404 and robots.txt answer. It
never changes the request or the response; it puts the response record's location into
``request.meta["warc"]`` for the spider to copy into the ``Page``, or, while the records are
still being built in a worker process, a :class:`PendingRecord` into
``request.meta["warc_pending"]``: the page goes on at once (its links are followed, its article
extracted) and the pipelines wait for the location before anything is stored. Responses that
come from the archive already (flagged ``cached`` by Scrapy's HTTP cache, :data:`ARCHIVED` by
``crawler.middlewares.warc_resume``) are not written again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections import deque
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import _schedule_coro
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefused

from archive import WarcWriter, recover
from archive.records import request_from
from archive.writer import (
    BuiltExchange,
    RawRequest,
    RawResponse,
    RecordRef,
    Revisit,
    WarcWriteError,
    build_raw_exchange,
    build_raw_exchanges,
)
from crawler import __version__
from crawler.extensions.workers import WorkerPool
from crawler.settings import data_dir, warc_dir
from crawler.status import FAILED, raise_status

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

# the flag of a response rebuilt from a record of our WARCs (its meta["warc"] points there)
ARCHIVED = "archived"


def raw_request(request: Request) -> RawRequest:
    """``request`` as plain values (its headers not yet decoded: that is done where its records
    are built)."""
    # the dict's own items: Scrapy's Headers.items() copies each value list through getlist()
    return (request.method, request.url, list(dict.items(request.headers)), request.body or b"")


def raw_response(response: Response) -> RawResponse:
    """``response`` as plain values, as :func:`raw_request`."""
    ip = getattr(response, "ip_address", None)
    return (
        response.url,
        response.status,
        list(dict.items(response.headers)),
        response.body,
        response.protocol,
        str(ip) if ip is not None else None,
    )


class PendingRecord:
    """A response's records on their way to the WARC file: their ``WARC-Date`` is known at
    once, their place in the file once written (:meth:`location`)."""

    __slots__ = ("date", "future")

    def __init__(self, date: str, future: asyncio.Future[RecordRef]) -> None:
        self.date, self.future = date, future

    async def location(self) -> dict[str, Any]:
        """``{"file", "offset", "length"}`` of the response record, once on disk; raises
        :class:`WarcWriteError` when it could not be written."""
        ref = await self.future
        return {"file": ref.file, "offset": ref.offset, "length": ref.length}


class _Exchange:
    """One exchange on its way: the arguments of its build, the build (a worker's future of the
    records of the exchanges sent with it; None until sent) and the future of its place in the
    file."""

    __slots__ = ("args", "built", "placed", "position", "request")

    def __init__(
        self,
        request: Request,
        args: tuple[RawRequest, RawResponse, str, bool, Revisit | None],
        placed: asyncio.Future[RecordRef],
    ) -> None:
        self.request, self.args, self.placed = request, args, placed
        self.built: asyncio.Future[list[BuiltExchange]] | None = None
        self.position = 0


# exchanges on their way before a response waits for its own (memory: each holds its body; a
# slow disk or busy workers then slow downloading instead of filling the memory), at least: as
# many as the article pages the crawl lets wait for the pipelines (STORE_MAX_PENDING), since
# records are built in the workers behind the pages being extracted, and wait as long as they
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
    ``warc/write_error``, ``warc/repair/records_lost``, ``warc/held`` (responses that waited
    for their own records: ``MAX_QUEUED_WRITES`` were on their way), ``warc/seconds`` (CPU of
    the reactor thread archiving), ``warc/write_seconds`` (CPU building records, in the
    workers).

    A failed write (a full disk, an I/O error) stops the crawl (reason ``warc_write_failed``,
    exit status 2): a page that cannot be archived is not stored (the pipelines drop it when its
    :class:`PendingRecord` fails), and the writer has cut its file back to the last whole record.
    Running the same command once space is back resumes.
    """

    def __init__(self, crawler: Crawler, directory: str, prefix: str, max_size: int) -> None:
        self.crawler = crawler
        self.directory, self.prefix, self.max_size = directory, prefix, max_size
        self.writer: WarcWriter | None = None
        # CPU seconds of the reactor thread archiving (stat warc/seconds: taking the exchange,
        # appending its records): not wall time, which would count the waits for the GIL
        self.seconds = 0.0
        # CPU seconds building and compressing records, in whichever process (stat
        # warc/write_seconds)
        self.build_seconds = 0.0
        self.pool: WorkerPool | None = None
        # exchanges sent to be built, in the order their records go into the file
        self._exchanges: deque[_Exchange] = deque()
        self._outbox: list[_Exchange] = []  # taken in this turn of the loop, sent together
        self._records = 0
        self._bytes = 0
        self.index_path: str | None = None
        self.merge_index = True
        self.stopping = False
        self.pages_pending = 0  # STORE_MAX_PENDING

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        mw = cls(
            crawler,
            str(warc_dir(settings)),
            settings.get("WARC_PREFIX"),
            settings.getint("WARC_MAX_SIZE"),
        )
        mw.pages_pending = settings.getint("STORE_MAX_PENDING")
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
        self.pool = self.crawler.get_extension(WorkerPool)

    def spider_closed(self) -> None:
        if self.writer is None:
            return
        self._append_all()  # the records on their way are written first
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

    def _timed(self, started: float) -> None:
        self.seconds += time.thread_time() - started

    def _publish(self) -> None:
        """The archiving counters into the stats (the reactor thread's and the workers' CPU)."""
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value("warc/seconds", round(self.seconds, 4))
            stats.set_value("warc/write_seconds", round(self.build_seconds, 4))
            if self._records:
                stats.set_value("warc/records", self._records)
                stats.set_value("warc/bytes", self._bytes)

    def _send(self) -> None:
        """Send the exchanges taken in this turn of the loop to be built, as one task."""
        batch, self._outbox = self._outbox, []
        if not batch or self.pool is None or self.writer is None:
            return
        started = time.thread_time()
        built = self.pool.submit(build_raw_exchanges, [exchange.args for exchange in batch])
        for position, exchange in enumerate(batch):
            exchange.built, exchange.position = built, position
        built.add_done_callback(self._built)
        self._timed(started)

    def _built(self, _: object = None) -> None:
        """Append, in the order they were taken, the exchanges whose records are built."""
        started = time.thread_time()
        while self.writer is not None and self._exchanges:
            built = self._exchanges[0].built
            if built is None or not built.done():
                break
            self._append(self._exchanges.popleft())
        self._timed(started)
        self._publish()

    def _append(self, exchange: _Exchange) -> None:
        """Append an exchange's records (built by a worker, or here when no worker could: it
        died on them, the pool closed before) and settle its place: a failed write settles it
        with the error and stops the crawl."""
        assert self.writer is not None
        built = exchange.built
        try:
            if (
                built is not None
                and built.done()
                and not built.cancelled()
                and not built.exception()
            ):
                records = built.result()[exchange.position]
            else:
                records = build_raw_exchange(*exchange.args)
            self.build_seconds += records.seconds
            ref = self.writer.append(records)
        except Exception as exc:
            with contextlib.suppress(RuntimeError):  # a test's loop has ended: nobody awaits
                exchange.placed.set_exception(exc)
                exchange.placed.exception()  # no log when no pipeline awaits it (a list page)
            if isinstance(exc, WarcWriteError):
                self._write_failed(exchange.request, exc)
            else:
                logger.error("Could not archive %s: %r", exchange.request.url, exc)
            return
        self._written(ref)
        with contextlib.suppress(RuntimeError):
            exchange.placed.set_result(ref)

    def _written(self, ref: RecordRef) -> None:
        """Count an exchange's two records, written."""
        self._records += 2
        self._bytes += ref.length

    def _append_all(self) -> None:
        """(Closing.) Append every exchange still on its way, built here when not yet built."""
        started = time.thread_time()
        self._outbox = []
        while self.writer is not None and self._exchanges:
            exchange = self._exchanges.popleft()
            if exchange.built is not None and not exchange.built.done():
                exchange.built.remove_done_callback(self._built)
                with contextlib.suppress(RuntimeError):  # its loop has ended (a test's)
                    exchange.built.cancel()
            self._append(exchange)
        self._timed(started)

    async def process_response(self, request: Request, response: Response) -> Response:
        """Archive the exchange and pass the response on. Building its records (the record
        bytes, their digests, their compression, the CDXJ line) runs in a worker process of the
        crawl's pool, off this process and its GIL (the exchanges of one turn of the event loop
        in one task); the response goes on at once with a :class:`PendingRecord`
        (``meta["warc_pending"]``), and the records are appended to the file here, in the order
        the responses came, once built. What is stored points at its records, so the pipelines
        wait for them before storing, and a page whose records could not be written is not
        stored. Past ``MAX_QUEUED_WRITES`` exchanges on their way (or ``STORE_MAX_PENDING``,
        when more) a response waits for its own. A build whose worker died is done here again.
        Without a running asyncio loop or a pool the records are built and written here, and
        ``meta["warc"]`` holds their location."""
        if self.writer is None or "cached" in response.flags or ARCHIVED in response.flags:
            return response
        started = time.thread_time()
        req, resp = raw_request(request), raw_response(response)
        revisit = None
        if response.status == HTTPStatus.NOT_MODIFIED and "refresh_of" in request.meta:
            known = request.meta["refresh_of"]
            revisit = Revisit(known["url"], known["date"])
            self._count("warc/revisit")
        args = (req, resp, self.writer.date(), self.writer.index, revisit)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or self.pool is None:
            try:
                built = build_raw_exchange(*args)
                self.build_seconds += built.seconds
                ref = self.writer.append(built)
            except WarcWriteError as exc:
                raise self._write_failed(request, exc) from None
            self._written(ref)
            request.meta["warc"] = {
                "file": ref.file,
                "offset": ref.offset,
                "length": ref.length,
                "record_id": ref.record_id,
                "date": ref.date,
            }
            self._timed(started)
            self._publish()
            return response
        exchange = _Exchange(request, args, loop.create_future())
        self._exchanges.append(exchange)
        self._outbox.append(exchange)
        if len(self._outbox) == 1:
            loop.call_soon(self._send)
        request.meta["warc_pending"] = PendingRecord(args[2], exchange.placed)
        self._timed(started)
        if len(self._exchanges) > max(MAX_QUEUED_WRITES, self.pages_pending):
            self._send()
            self._count("warc/held")
            try:
                await exchange.placed
            except WarcWriteError as exc:
                raise IgnoreRequest(f"not archived: {request.url} ({exc})") from None
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if self.writer is None or isinstance(exception, IgnoreRequest):
            return
        started = time.thread_time()
        try:
            self.writer.write_request_only(request_from(*raw_request(request)))
        except WarcWriteError as exc:
            raise self._write_failed(request, exc) from None
        self._count("warc/request_only")
        self._timed(started)
        if not isinstance(exception, TxConnectionRefused):
            logger.debug("Fetch failed, request archived: %s (%r)", request.url, exception)
