"""WARC storage for a crawl: one gzip member per record, ``.open`` files renamed on close.

The file is held open for the whole crawl under an exclusive ``fcntl.flock`` (so
``archive.recovery.recover`` leaves it alone), flushed after every record (a SIGKILL leaves
whole records plus at most one partial member, which recovery cuts off) and rotated once it
reaches ``max_size``. A record is built in memory and written with unbuffered writes; a write
that fails (``ENOSPC``, ``EIO``) is cut back to the last whole record and the writer refuses
every later write (:class:`WarcWriteError`), so a full disk never leaves a partial member
before later records.
"""

from __future__ import annotations

import fcntl
import io
import os
import re
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Self

from warcio.warcwriter import WARCWriter as _WarcioWriter

from archive.records import (
    REVISIT_PROFILES,
    Clock,
    HttpRequestData,
    HttpResponseData,
    IdMaker,
    RawHeaders,
    ascii_url,
    build_record,
    gzip_member,
    http_record_bytes,
    request_from,
    request_http_headers,
    response_from,
    response_http_headers,
    utc_now,
    warc_date,
    warcinfo_fields,
)
from archive.records import (
    make_record_id as new_record_id,
)

OPEN_SUFFIX = ".open"
INDEX_LINES_KEPT = 100_000  # CDXJ lines a writer keeps (~300 bytes each) before it stops


class WarcWriteError(OSError):
    """A record could not be written (disk full, I/O error): the file was cut back to its last
    whole record, and the writer writes nothing more."""


@dataclass(frozen=True)
class Revisit:
    """What a revisit record says of the capture it stands for (:meth:`WarcWriter.write_revisit`)."""

    refers_to_uri: str
    refers_to_date: str
    profile: str = "server-not-modified"
    payload_digest: str | None = None


@dataclass(frozen=True)
class BuiltExchange:
    """An exchange's two records, built and compressed but in no file yet: made by
    :func:`build_exchange` anywhere (a crawl makes them in its worker processes, off its event
    loop's process), written by :meth:`WarcWriter.append`."""

    first: bytes  # the response (or revisit) record's gzip member
    second: bytes  # its request record's
    record_id: str  # the first record's
    date: str
    index_head: str | None  # the first's CDXJ line but its place (None: the file is read back)
    seconds: float  # CPU seconds the building took


# warcio's record builder, for the records built with warcio itself (warcinfo, request-only,
# revisits): one a process, shared by every WarcWriter in it; its output buffer is swapped per
# record, so a record is written under _BUILDING (writers of two threads each hold only their own
# lock)
_BUILDER: _WarcioWriter | None = None
_BUILDING = threading.Lock()


def _builder() -> _WarcioWriter:
    global _BUILDER
    if _BUILDER is None:
        _BUILDER = _WarcioWriter(io.BytesIO(), gzip=True, warc_version="1.1")
    return _BUILDER


def _warcio_member(record: object) -> bytes:
    """A warcio record as one gzip member, in memory."""
    builder, member = _builder(), io.BytesIO()
    with _BUILDING:
        builder.out = member
        builder.write_record(record)
    return member.getvalue()


def build_exchange(
    request: HttpRequestData,
    response: HttpResponseData,
    date: str,
    index: bool = False,
    revisit: Revisit | None = None,
    make_record_id: IdMaker = new_record_id,
) -> BuiltExchange:
    """The response record (a revisit one with ``revisit``) and its request record of one
    exchange, dated ``date``, each compressed into its gzip member; with ``index``, the CDXJ
    line of the response but for its place in the file (``archive.cdxj.capture_head``).

    Responses and requests are built as bytes (:func:`archive.records.http_record_bytes`,
    warcio's output without its cost); revisits with warcio. Pure: no file, no clock."""
    started = time.thread_time()
    extra = {"WARC-IP-Address": response.ip_address} if response.ip_address else {}
    head: str | None = None
    if revisit is None:
        response_id, request_id = make_record_id(), make_record_id()
        record = http_record_bytes(
            "response",
            response.url,
            record_id=response_id,
            date=date,
            http_headers=response_http_headers(response),
            payload=response.body,
            extra=extra,
        )
        first = gzip_member(record)
        second = gzip_member(
            http_record_bytes(
                "request",
                request.url,
                record_id=request_id,
                date=date,
                http_headers=request_http_headers(request),
                payload=request.body,
                extra={"WARC-Concurrent-To": response_id},
            )
        )
        if index:
            from archive.cdxj import record_head  # surt: only where records are indexed

            try:
                head = record_head(record, len(first))
            except Exception:  # the file is read back when the crawl closes, as any file
                head = None
    else:
        if revisit.profile not in REVISIT_PROFILES:
            raise ValueError(f"unknown revisit profile {revisit.profile!r}")
        if revisit.profile == "identical-payload-digest" and not revisit.payload_digest:
            raise ValueError("identical-payload-digest revisit needs payload_digest")
        fields = {
            "WARC-Profile": REVISIT_PROFILES[revisit.profile],
            "WARC-Refers-To-Target-URI": ascii_url(revisit.refers_to_uri),
            "WARC-Refers-To-Date": revisit.refers_to_date,
        }
        if revisit.payload_digest:
            fields["WARC-Payload-Digest"] = revisit.payload_digest
        response_id = make_record_id()
        builder = _builder()
        first = _warcio_member(
            build_record(
                builder,
                "revisit",
                response.url,
                record_id=response_id,
                date=date,
                http_headers=response_http_headers(response),
                extra={**fields, **extra},
            )
        )
        second = _warcio_member(
            build_record(
                builder,
                "request",
                request.url,
                record_id=make_record_id(),
                date=date,
                http_headers=request_http_headers(request),
                payload=request.body,
                extra={"WARC-Concurrent-To": response_id},
            )
        )
    return BuiltExchange(first, second, response_id, date, head, time.thread_time() - started)


# an HTTP library's request (method, URL, headers, body) and response (URL, status, headers,
# body, protocol, IP address), as plain values: a task's arguments cost less to pickle so
RawRequest = tuple[str, str, RawHeaders, bytes]
RawResponse = tuple[str, int, RawHeaders, bytes, "str | None", "str | None"]


def build_raw_exchange(
    request: RawRequest,
    response: RawResponse,
    date: str,
    index: bool = False,
    revisit: Revisit | None = None,
) -> BuiltExchange:
    """:func:`build_exchange` of an exchange given as plain values (``request_from``,
    ``response_from``): the crawl's worker processes build its records from these."""
    return build_exchange(request_from(*request), response_from(*response), date, index, revisit)


def build_raw_exchanges(
    exchanges: list[tuple[RawRequest, RawResponse, str, bool, Revisit | None]],
) -> list[BuiltExchange]:
    """:func:`build_raw_exchange` of each exchange (one task for the exchanges a crawl took in
    one turn of its event loop)."""
    return [build_raw_exchange(*exchange) for exchange in exchanges]


@dataclass(frozen=True)
class RecordRef:
    """Where a record sits: final file basename, byte offset and length of its gzip member."""

    file: str
    offset: int
    length: int
    record_id: str
    date: str


DEFAULT_MAX_SIZE = 1_000_000_000  # bytes: a file is closed and the next opened past this


def host_label(hostname: str) -> str:
    """The host name as WARC file names carry it."""
    return re.sub(r"[^A-Za-z0-9.]+", "_", hostname) or "host"


def _software() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"countynews/{version('county-news-crawler')}"
    except PackageNotFoundError:  # archive/ used on its own
        return "countynews"


class WarcWriter:
    """Append HTTP exchanges to rotating ``.warc.gz`` files in ``directory``.

    File names are ``{prefix}-{YYYYmmddHHMMSSffffff}-{serial:05d}-{host}-{pid}.warc.gz``,
    unique across processes and machines. ``info`` goes into each file's warcinfo record.
    ``make_record_id`` and ``now`` make ids and dates injectable for tests. With ``index``, the
    CDXJ line of every response written by :meth:`write_exchange` is kept in ``index_lines``
    (by file name; ``archive.cdxj.place_line``), and a file that got an indexed record of
    another kind (a revisit) is named in ``unindexed``: its lines come from reading it back.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        prefix: str = "crawl",
        max_size: int = DEFAULT_MAX_SIZE,
        info: dict[str, str] | None = None,
        make_record_id: IdMaker | None = None,
        now: Clock | None = None,
        index: bool = False,
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_size = max_size
        self.info = dict(info or {})
        self._make_id = make_record_id or new_record_id
        self._now = now or utc_now
        self._host = host_label(socket.gethostname())
        self._serial = 0
        self._fh: BinaryIO | None = None
        self._size = 0
        self._path: Path | None = None
        self._lock = threading.Lock()
        self.files: list[Path] = []
        self.failed: OSError | None = None
        self.index = index
        self.index_lines: dict[str, list[str]] = {}
        self.unindexed: set[str] = set()
        self._lines_kept = 0

    # -- file lifecycle -------------------------------------------------------------------
    def _open(self) -> None:
        stamp = self._now().strftime("%Y%m%d%H%M%S%f")
        name = f"{self.prefix}-{stamp}-{self._serial:05d}-{self._host}-{os.getpid()}.warc.gz"
        self._serial += 1
        path = self.directory / name
        # unbuffered: a failed write leaves nothing in a buffer to be flushed after the cut;
        # made and locked under a name recovery does not look at, then renamed: another crawl's
        # repair of this folder never meets it unlocked and empty (it would remove it)
        making = path.with_name(f".{path.name}{OPEN_SUFFIX}.new")
        fh = open(making, "xb", buffering=0)  # noqa: SIM115 - held for the file
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.replace(making, str(path) + OPEN_SUFFIX)
        self._fh, self._path = fh, path
        self._size = 0  # bytes in the file (kept here: FileIO.tell() is a system call)
        info = {
            "software": _software(),
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
            "warc-format/warc-1.1/",
            "hostname": socket.gethostname(),
            **self.info,
        }
        record = build_record(
            _builder(),
            "warcinfo",
            "",
            record_id=self._make_id(),
            date=warc_date(self._now()),
            payload=warcinfo_fields(info),
            extra={"WARC-Filename": name},
            content_type="application/warc-fields",
        )
        self._write(record)

    def _close_file(self) -> None:
        if self._fh is None or self._path is None:
            return
        partial = str(self._path) + OPEN_SUFFIX
        if self._size == 0:  # not even its warcinfo record could be written
            os.unlink(partial)
            self._fh.close()
            self._fh = self._path = None
            return
        try:
            os.fsync(self._fh.fileno())
        except OSError as exc:  # left .open: recovery checks it on the next start
            self._fh.close()
            self._fh = self._path = None
            self.failed = self.failed or exc
            raise WarcWriteError(exc.errno, f"{partial}: {exc.strerror or exc}") from exc
        os.replace(partial, self._path)
        self._fh.close()  # releases the flock after the rename: recovery never sees it half-done
        self.files.append(self._path)
        self._fh = self._path = None

    def _ensure_file(self) -> None:
        if self.failed is not None:
            raise WarcWriteError(self.failed.errno, f"WARC writer stopped: {self.failed}")
        if self._fh is not None and self._size >= self.max_size:
            self._close_file()
        if self._fh is None:
            try:
                self._open()
            except WarcWriteError:
                raise
            except OSError as exc:
                self.failed = exc
                raise WarcWriteError(exc.errno, f"cannot open a WARC file: {exc}") from exc

    def _write(self, record: object) -> RecordRef:
        """Append one warcio record (warcinfo, request-only) as its gzip member."""
        if self.failed is not None:
            raise WarcWriteError(self.failed.errno, f"WARC writer stopped: {self.failed}")
        headers = record.rec_headers  # type: ignore[attr-defined]
        return self._write_member(
            _warcio_member(record),
            headers.get_header("WARC-Record-ID"),
            headers.get_header("WARC-Date"),
        )

    def _write_member(self, member: bytes, record_id: str, date: str) -> RecordRef:
        """Append one record's gzip member; a failed write is cut back (:class:`WarcWriteError`)."""
        assert self._fh is not None
        assert self._path is not None
        if self.failed is not None:
            raise WarcWriteError(self.failed.errno, f"WARC writer stopped: {self.failed}")
        data = memoryview(member)
        offset = self._size
        try:
            written = 0
            while written < len(data):  # a short write (disk nearly full) is followed up
                written += self._fh.write(data[written:]) or 0
        except OSError as exc:
            self._cut(offset, exc)
            raise WarcWriteError(exc.errno, f"{self._path.name}: {exc.strerror or exc}") from exc
        finally:
            data.release()
        self._size = offset + len(member)
        return RecordRef(self._path.name, offset, len(member), record_id, date)

    def _cut(self, offset: int, exc: OSError) -> None:
        """Cut the file back to ``offset`` (its last whole record) after a failed write."""
        assert self._fh is not None
        self.failed = exc
        os.ftruncate(self._fh.fileno(), offset)  # frees space: works on a full disk
        self._fh.seek(offset)
        self._size = offset

    def close(self) -> None:
        """Close (fsync and rename) the current file. The writer may be used again after, unless
        a write failed."""
        with self._lock:
            self._close_file()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- records --------------------------------------------------------------------------
    def _request_record(
        self, request: HttpRequestData, date: str, concurrent_to: str | None
    ) -> object:
        extra = {"WARC-Concurrent-To": concurrent_to} if concurrent_to else {}
        return build_record(
            _builder(),
            "request",
            request.url,
            record_id=self._make_id(),
            date=date,
            http_headers=request_http_headers(request),
            payload=request.body,
            extra=extra,
        )

    def date(self) -> str:
        """The ``WARC-Date`` a record written now would get (the writer's clock)."""
        return warc_date(self._now())

    def write_exchange(
        self, request: HttpRequestData, response: HttpResponseData, date: str | None = None
    ) -> RecordRef:
        """Write a response record then its request record; return the response's ref.
        ``date``: their ``WARC-Date`` (default: now), for a caller that took it beforehand."""
        with self._lock:
            self._ensure_file()  # a new file's warcinfo is dated before the records in it
            built = build_exchange(
                request,
                response,
                date or self.date(),
                index=self.index,
                make_record_id=self._make_id,
            )
            return self._append(built)

    def write_revisit(
        self,
        request: HttpRequestData,
        response: HttpResponseData,
        refers_to_uri: str,
        refers_to_date: str,
        profile: str = "server-not-modified",
        payload_digest: str | None = None,
        date: str | None = None,
    ) -> RecordRef:
        """Write a revisit record (HTTP headers only) then its request record.

        ``profile`` is ``server-not-modified`` (a 304 answer) or ``identical-payload-digest``
        (needs ``payload_digest``, the stored capture's ``sha1:...``). ``date`` as for
        :meth:`write_exchange`.
        """
        revisit = Revisit(refers_to_uri, refers_to_date, profile, payload_digest)
        with self._lock:
            self._ensure_file()
            built = build_exchange(
                request,
                response,
                date or self.date(),
                revisit=revisit,
                make_record_id=self._make_id,
            )
            return self._append(built)

    def append(self, built: BuiltExchange) -> RecordRef:
        """Write an exchange's records (:func:`build_exchange`) whole, or neither; return the
        first's ref. Its CDXJ line is kept with ``index`` (a record built without its line, a
        revisit, has its file read back when the crawl closes: ``unindexed``)."""
        with self._lock:
            return self._append(built)

    def _append(self, built: BuiltExchange) -> RecordRef:
        self._ensure_file()
        # both members in one write: a failed one is cut back to before the first
        pair = self._write_member(built.first + built.second, built.record_id, built.date)
        ref = RecordRef(pair.file, pair.offset, len(built.first), pair.record_id, pair.date)
        if self.index:
            self._index(built.index_head, ref)
        return ref

    def _index(self, head: str | None, ref: RecordRef) -> None:
        from archive.cdxj import place_line

        # memory: past the bound, the rest is read back at the end
        if head is None or self._lines_kept >= INDEX_LINES_KEPT:
            self.unindexed.add(ref.file)
            return
        self.index_lines.setdefault(ref.file, []).append(place_line(head, ref.file, ref.offset))
        self._lines_kept += 1

    def write_request_only(self, request: HttpRequestData) -> RecordRef:
        """Write the request record of a fetch that got no response (DNS error, timeout)."""
        with self._lock:
            self._ensure_file()
            return self._write(self._request_record(request, warc_date(self._now()), None))
