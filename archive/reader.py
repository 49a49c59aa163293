"""Read captures back from WARC files written by any tool (replay's input).

Reads ``.warc.gz`` (one gzip member per record, or gzipped as a whole) and plain ``.warc``;
wget's ``<url>`` Target-URIs, kept chunked framing, Heritrix/Browsertrix revisits. Bad records
become counted skips (``ReadStats.skipped[reason]``) with a ``file:offset: reason`` line in
``ReadStats.errors``; reading resumes at the next readable record and never raises.

FastWARC reads (gzip and WARC headers in C) as long as each record proves whole: its gzip
member's ISIZE, or its span in a plain file, equals the length its headers and Content-Length
give. From the first record that does not (or where FastWARC stops), the forgiving parser of
``archive.parse`` takes over, so damaged files are read and counted exactly as before.
"""

from __future__ import annotations

import base64
import hashlib
import mmap
import os
from collections import Counter
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archive.parse import (
    GZIP_MAGIC,
    Buffer,
    ParseError,
    RawRecord,
    content_decode,
    dechunk,
    iter_members,
    parse_header_lines,
    parse_http,
    parse_record,
    parse_status,
    skip_blank,
)

MAX_BODY = 256 * 1024 * 1024  # decoded body bound: a gzip bomb is a counted skip
_WARC_SUFFIXES = (".warc", ".warc.gz")


@dataclass
class Capture:
    """One HTTP capture: a response (or revisit) record with its decoded payload.

    ``body`` is de-chunked and content-decoded; ``headers`` are the HTTP response headers with
    ``Transfer-Encoding``/``Content-Encoding`` removed where the body was decoded (as Scrapy's
    HttpCompressionMiddleware does). ``file``/``offset``/``length`` locate the record.
    """

    url: str
    date: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    file: str
    offset: int
    length: int
    record_type: str = "response"
    refers_to_uri: str | None = None
    refers_to_date: str | None = None
    payload_digest: str | None = None
    ip: str | None = None
    record_id: str | None = None

    def header(self, name: str) -> str | None:
        """First value of an HTTP header, case-insensitive."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)


@dataclass
class ReadStats:
    """Counts of one read: records parsed, captures yielded, skips by reason, error lines."""

    records: int = 0
    captures: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def skip(self, file: str, offset: int, reason: str, detail: str = "") -> None:
        self.skipped[reason] += 1
        self.errors.append(f"{file}:{offset}: {reason}" + (f" ({detail})" if detail else ""))


def _strip_uri(uri: str | None) -> str:
    uri = (uri or "").strip()
    if uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1]
    return uri


def _check_digest(digest: str | None, *payloads: bytes) -> None:
    """Raise ``bad_digest`` unless a sha1 ``digest`` matches one of ``payloads``."""
    if not digest or not digest.lower().startswith("sha1:"):
        return  # absent or another algorithm: nothing to check
    expected = digest[5:].strip().upper()
    for payload in payloads:
        sha = hashlib.sha1(payload).digest()
        if expected in (base64.b32encode(sha).decode(), sha.hex().upper()):
            return
    raise ParseError("bad_digest", f"WARC-Payload-Digest {digest} does not match the payload")


def to_capture(
    raw: RawRecord,
    file: str,
    offset: int,
    length: int,
    max_body: int = MAX_BODY,
    verify_digest: bool = False,
    decode: bool = True,
) -> Capture:
    """Build a ``Capture`` from a parsed record (raises ``ParseError`` on a bad HTTP block).

    With ``verify_digest``, a response whose sha1 ``WARC-Payload-Digest`` matches neither the
    de-chunked nor the framed payload is a ``bad_digest`` error. Without ``decode``, the body
    and headers stay as received (``Content-Encoding`` kept, only transfer framing removed).
    """
    rtype = (raw.get("WARC-Type") or "").lower()
    status, headers, body = 0, [], raw.block
    content_type = (raw.get("Content-Type") or "").lower()
    if rtype == "resource" or (rtype == "revisit" and not raw.block.strip()):
        if rtype == "resource":
            status = 200
            headers = [("Content-Type", raw.get("Content-Type") or "application/octet-stream")]
        else:
            body = b""
    elif raw.block.startswith(b"HTTP/") or "application/http" in content_type:
        start, headers, body = parse_http(raw.block)
        if rtype in ("response", "revisit"):
            status = parse_status(start)
        names = {k.lower(): v for k, v in headers}
        framed = body
        if "chunked" in names.get("transfer-encoding", "").lower():
            body = dechunk(body)
            headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
        if verify_digest and rtype == "response":
            _check_digest(raw.get("WARC-Payload-Digest"), body, framed)
        coding = names.get("content-encoding", "") if decode else ""
        if coding and body:
            body = content_decode(body, coding, max_body)
            headers = [(k, v) for k, v in headers if k.lower() != "content-encoding"]
        if rtype == "revisit":
            body = b""
    if len(body) > max_body:
        raise ParseError("too_large", f"body of {len(body)} bytes")
    return Capture(
        url=_strip_uri(raw.get("WARC-Target-URI")),
        date=raw.get("WARC-Date") or "",
        status=status,
        headers=headers,
        body=body,
        file=file,
        offset=offset,
        length=length,
        record_type=rtype,
        refers_to_uri=_strip_uri(raw.get("WARC-Refers-To-Target-URI")) or None,
        refers_to_date=raw.get("WARC-Refers-To-Date"),
        payload_digest=raw.get("WARC-Payload-Digest"),
        ip=raw.get("WARC-IP-Address"),
        record_id=raw.get("WARC-Record-ID"),
    )


def _find_next_record(data: Buffer, pos: int) -> int:
    nxt = data.find(b"WARC/1.", pos + 1)
    return len(data) if nxt == -1 else nxt


def _whole(buf: Buffer, offset: int, end: int, size: int, gzipped: bool) -> bool:
    """True when the record of ``size`` bytes uncompressed spans exactly ``offset:end``: in a
    gzip file, one member whose ISIZE trailer (size mod 2**32) says so."""
    if not gzipped:
        return end - offset == size
    return (
        end - offset >= 18
        and buf[offset : offset + 3] == GZIP_MAGIC
        and int.from_bytes(buf[end - 4 : end], "little") == size & 0xFFFFFFFF
    )


def _iter_fast(path: Path, buf: Buffer) -> Generator[tuple[RawRecord, int, int], None, int]:
    """The records FastWARC reads that prove whole (see the module docstring); returns the
    offset where the forgiving parser must take over (``len(buf)``: nowhere)."""
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
    except ImportError:  # pragma: no cover - fastwarc is a dependency
        return 0
    gzipped = buf[:2] == b"\x1f\x8b"
    pending: tuple[RawRecord, int, int] | None = None  # record, offset, uncompressed size
    try:
        records = ArchiveIterator(
            str(path), record_types=WarcRecordType.any_type, parse_http=False, fsspec_args=False
        )
        for record in records:
            offset = record.stream_pos
            if pending is not None:
                if not _whole(buf, pending[1], offset, pending[2], gzipped):
                    return pending[1]
                yield pending[0], pending[1], offset - pending[1]
            headers = record.headers
            lines = [headers.status_line_bytes or b""]
            lines += [key + b": " + value for key, value in headers.items_bytes()]
            head = b"\r\n".join(lines)
            length = record.content_length
            if not head.isascii() or length > MAX_BODY * 2:
                return offset  # left to the forgiving parser: its decoding, its size limit
            text = head.decode("ascii")
            version, _, rest = text.partition("\r\n")
            raw = RawRecord(version.strip(), parse_header_lines(rest), record.reader.read())
            # header lines, a blank line, the block and the two CRLFs that end a record
            pending = (raw, offset, len(head) + 4 + length + 4)
    except (OSError, ValueError):
        return pending[1] if pending is not None else 0
    if pending is None:
        return 0
    if not _whole(buf, pending[1], len(buf), pending[2], gzipped):
        return pending[1]
    yield pending[0], pending[1], len(buf) - pending[1]
    return len(buf)


def _iter_raw(
    buf: Buffer, name: str, stats: ReadStats, path: Path | None = None
) -> Iterator[tuple[RawRecord, int, int]]:
    """(record, offset, length) of every readable record in the file's bytes; FastWARC first
    when ``path`` is given."""
    start = 0
    if path is not None:
        start = yield from _iter_fast(path, buf)
        if start >= len(buf):
            return
    if buf[:2] == b"\x1f\x8b":
        for member in iter_members(buf, start, limit=MAX_BODY * 2):
            if member.error is not None:
                stats.skip(name, member.offset, member.error.reason, member.error.detail)
                continue
            data = member.data or b""
            pos = skip_blank(data, 0)
            while pos < len(data):
                try:
                    raw, pos = parse_record(data, pos)
                except ParseError as exc:
                    stats.skip(name, member.offset, exc.reason, exc.detail)
                    break
                yield raw, member.offset, member.length
                pos = skip_blank(data, pos)
        return
    pos = start
    while pos < len(buf):
        start = skip_blank(buf, pos)
        if start >= len(buf):
            return
        try:
            raw, pos = parse_record(buf, start)
        except ParseError as exc:
            stats.skip(name, start, exc.reason, exc.detail)
            pos = _find_next_record(buf, start)
            continue
        yield raw, start, pos - start


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """The WARC files among ``paths``, directories searched recursively, in sorted order."""
    for item in paths:
        path = Path(item)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.name.endswith(_WARC_SUFFIXES)
            )
        else:
            yield path


def _open_buffer(path: Path) -> Buffer:
    with path.open("rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return b""
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


def iter_captures(
    paths: Iterable[str | os.PathLike[str]],
    stats: ReadStats | None = None,
    types: Iterable[str] = ("response", "revisit"),
    max_body: int = MAX_BODY,
    verify_digests: bool = False,
) -> Iterator[Capture]:
    """Yield the captures of the given WARC files (or directories), in file order.

    A body that decodes to more than ``max_body`` bytes is skipped as ``too_large``; with
    ``verify_digests`` a payload that does not match its sha1 digest is skipped as
    ``bad_digest``.
    """
    stats = stats if stats is not None else ReadStats()
    wanted = {t.lower() for t in types}
    for path in iter_files(paths):
        name = path.name
        for raw, offset, length in iter_records(path, stats):
            if (raw.get("WARC-Type") or "").lower() not in wanted:
                continue
            try:
                capture = to_capture(raw, name, offset, length, max_body, verify_digests)
            except ParseError as exc:
                stats.skip(name, offset, exc.reason, exc.detail)
                continue
            stats.captures += 1
            yield capture


def iter_records(
    path: str | os.PathLike[str], stats: ReadStats | None = None
) -> Iterator[tuple[RawRecord, int, int]]:
    """(record, offset, length) of every readable record of one WARC file, of any type, its
    block as stored; skips counted in ``stats`` as by :func:`iter_captures`."""
    stats = stats if stats is not None else ReadStats()
    path = Path(path)
    try:
        buf = _open_buffer(path)
    except OSError as exc:
        stats.skip(str(path), 0, "unreadable_file", str(exc))
        return
    try:
        for record in _iter_raw(buf, path.name, stats, path):
            stats.records += 1
            yield record
    finally:
        if isinstance(buf, mmap.mmap):
            buf.close()


def read_record(
    file: str | os.PathLike[str], offset: int, *, decode: bool = True, verify_digest: bool = False
) -> Capture:
    """The capture at ``offset`` of ``file`` (a ``RecordRef``); raises ``ValueError`` if
    unreadable. ``decode`` and ``verify_digest`` as for :func:`to_capture`."""
    path = Path(file)
    buf = _open_buffer(path)
    try:
        if buf[offset : offset + 2] == b"\x1f\x8b":
            member = next(iter_members(buf, offset, limit=MAX_BODY * 2), None)
            if member is None or member.error is not None or member.data is None:
                reason = member.error if member and member.error else "no gzip member"
                raise ValueError(f"{path.name}:{offset}: {reason}")
            raw, _ = parse_record(member.data, 0)
            length = member.length
        else:
            raw, end = parse_record(buf, offset)
            length = end - offset
        return to_capture(
            raw, path.name, offset, length, verify_digest=verify_digest, decode=decode
        )
    except ParseError as exc:
        raise ValueError(f"{path.name}:{offset}: {exc}") from None
    finally:
        if isinstance(buf, mmap.mmap):
            buf.close()
