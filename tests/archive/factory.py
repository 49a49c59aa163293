"""Builders for archive tests: a writer with pinned ids and clock, sample exchanges."""

from __future__ import annotations

import gzip
import itertools
from datetime import UTC, datetime, timedelta

from archive.records import HttpRequestData, HttpResponseData
from archive.writer import WarcWriter

ARTICLE_URL = "http://example.test/新闻/2020/02/25/1.shtml?栏目=要闻"
ARTICLE_HTML = "<html><head><title>嵊州新闻</title></head><body><p>正文内容</p></body></html>"


def fixed_clock(start: datetime | None = None):
    """A clock that advances one second per call from 2020-02-25T01:00:00Z."""
    moments = itertools.count()
    base = start or datetime(2020, 2, 25, 1, 0, 0, tzinfo=UTC)
    return lambda: base + timedelta(seconds=next(moments))


def fixed_ids():
    counter = itertools.count(1)
    return lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(counter):012d}>"


def make_writer(directory, **kwargs) -> WarcWriter:
    kwargs.setdefault("make_record_id", fixed_ids())
    kwargs.setdefault("now", fixed_clock())
    return WarcWriter(directory, **kwargs)


def request(url: str = ARTICLE_URL) -> HttpRequestData:
    return HttpRequestData("GET", url, [("User-Agent", "countynews-test"), ("Accept", "*/*")])


def gzip_response(url: str = ARTICLE_URL, html: str = ARTICLE_HTML) -> HttpResponseData:
    """A gzip-encoded response as Scrapy hands it over: de-chunked, still labelled chunked."""
    return HttpResponseData(
        url=url,
        status=200,
        headers=[
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Transfer-Encoding", "chunked"),
        ],
        body=gzip.compress(html.encode("utf-8"), mtime=0),
        protocol="HTTP/2",
        ip_address="127.0.0.1",
    )


def plain_response(url: str, body: bytes, status: int = 200) -> HttpResponseData:
    return HttpResponseData(url, status, [("Content-Type", "text/html; charset=gbk")], body)
