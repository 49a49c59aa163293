"""The downloader middlewares on their own, built with Scrapy's ``get_crawler`` as Scrapy's own
tests build theirs: WARC capture (exchange, revisit, request-only, the CDXJ index), fetch
outcomes, and the refresh's conditional GET."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from twisted.internet.error import TimeoutError as TxTimeoutError

from archive.reader import iter_captures
from crawler.db.repository import record_capture
from crawler.db.session import open_database
from crawler.middlewares.outcome import FetchOutcomeMiddleware
from crawler.middlewares.refresh import (
    ConditionalGetMiddleware,
    KnownArticlesMiddleware,
    revisit_due,
)
from crawler.middlewares.warc import WarcCaptureMiddleware

URL = "http://county.test/news/2020/1.html"
BODY = "<html><body><h1>标题</h1><p>正文。</p></body></html>".encode()


def response(status: int = 200, body: bytes = BODY, **headers: str) -> Response:
    return HtmlResponse(URL, status=status, body=body, headers=headers or None)


@pytest.fixture
def warc_mw(make_crawler):
    crawler = make_crawler()
    mw = WarcCaptureMiddleware.from_crawler(crawler)
    mw.spider_opened()
    yield crawler, mw
    mw.spider_closed()


async def archived(mw, request, resp):
    """``process_response`` on a running loop, then the location of the records it wrote."""
    assert await mw.process_response(request, resp) is resp
    return await request.meta["warc_pending"].location()


def test_warc_capture_writes_the_exchange_and_points_the_request_at_it(warc_mw, tmp_path):
    crawler, mw = warc_mw
    request = Request(URL)
    where = asyncio.run(archived(mw, request, response()))
    mw.spider_closed()
    captures = list(iter_captures([tmp_path / "warc"]))
    assert [(c.url, c.status, c.body) for c in captures] == [(URL, 200, BODY)]
    assert (Path(captures[0].file).name, captures[0].offset) == (Path(where["file"]).name,
                                                                 where["offset"])  # fmt: skip
    assert captures[0].date == request.meta["warc_pending"].date  # the Page's `fetched`
    assert crawler.stats.get_value("warc/records") == 2
    index = (tmp_path / "index.cdxj").read_text()
    assert index.count("\n") == 1
    assert "county.test" in index


def test_warc_capture_with_cdxj_parts_indexes_each_warc_but_merges_nothing(make_crawler, tmp_path):
    crawler = make_crawler(WARC_CDXJ="parts")
    mw = WarcCaptureMiddleware.from_crawler(crawler)
    mw.spider_opened()
    asyncio.run(mw.process_response(Request(URL), response()))
    mw.spider_closed()
    assert not (tmp_path / "index.cdxj").exists()
    (warc,) = (tmp_path / "warc").glob("*.warc.gz")
    (part,) = (tmp_path / "indexes").iterdir()
    assert part.name == f"{warc.name}.cdxj"
    assert part.read_text().count("county.test") == 1


def test_warc_capture_archives_a_refresh_304_as_a_revisit(warc_mw, tmp_path):
    crawler, mw = warc_mw
    request = Request(URL, meta={"refresh_of": {"url": URL, "date": "2026-01-01T00:00:00Z"}})
    asyncio.run(mw.process_response(request, response(status=304, body=b"")))
    mw.spider_closed()
    (revisit,) = iter_captures([tmp_path / "warc"])
    assert (revisit.record_type, revisit.refers_to_uri) == ("revisit", URL)
    assert crawler.stats.get_value("warc/revisit") == 1


def test_warc_capture_keeps_the_request_of_a_failed_fetch_but_not_an_ignored_one(warc_mw):
    crawler, mw = warc_mw
    mw.process_exception(Request(URL), TxTimeoutError())
    mw.process_exception(Request(URL + "?x"), IgnoreRequest())
    assert crawler.stats.get_value("warc/request_only") == 1


def test_fetch_outcome_counts_final_statuses_and_failures_not_robots(make_crawler):
    crawler = make_crawler()
    mw = FetchOutcomeMiddleware.from_crawler(crawler)
    for status in (200, 304, 404, 410, 503):
        mw.process_response(Request(URL), response(status=status))
    robots = Request("http://county.test/robots.txt", meta={"dont_obey_robotstxt": True})
    mw.process_response(robots, response(status=404))
    mw.process_exception(Request(URL), TxTimeoutError())
    mw.process_exception(Request(URL), IgnoreRequest())
    stats = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("fetch/")}
    assert stats == {
        "fetch/ok": 2,
        "fetch/missing": 2,
        "fetch/failed/http_503": 1,
        "fetch/failed/TimeoutError": 1,
    }


def test_conditional_get_only_for_known_articles_in_a_refresh(make_crawler, tmp_path):
    factory = open_database(f"sqlite:///{tmp_path / 'articles.db'}")
    with factory() as session:
        record_capture(session, {
            "url": URL, "site": "county", "status": 200, "etag": '"v1"',
            "last_modified": "Mon, 03 Feb 2020 02:40:45 GMT", "fetched": "2026-01-01T00:00:00Z",
            "warc_file": None, "warc_offset": None, "warc_length": None, "article_id": "a1",
        })  # fmt: skip
        session.commit()
    factory.kw["bind"].dispose()

    crawler = make_crawler()
    crawler.spider.run_kind = "refresh"  # type: ignore[attr-defined]
    mw = ConditionalGetMiddleware.from_crawler(crawler)
    known = Request(URL, meta={"kind": "article"})
    unknown = Request(URL.replace("1.html", "2.html"), meta={"kind": "article"})
    listing = Request(URL, meta={"kind": "list"})
    for request in (known, unknown, listing):
        mw.process_request(request)
    assert known.headers[b"If-None-Match"] == b'"v1"'
    assert known.meta["refresh_of"] == {"url": URL, "date": "2026-01-01T00:00:00Z"}
    assert b"If-None-Match" not in unknown.headers
    assert b"If-None-Match" not in listing.headers
    mw.process_response(known, response(status=304, body=b""))
    assert crawler.stats.get_value("refresh/conditional") == 1
    assert crawler.stats.get_value("refresh/not_modified") == 1

    crawler.spider.run_kind = "crawl"  # type: ignore[attr-defined]
    again = Request(URL, meta={"kind": "article"})
    mw.process_request(again)
    assert b"If-None-Match" not in again.headers  # a plain crawl fetches unconditionally


def test_revisit_due_keeps_articles_downloaded_within_the_window():
    now = datetime(2026, 3, 1, tzinfo=UTC)
    known = {
        "http://county.test/a.html": {"fetched": "2026-02-27T10:00:00+08:00"},  # 2 days
        "http://county.test/b.html": {"fetched": "2025-12-01T00:00:00Z"},  # 90 days
        "http://county.test/c.html": {"fetched": None},  # unreadable: asked again
    }
    assert revisit_due(known, 30, now) == ["http://county.test/a.html", "http://county.test/c.html"]
    assert revisit_due(known, 0, now) == sorted(known)


def test_a_refresh_revisits_only_recent_known_articles(make_crawler, tmp_path):
    recent = datetime.now(UTC).isoformat(timespec="seconds")
    factory = open_database(f"sqlite:///{tmp_path / 'articles.db'}")
    with factory() as session:
        for name, fetched in (("new", recent), ("old", "2020-01-01T00:00:00+08:00")):
            record_capture(session, {
                "url": f"http://county.test/{name}.html", "site": "county", "status": 200,
                "etag": None, "last_modified": None, "fetched": fetched, "warc_file": None,
                "warc_offset": None, "warc_length": None, "article_id": name,
            })  # fmt: skip
        session.commit()
    factory.kw["bind"].dispose()

    async def start():
        yield Request("http://county.test/index.html", meta={"kind": "list"})

    async def started(mw):
        return [request.url async for request in mw.process_start(start())]

    crawler = make_crawler(REFRESH_REVISIT_DAYS=30)
    crawler.spider.run_kind = "refresh"  # type: ignore[attr-defined]
    # the portal spider's article request, the only spider method the middleware calls
    crawler.spider.article_request = lambda url: Request(url, meta={"kind": "article"})  # type: ignore[attr-defined]
    mw = KnownArticlesMiddleware.from_crawler(crawler)
    urls = asyncio.run(started(mw))
    assert urls == ["http://county.test/index.html", "http://county.test/new.html"]
    assert crawler.stats.get_value("refresh/revisit_skipped") == 1

    # same database, its own run markers (one crawl of a site per process and DATA_DIR)
    everything = make_crawler(REFRESH_REVISIT_DAYS=0, DATA_DIR=str(tmp_path / "again"))
    everything.spider.run_kind = "refresh"  # type: ignore[attr-defined]
    everything.spider.article_request = crawler.spider.article_request  # type: ignore[attr-defined]
    mw = KnownArticlesMiddleware.from_crawler(everything)
    urls = asyncio.run(started(mw))
    assert urls[1:] == ["http://county.test/new.html", "http://county.test/old.html"]


def test_warc_records_are_built_by_the_worker_pool_off_the_event_loop(warc_mw, tmp_path):
    # building, hashing and compressing a page's records held the GIL in the crawl process for
    # ~0.5 ms a page: they are a task of the crawl's worker processes, appended here once built
    from archive.writer import build_raw_exchanges

    crawler, mw = warc_mw
    submitted = []
    submit = mw.pool.submit

    def spy(func, *args):
        future = submit(func, *args)
        submitted.append((func, future, future.done()))
        return future

    mw.pool.submit = spy
    request = Request(URL)
    where = asyncio.run(archived(mw, request, response()))
    [(func, built, done_at_once)] = submitted
    assert func is build_raw_exchanges
    assert not done_at_once  # in flight in a worker when the response went on
    [records] = built.result()
    assert records.record_id == request.meta["warc_pending"].future.result().record_id
    assert where["length"] == len(records.first)
    mw.spider_closed()
    assert crawler.stats.get_value("warc/write_seconds") > 0
    [capture] = iter_captures([tmp_path / "warc"])
    assert (capture.url, capture.body, capture.offset) == (URL, BODY, where["offset"])


class HeldBuilds:
    """Stands for the worker pool: each build task is a future the test settles (with what the
    task returns, or with an error), in any order."""

    def __init__(self):
        self.builds = []

    def submit(self, func, *args):
        future = asyncio.get_running_loop().create_future()
        self.builds.append((future, func, args))
        return future

    def settle(self, index, error=None):
        future, func, args = self.builds[index]
        if error is None:
            future.set_result(func(*args))
        else:
            future.set_exception(error)


def test_the_exchanges_of_one_loop_turn_are_built_together_and_written_in_order(
    warc_mw, monkeypatch
):
    # waiting for the records held the response's download slot behind busy workers: the
    # response goes on at once, unless MAX_QUEUED_WRITES exchanges wait before it; the
    # exchanges of one turn of the loop are one task; records go into the file in the order
    # the responses came, whichever build finishes first
    from crawler.middlewares import warc

    monkeypatch.setattr(warc, "MAX_QUEUED_WRITES", 2)
    _, mw = warc_mw
    assert mw.pages_pending == 256  # the default STORE_MAX_PENDING: the bound when higher
    mw.pages_pending = 0
    mw.pool = held = HeldBuilds()

    async def run():
        requests = [Request(f"{URL}?{i}") for i in range(3)]
        for request in requests[:2]:  # one turn of the loop
            assert (await mw.process_response(request, response())).status == 200
        await asyncio.sleep(0)
        assert [len(args[0]) for _, _, args in held.builds] == [2]  # one task, two exchanges
        task = asyncio.ensure_future(mw.process_response(requests[2], response()))
        await asyncio.sleep(0.05)
        assert not task.done()  # the third exchange is past the bound: it waits for its own
        held.settle(1)
        await asyncio.sleep(0.05)
        assert not task.done()  # built, but behind the first two, not yet written
        held.settle(0)
        assert (await task).status == 200
        return [await r.meta["warc_pending"].location() for r in requests]

    offsets = [where["offset"] for where in asyncio.run(run())]
    assert offsets == sorted(offsets)  # in the order the responses came,
    assert len(set(offsets)) == 3  # one each


def test_a_build_that_no_worker_finished_is_done_here(warc_mw, tmp_path):
    # a worker that dies on a build (or a pool closed before it) loses no record: the exchanges
    # are built in the crawl process, in their place; at the close, builds still out are done here
    from concurrent.futures.process import BrokenProcessPool

    _, mw = warc_mw
    mw.pool = held = HeldBuilds()
    requests = [Request(f"{URL}?{i}") for i in range(3)]

    async def run():
        for request in requests:  # one build task each
            await mw.process_response(request, HtmlResponse(request.url, body=BODY))
            await asyncio.sleep(0)
        held.settle(0, BrokenProcessPool("a worker died"))
        held.settle(1)
        where = [await r.meta["warc_pending"].location() for r in requests[:2]]
        mw.spider_closed()  # the third's build is still out
        where.append(await requests[2].meta["warc_pending"].location())
        return where

    where = asyncio.run(run())
    assert len(held.builds) == 3
    captures = list(iter_captures([tmp_path / "warc"]))
    assert [c.url for c in captures] == [r.url for r in requests]
    assert [c.offset for c in captures] == [w["offset"] for w in where]


def test_a_write_that_fails_after_the_response_went_on_fails_its_location(warc_mw):
    from archive.writer import WarcWriteError

    _, mw = warc_mw

    def full(built):
        raise WarcWriteError("No space left on device")

    mw.writer.append = full
    request = Request(URL)
    failed = []
    mw._write_failed = lambda req, exc: failed.append((req, exc))  # stops the crawl

    async def run():
        assert await mw.process_response(request, response()) is not None
        with pytest.raises(WarcWriteError):
            await request.meta["warc_pending"].location()

    asyncio.run(run())
    assert [req for req, _ in failed] == [request]


def test_schedule_requests_hands_each_request_to_the_engine_as_it_comes_out(make_crawler):
    from crawler.middlewares.scheduling import ScheduleRequestsMiddleware

    crawler = make_crawler()
    crawled: list[str] = []

    class Engine:
        def crawl(self, request: Request) -> None:
            crawled.append(request.url)

    crawler.engine = Engine()
    mw = ScheduleRequestsMiddleware.from_crawler(crawler)
    item = {"url": URL}
    seen: list[tuple[object, list[str]]] = []

    def outputs():
        yield Request("http://county.test/a.html")
        yield item
        yield Request("http://county.test/b.html")

    for output in mw.process_spider_output(response(), outputs()):
        seen.append((output, list(crawled)))
    assert seen == [(item, ["http://county.test/a.html"])]
    assert crawled == ["http://county.test/a.html", "http://county.test/b.html"]

    async def agen():
        for output in outputs():
            yield output

    async def collect():
        return [o async for o in mw.process_spider_output_async(response(), agen())]

    crawled.clear()
    assert asyncio.run(collect()) == [item]
    assert crawled == ["http://county.test/a.html", "http://county.test/b.html"]
