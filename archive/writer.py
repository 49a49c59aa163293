"""WARC storage for a crawl: one gzip member per record, ``.open`` files renamed on close.

The file is held open for the whole crawl under an exclusive ``fcntl.flock`` (so
``archive.recovery.recover`` leaves it alone), flushed after every record (a SIGKILL leaves
whole records plus at most one partial member, which recovery cuts off) and rotated once it
reaches ``max_size``.
"""

from __future__ import annotations

import fcntl
import os
import re
import socket
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Self

from warcio.warcwriter import GzippingWrapper
from warcio.warcwriter import WARCWriter as _WarcioWriter

from archive.records import (
    REVISIT_PROFILES,
    Clock,
    HttpRequestData,
    HttpResponseData,
    IdMaker,
    ascii_url,
    build_record,
    request_http_headers,
    response_http_headers,
    utc_now,
    warc_date,
    warcinfo_fields,
)
from archive.records import (
    make_record_id as new_record_id,
)

OPEN_SUFFIX = ".open"


class _LevelSixGzip(GzippingWrapper):
    """One gzip member at zlib's default level 6, where warcio uses 9: a quarter less time per
    record on the reactor thread for files a few bytes in 10,000 larger (bodies mostly arrive
    gzip-compressed already)."""

    def __init__(self, out: BinaryIO) -> None:
        self.compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.out = out


class _MemberWriter(_WarcioWriter):
    """warcio's writer, each record compressed by :class:`_LevelSixGzip` (made with
    ``gzip=False`` so warcio does not wrap it a second time)."""

    def _write_warc_record(self, out: BinaryIO, record: object) -> None:
        super()._write_warc_record(_LevelSixGzip(out), record)


@dataclass(frozen=True)
class RecordRef:
    """Where a record sits: final file basename, byte offset and length of its gzip member."""

    file: str
    offset: int
    length: int
    record_id: str
    date: str


DEFAULT_MAX_SIZE = 1_000_000_000  # bytes: a file is closed and the next opened past this


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
    ``make_record_id`` and ``now`` make ids and dates injectable for tests.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        prefix: str = "crawl",
        max_size: int = DEFAULT_MAX_SIZE,
        info: dict[str, str] | None = None,
        make_record_id: IdMaker | None = None,
        now: Clock | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_size = max_size
        self.info = dict(info or {})
        self._make_id = make_record_id or new_record_id
        self._now = now or utc_now
        self._host = re.sub(r"[^A-Za-z0-9.]+", "_", socket.gethostname()) or "host"
        self._serial = 0
        self._fh: BinaryIO | None = None
        self._path: Path | None = None
        self._name = ""  # the file name of _path, kept for every record's RecordRef
        self._warc: _WarcioWriter | None = None
        self._lock = threading.Lock()
        self.files: list[Path] = []

    # -- file lifecycle -------------------------------------------------------------------
    def _open(self) -> None:
        stamp = self._now().strftime("%Y%m%d%H%M%S%f")
        name = f"{self.prefix}-{stamp}-{self._serial:05d}-{self._host}-{os.getpid()}.warc.gz"
        self._serial += 1
        path = self.directory / name
        fh = open(str(path) + OPEN_SUFFIX, "xb")  # noqa: SIM115 - held for the whole file
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._fh, self._path, self._name = fh, path, name
        self._warc = _MemberWriter(fh, gzip=False, warc_version="1.1")
        info = {
            "software": _software(),
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
            "warc-format/warc-1.1/",
            "hostname": socket.gethostname(),
            **self.info,
        }
        record = build_record(
            self._warc,
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
        self._fh.flush()
        os.fsync(self._fh.fileno())
        os.replace(str(self._path) + OPEN_SUFFIX, self._path)
        self._fh.close()  # releases the flock after the rename: recovery never sees it half-done
        self.files.append(self._path)
        self._fh = self._path = self._warc = None

    def _ensure_file(self) -> None:
        if self._fh is not None and self._fh.tell() >= self.max_size:
            self._close_file()
        if self._fh is None:
            self._open()

    def _write(self, record: object) -> RecordRef:
        assert self._fh is not None
        assert self._warc is not None
        assert self._path is not None
        offset = self._fh.tell()
        self._warc.write_record(record)  # one gzip member, flushed to the OS
        headers = record.rec_headers  # type: ignore[attr-defined]
        return RecordRef(
            file=self._name,
            offset=offset,
            length=self._fh.tell() - offset,
            record_id=headers.get_header("WARC-Record-ID"),
            date=headers.get_header("WARC-Date"),
        )

    def close(self) -> None:
        """Close (fsync and rename) the current file. The writer may be used again after."""
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
            self._warc,
            "request",
            request.url,
            record_id=self._make_id(),
            date=date,
            http_headers=request_http_headers(request),
            payload=request.body,
            extra=extra,
        )

    def write_exchange(self, request: HttpRequestData, response: HttpResponseData) -> RecordRef:
        """Write a response record then its request record; return the response's ref."""
        with self._lock:
            self._ensure_file()
            date = warc_date(self._now())
            extra = {"WARC-IP-Address": response.ip_address} if response.ip_address else {}
            record = build_record(
                self._warc,
                "response",
                response.url,
                record_id=self._make_id(),
                date=date,
                http_headers=response_http_headers(response),
                payload=response.body,
                extra=extra,
            )
            ref = self._write(record)
            self._write(self._request_record(request, date, ref.record_id))
            return ref

    def write_revisit(
        self,
        request: HttpRequestData,
        response: HttpResponseData,
        refers_to_uri: str,
        refers_to_date: str,
        profile: str = "server-not-modified",
        payload_digest: str | None = None,
    ) -> RecordRef:
        """Write a revisit record (HTTP headers only) then its request record.

        ``profile`` is ``server-not-modified`` (a 304 answer) or ``identical-payload-digest``
        (needs ``payload_digest``, the stored capture's ``sha1:...``).
        """
        if profile not in REVISIT_PROFILES:
            raise ValueError(f"unknown revisit profile {profile!r}")
        if profile == "identical-payload-digest" and not payload_digest:
            raise ValueError("identical-payload-digest revisit needs payload_digest")
        with self._lock:
            self._ensure_file()
            date = warc_date(self._now())
            extra = {
                "WARC-Profile": REVISIT_PROFILES[profile],
                "WARC-Refers-To-Target-URI": ascii_url(refers_to_uri),
                "WARC-Refers-To-Date": refers_to_date,
            }
            if payload_digest:
                extra["WARC-Payload-Digest"] = payload_digest
            if response.ip_address:
                extra["WARC-IP-Address"] = response.ip_address
            record = build_record(
                self._warc,
                "revisit",
                response.url,
                record_id=self._make_id(),
                date=date,
                http_headers=response_http_headers(response),
                extra=extra,
            )
            ref = self._write(record)
            self._write(self._request_record(request, date, ref.record_id))
            return ref

    def write_request_only(self, request: HttpRequestData) -> RecordRef:
        """Write the request record of a fetch that got no response (DNS error, timeout)."""
        with self._lock:
            self._ensure_file()
            return self._write(self._request_record(request, warc_date(self._now()), None))
