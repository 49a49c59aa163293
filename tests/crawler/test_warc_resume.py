"""WarcResumeMiddleware on its own: a resumed crawl's article requests answered from the
unfinished crawl's WARC records as received, not written again, each record used once, and a
record that no longer reads back fetched from the network (counted)."""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import UTC, datetime, timedelta

import pytest
from scrapy import Request, Spider
from scrapy.settings import BaseSettings
from scrapy.utils.test import get_crawler

from archive.records import HttpRequestData, HttpResponseData, warc_date
from archive.writer import WarcWriter
from crawler.middlewares.warc import ARCHIVED, WarcCaptureMiddleware
from crawler.middlewares.warc_resume import WarcResumeMiddleware
from model.profiles import parse_profile

SITE = "county"
A, B, C = (f"http://county.test/news/2020/{n}.html" for n in (1, 2, 3))
LIST = "http://county.test/news/index.html"
HTML = "<html><body><h1>标题</h1><p>正文。</p></body></html>"


def killed_crawl(tmp_path) -> dict[str, object]:
    """What a killed crawl of SITE left: its WARC (A gzipped, B, the list page, C a 404) and
    its unlocked run marker; returns the response records' refs by URL."""
    writer = WarcWriter(tmp_path / "warc", prefix=f"crawl-{SITE}")
    refs = {}
    for url, status, body, coding in (
        (A, 200, gzip.compress(HTML.encode(), mtime=0), [("Content-Encoding", "gzip")]),
        (B, 200, HTML.encode(), []),
        (LIST, 200, b"<a href='1.html'>1</a>", []),
        (C, 404, b"gone", []),
    ):
        headers = [("Content-Type", "text/html; charset=utf-8"), *coding]
        refs[url] = writer.write_exchange(
            HttpRequestData("GET", url, [("Accept", "*/*")]),
            HttpResponseData(url, status, headers, body, ip_address="127.0.0.1"),
        )
    writer.close()
    started = warc_date(datetime.now(UTC) - timedelta(minutes=1))
    runs = tmp_path / "runs"
    runs.mkdir()
    marker = {"site": SITE, "started": started, "jobdir": None, "state": "running"}
    (runs / f"{SITE}-otherhost-1.json").write_text(json.dumps(marker))
    return refs


PROFILE = {"id": SITE, "name": "某县", "start_urls": [LIST], "follow": [r"/news/index\.html$"],
           "articles": [r"/news/\d{4}/\d+\.html$"]}  # fmt: skip


@pytest.fixture
def resumed(tmp_path):
    """A crawler of SITE (CrawlResume claims the site's markers) and its
    WarcResumeMiddleware."""
    from crawler.extensions.database import Database
    from crawler.extensions.workers import WorkerPool

    class CountySpider(Spider):
        name = SITE
        profile = parse_profile(PROFILE, f"{SITE}.yaml")

    settings = BaseSettings()
    settings.setmodule("crawler.settings", priority="project")
    values = {**settings.copy_to_dict(), "DATA_DIR": str(tmp_path),
              "DATABASE_URL": f"sqlite:///{tmp_path / 'articles.db'}"}  # fmt: skip
    made = []

    def make():
        crawler = get_crawler(CountySpider, values)
        crawler.spider = CountySpider()
        made.append(crawler)
        return crawler, WarcResumeMiddleware.from_crawler(crawler)

    yield make
    for crawler in made:
        for ext in (crawler.get_extension(WorkerPool), crawler.get_extension(Database)):
            if ext is not None:
                ext.close()


def article(url: str) -> Request:
    return Request(url, meta={"kind": "article"})


def test_a_page_archived_and_not_stored_is_answered_from_its_record(resumed, tmp_path):
    refs = killed_crawl(tmp_path)
    crawler, mw = resumed()
    request = article(A)
    response = mw.process_request(request)
    assert response is not None
    assert (response.url, response.status, ARCHIVED in response.flags) == (A, 200, True)
    assert response.headers[b"Content-Encoding"] == b"gzip"  # as received: decompressed later
    assert gzip.decompress(response.body).decode() == HTML
    ref = refs[A]
    assert request.meta["warc"] == {"file": ref.file, "offset": ref.offset, "length": ref.length,
                                    "record_id": ref.record_id, "date": ref.date}  # fmt: skip
    capture = WarcCaptureMiddleware.from_crawler(crawler)
    capture.spider_opened()
    try:  # not written again
        assert asyncio.run(capture.process_response(request, response)) is response
    finally:
        capture.spider_closed()
    assert crawler.stats.get_value("warc/records") is None
    assert mw.process_request(article(A)) is None  # a record answers once; then the network
    assert mw.process_request(Request(LIST, meta={"kind": "list"})) is None
    assert mw.process_request(article(C)) is None  # a 404 is fetched again
    assert crawler.stats.get_value("resume/warc_pages") == 2
    assert crawler.stats.get_value("resume/from_warc") == 1


def test_a_record_that_no_longer_reads_back_is_fetched_and_counted(resumed, tmp_path):
    refs = killed_crawl(tmp_path)
    crawler, mw = resumed()
    assert mw.process_request(Request(LIST, meta={"kind": "list"})) is None  # the scan ran
    ref = refs[B]
    with (tmp_path / "warc" / ref.file).open("r+b") as fh:
        fh.seek(ref.offset + ref.length // 2)
        fh.write(b"\x00" * 16)
    assert mw.process_request(article(B)) is None
    assert crawler.stats.get_value("resume/from_warc/unreadable") == 1
    assert crawler.stats.get_value("resume/from_warc") is None


def test_a_crawl_that_resumes_nothing_reads_no_warc(resumed, tmp_path):
    killed_crawl(tmp_path)
    (tmp_path / "runs" / f"{SITE}-otherhost-1.json").unlink()
    crawler, mw = resumed()
    assert mw.process_request(article(A)) is None
    assert mw.pages == {}
    assert crawler.stats.get_value("resume/warc_pages") is None
