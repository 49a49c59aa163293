"""Low-level, forgiving WARC parsing for ``archive.reader``: gzip members, record headers,
HTTP messages, chunked and content decoding. Every failure is a ``ParseError(reason, detail)``
with a short stat-friendly reason, so the reader can count it and go on.
"""

from __future__ import annotations

import mmap
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

try:  # optional: Content-Encoding: br
    import brotli
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None

GZIP_MAGIC = b"\x1f\x8b\x08"
_CHUNK = 1 << 20
_MAX_HEADER = 1 << 16
Buffer = bytes | mmap.mmap


class ParseError(Exception):
    """A record that cannot be read; ``reason`` is a stat token, ``detail`` a sentence."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class Member:
    """One gzip member: ``offset``/``length`` in the file, ``data`` or an ``error``."""

    offset: int
    length: int
    data: bytes | None = None
    error: ParseError | None = None


def _inflate(buf: Buffer, pos: int, limit: int) -> tuple[bytes, int]:
    """Decompress the gzip member at ``pos``; return (data, compressed length)."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out: list[bytes] = []
    size = 0
    p = pos
    n = len(buf)
    step = 16384  # most members are small: do not copy a large slice of the mmap per member
    while not d.eof and p < n:
        chunk = buf[p : p + step]
        part = d.decompress(chunk)
        p += len(chunk)
        step = min(step * 4, _CHUNK)
        size += len(part)
        if size > limit:
            raise ParseError("too_large", f"record larger than {limit} bytes uncompressed")
        out.append(part)
    if not d.eof:
        raise ParseError("truncated_gzip", "gzip member ends before its end of stream")
    return b"".join(out), p - pos - len(d.unused_data)


def _looks_like_record_start(buf: Buffer, pos: int) -> bool:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        head = d.decompress(buf[pos : pos + 4096], 16)
    except zlib.error:
        return False
    return head.startswith((b"WARC/", b"\r\nWARC/", b"\nWARC/"))


def resync(buf: Buffer, pos: int) -> int:
    """Offset of the next gzip member after ``pos`` that starts a WARC record, or ``len(buf)``."""
    cand = buf.find(GZIP_MAGIC, pos + 1)
    while cand != -1:
        if _looks_like_record_start(buf, cand):
            return cand
        cand = buf.find(GZIP_MAGIC, cand + 1)
    return len(buf)


def iter_members(buf: Buffer, start: int = 0, limit: int = 1 << 30) -> Iterator[Member]:
    """Yield the gzip members of ``buf``; a corrupt one is reported, then reading resumes at
    the next member that decompresses to a WARC record."""
    pos = start
    n = len(buf)
    while pos < n:
        if buf[pos : pos + 3] != GZIP_MAGIC:
            if pos + _MAX_HEADER >= n and not buf[pos:n].strip(b"\x00\r\n \t"):
                return  # trailing padding
            nxt = resync(buf, pos)
            yield Member(pos, nxt - pos, error=ParseError("not_gzip", "bytes are no gzip member"))
            pos = nxt
            continue
        try:
            data, length = _inflate(buf, pos, limit)
        except ParseError as exc:
            if exc.reason == "truncated_gzip":
                yield Member(pos, n - pos, error=exc)
                return
            nxt = resync(buf, pos)
            yield Member(pos, nxt - pos, error=exc)
            pos = nxt
            continue
        except zlib.error as exc:
            nxt = resync(buf, pos)
            yield Member(pos, nxt - pos, error=ParseError("corrupt_gzip", str(exc)))
            pos = nxt
            continue
        yield Member(pos, length, data=data)
        pos += length


@dataclass
class RawRecord:
    """A WARC record split into its header fields and content block."""

    version: str
    headers: list[tuple[str, str]]
    block: bytes

    def get(self, name: str, default: str | None = None) -> str | None:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return default


def _header_end(data: Buffer, pos: int) -> tuple[int, int]:
    """(end of header lines, start of the block) for headers starting at ``pos``."""
    end = data.find(b"\r\n\r\n", pos, pos + _MAX_HEADER)
    if end != -1:
        return end, end + 4
    end = data.find(b"\n\n", pos, pos + _MAX_HEADER)
    if end != -1:
        return end, end + 2
    raise ParseError("bad_warc_header", "no end of WARC header block")


def parse_header_lines(text: str) -> list[tuple[str, str]]:
    """``Name: value`` lines (continuation lines folded) into pairs."""
    headers: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line[0] in " \t" and headers:
            key, value = headers[-1]
            headers[-1] = (key, value + " " + line.strip())
            continue
        key, sep, value = line.partition(":")
        if sep:
            headers.append((key.strip(), value.strip()))
    return headers


def _decode_header_bytes(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def skip_blank(data: Buffer, pos: int) -> int:
    """First offset at or after ``pos`` that is not CR, LF, space or NUL."""
    n = len(data)
    while pos < n and data[pos : pos + 1] in (b"\r", b"\n", b" ", b"\x00"):
        pos += 1
    return pos


def parse_record(data: Buffer, pos: int = 0) -> tuple[RawRecord, int]:
    """Parse the record at ``pos``; return it and the offset just after it (and its padding)."""
    pos = skip_blank(data, pos)
    if data[pos : pos + 5] != b"WARC/":
        raise ParseError("not_warc", "record does not start with WARC/")
    end, block_start = _header_end(data, pos)
    lines = _decode_header_bytes(data[pos:end])
    version, _, rest = lines.partition("\n")
    headers = parse_header_lines(rest)
    record = RawRecord(version.strip(), headers, b"")
    length_text = record.get("Content-Length")
    try:
        length = int(length_text or "")
        if length < 0:
            raise ValueError
    except ValueError:
        raise ParseError("bad_content_length", f"Content-Length {length_text!r}") from None
    block_end = block_start + length
    if block_end > len(data):
        raise ParseError(
            "truncated_record",
            f"Content-Length {length} but only {len(data) - block_start} bytes follow",
        )
    record.block = data[block_start:block_end]
    after = skip_blank(data, block_end)
    if after < len(data) and data[after : after + 5] != b"WARC/":
        raise ParseError("bad_content_length", f"Content-Length {length} does not end the record")
    return record, after


def parse_http(block: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
    """Split an HTTP message into (start line, headers, body)."""
    end = block.find(b"\r\n\r\n")
    skip = 4
    if end == -1:
        end = block.find(b"\n\n")
        skip = 2
    if end == -1:  # headers only, no blank line (some revisit records)
        end, skip = len(block), 0
    head = _decode_header_bytes(block[:end])
    start, _, rest = head.partition("\n")
    return start.strip(), parse_header_lines(rest), block[end + skip :]


def parse_status(start: str) -> int:
    """Status code of an HTTP status line (``HTTP/1.1 200 OK``)."""
    parts = start.split(None, 2)
    if len(parts) < 2 or not parts[0].upper().startswith("HTTP/") or not parts[1].isdigit():
        raise ParseError("bad_http", f"bad status line {start[:80]!r}")
    return int(parts[1])


def dechunk(body: bytes) -> bytes:
    """Remove chunked transfer framing. A body whose first line is no chunk size is taken as
    already de-chunked (some tools keep the header over a de-chunked payload)."""
    out: list[bytes] = []
    pos = 0
    first = True
    while pos < len(body):
        eol = body.find(b"\n", pos)
        line = body[pos : eol if eol != -1 else len(body)].split(b";")[0].strip()
        try:
            size = int(line, 16)
        except ValueError:
            if first:
                return body
            raise ParseError("bad_chunking", f"bad chunk size line at {pos}") from None
        first = False
        if size == 0:
            return b"".join(out)
        start = eol + 1
        if start + size > len(body):
            raise ParseError("bad_chunking", f"chunk of {size} bytes runs past the body")
        out.append(body[start : start + size])
        pos = start + size
        if body.startswith(b"\r\n", pos):
            pos += 2
        elif body.startswith(b"\n", pos):
            pos += 1
    return b"".join(out)


def _bounded(d: zlib._Decompress, data: bytes, limit: int) -> bytes:
    out = d.decompress(data, limit + 1)
    if len(out) > limit:
        raise ParseError("too_large", f"decoded body larger than {limit} bytes")
    return out


def content_decode(body: bytes, encodings: str, limit: int) -> bytes:
    """Undo ``Content-Encoding`` (gzip, x-gzip, deflate, br, identity), last applied first.

    A body labelled gzip that does not start with the gzip magic is taken as already decoded
    (tools that store decoded bodies under the original header)."""
    for coding in reversed([c.strip().lower() for c in encodings.split(",") if c.strip()]):
        if coding in ("identity", "none"):
            continue
        if coding in ("gzip", "x-gzip"):
            if not body.startswith(b"\x1f\x8b"):
                continue
            try:
                body = _bounded(zlib.decompressobj(16 + zlib.MAX_WBITS), body, limit)
            except zlib.error as exc:
                raise ParseError("content_decoding", f"gzip: {exc}") from None
        elif coding == "deflate":
            try:
                body = _bounded(zlib.decompressobj(), body, limit)
            except zlib.error:
                try:
                    body = _bounded(zlib.decompressobj(-zlib.MAX_WBITS), body, limit)
                except zlib.error as exc:
                    raise ParseError("content_decoding", f"deflate: {exc}") from None
        elif coding == "br":
            if brotli is None:
                raise ParseError("brotli_unavailable", "br body and no brotli module")
            try:
                body = brotli.decompress(body)
            except brotli.error as exc:
                raise ParseError("content_decoding", f"br: {exc}") from None
            if len(body) > limit:
                raise ParseError("too_large", f"decoded body larger than {limit} bytes")
        else:
            raise ParseError("unknown_content_encoding", f"Content-Encoding {coding!r}")
    return body
