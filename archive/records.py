"""HTTP exchange data and the WARC records built from it (pure: no Scrapy, no I/O).

Honest limits of records built from a Scrapy crawl:
- Scrapy title-cases header names, so header case is not the wire's.
- The reason phrase is rebuilt from ``http.HTTPStatus`` (unknown codes get ``Unknown``) and the
  protocol is mapped to ``HTTP/1.0`` or ``HTTP/1.1`` (warcio and pywb accept only those two).
- Twisted has already de-chunked the body, so any ``Transfer-Encoding`` header is dropped rather
  than written over a de-chunked payload (pywb#584). Content encoding is kept: a gzip body stays
  gzipped under its ``Content-Encoding: gzip``.
"""

from __future__ import annotations

import base64
import hashlib
import http
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date

REVISIT_PROFILES = {
    "server-not-modified": "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
    "identical-payload-digest": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
}
# Characters left as they are when percent-encoding a URL: RFC 3986 reserved set plus '%'
# (existing escapes stay) and '~'.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
_HOP_BY_HOP = {"transfer-encoding"}


@dataclass
class HttpRequestData:
    """An HTTP request as sent (method, absolute URL, headers, body)."""

    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    protocol: str = "HTTP/1.1"


@dataclass
class HttpResponseData:
    """An HTTP response as received: ``body`` de-chunked but still content-encoded."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    protocol: str = "HTTP/1.1"
    ip_address: str | None = None


# headers as an HTTP library holds them, not yet decoded: (name, [value, ...]) in bytes
RawHeaders = list[tuple[bytes, list[bytes]]]


def decode_headers(raw: RawHeaders) -> list[tuple[str, str]]:
    """``(name, value)`` pairs of ``raw`` headers, decoded as Latin-1 (bytes for bytes)."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in raw
        for value in values
    ]


def request_from(method: str, url: str, raw_headers: RawHeaders, body: bytes) -> HttpRequestData:
    """An :class:`HttpRequestData` from an HTTP library's request (a Host header added when it
    has none)."""
    headers = decode_headers(raw_headers)
    if not any(k.lower() == "host" for k, _ in headers):
        headers.insert(0, ("Host", urlsplit(url).netloc))
    return HttpRequestData(method=method, url=url, headers=headers, body=body)


def response_from(
    url: str,
    status: int,
    raw_headers: RawHeaders,
    body: bytes,
    protocol: str | None,
    ip_address: str | None,
) -> HttpResponseData:
    """An :class:`HttpResponseData` from an HTTP library's response."""
    return HttpResponseData(
        url=url,
        status=status,
        headers=decode_headers(raw_headers),
        body=body,
        protocol=protocol or "HTTP/1.1",
        ip_address=ip_address,
    )


def make_record_id() -> str:
    """A fresh ``<urn:uuid:...>`` WARC-Record-ID."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def utc_now() -> datetime:
    """The current time in UTC (the default clock)."""
    return datetime.now(UTC)


def warc_date(moment: datetime) -> str:
    """WARC/1.1 date of ``moment``: ISO 8601 UTC with microseconds, ``Z`` suffix."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return datetime_to_iso_date(moment, use_micros=True)


def ascii_url(url: str) -> str:
    """``url`` percent-encoded to ASCII (UTF-8 for paths and queries, IDNA for hosts)."""
    if url.isascii() and " " not in url:
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if not netloc.isascii():
        userinfo, _, hostport = netloc.rpartition("@")
        host, sep, port = hostport.partition(":")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = quote(host, safe="")
        netloc = (userinfo + "@" if userinfo else "") + host + sep + port
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path, safe=_URL_SAFE),
            quote(parts.query, safe=_URL_SAFE),
            quote(parts.fragment, safe=_URL_SAFE),
        )
    )


def http_protocol(protocol: str | None) -> str:
    """``HTTP/1.0`` stays, everything else (``HTTP/2``, ``h2``, None) becomes ``HTTP/1.1``."""
    return "HTTP/1.0" if (protocol or "").upper() == "HTTP/1.0" else "HTTP/1.1"


def reason_phrase(status: int) -> str:
    """Standard reason phrase for ``status``, ``Unknown`` for codes outside ``http.HTTPStatus``."""
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def response_http_headers(response: HttpResponseData) -> StatusAndHeaders:
    """Status line and headers of ``response`` as written in the record (no Transfer-Encoding)."""
    headers = [(k, v) for k, v in response.headers if k.lower() not in _HOP_BY_HOP]
    statusline = f"{response.status} {reason_phrase(response.status)}"
    return StatusAndHeaders(statusline, headers, protocol=http_protocol(response.protocol))


def request_http_headers(request: HttpRequestData) -> StatusAndHeaders:
    """Request line and headers of ``request``; a Host header is added when missing."""
    parts = urlsplit(ascii_url(request.url))
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    headers = [(k, v) for k, v in request.headers if k.lower() not in _HOP_BY_HOP]
    if not any(k.lower() == "host" for k, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    statusline = f"{request.method.upper()} {target} {http_protocol(request.protocol)}"
    return StatusAndHeaders(statusline, headers, is_http_request=True)


def build_record(
    builder: RecordBuilder,
    record_type: str,
    uri: str,
    *,
    record_id: str,
    date: str,
    http_headers: StatusAndHeaders | None = None,
    payload: bytes = b"",
    extra: dict[str, str] | None = None,
    content_type: str = "",
) -> Any:
    """A warcio record of ``record_type`` with fixed id and date; digests are computed."""
    warc_headers: dict[str, str] = {"WARC-Record-ID": record_id, "WARC-Date": date}
    if uri:
        warc_headers["WARC-Target-URI"] = ascii_url(uri)
    warc_headers.update(extra or {})
    return builder.create_warc_record(
        ascii_url(uri) if uri else "",
        record_type,
        payload=BytesIO(payload),
        length=len(payload),
        warc_content_type=content_type,
        warc_headers_dict=warc_headers,
        http_headers=http_headers,
    )


HTTP_CONTENT_TYPES = {
    "response": "application/http; msgtype=response",
    "request": "application/http; msgtype=request",
}
GZIP_LEVEL = 9  # as warcio's writer: ~10 KB pages cost the same at 6


def _sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def http_record_bytes(
    record_type: str,
    uri: str,
    *,
    record_id: str,
    date: str,
    http_headers: StatusAndHeaders,
    payload: bytes,
    extra: dict[str, str] | None = None,
) -> bytes:
    """A ``response`` or ``request`` record, uncompressed, byte for byte as warcio's
    ``WARCWriter`` writes the record :func:`build_record` makes (header order, digests,
    percent-encoded non-ASCII HTTP headers) at a fraction of its cost: a crawl writes two for
    every page on the reactor thread. ``tests/archive/test_writer.py`` holds them equal."""
    http_block = http_headers.to_ascii_bytes()
    lines = [f"WARC-Record-ID: {record_id}", f"WARC-Date: {date}"]
    if uri:
        lines.append(f"WARC-Target-URI: {ascii_url(uri)}")
    lines.extend(f"{name}: {value}" for name, value in (extra or {}).items())
    lines.extend(
        (
            f"WARC-Type: {record_type}",
            f"WARC-Payload-Digest: {_sha1(payload)}",
            f"WARC-Block-Digest: {_sha1(http_block + payload)}",
            f"Content-Type: {HTTP_CONTENT_TYPES[record_type]}",
            f"Content-Length: {len(http_block) + len(payload)}",
        )
    )
    head = ("WARC/1.1\r\n" + "\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    return b"".join((head, http_block, payload, b"\r\n\r\n"))


def gzip_member(data: bytes) -> bytes:
    """``data`` as one gzip member (what warcio's ``GzippingWrapper`` writes for a record)."""
    return zlib.compress(data, GZIP_LEVEL, wbits=31)


def warcinfo_fields(info: dict[str, str]) -> bytes:
    """The ``application/warc-fields`` block of a warcinfo record."""
    lines = []
    for name, value in info.items():
        if value is None or value == "":
            continue
        clean = str(value).replace("\r", " ").replace("\n", " ")
        lines.append(f"{name}: {clean}\r\n")
    return "".join(lines).encode("utf-8")


Clock = Callable[[], datetime]
IdMaker = Callable[[], str]
