"""Back-pressure: downloads wait while STORE_MAX_PENDING pages wait for their commit, and go on
as soon as one is stored or dropped (``crawler.extensions.backlog``)."""

from __future__ import annotations

import asyncio

from scrapy import Request, signals

from crawler.extensions.backlog import Backlog
from crawler.middlewares.backlog import BacklogMiddleware
from model.items import Article, Page


def test_a_request_waits_while_the_backlog_is_full_and_goes_on_when_a_page_is_stored(
    make_crawler,
):
    crawler = make_crawler(STORE_MAX_PENDING=2)
    backlog = crawler.get_extension(Backlog)
    assert backlog is not None
    assert backlog.limit == 2
    middleware = BacklogMiddleware.from_crawler(crawler)
    request = Request("http://county.test/next.html")

    async def scenario() -> list[str]:
        events = []
        assert middleware.process_request(request) is None  # room: sent at once
        backlog.enter()
        backlog.enter()
        waiting = middleware.process_request(request)
        assert waiting is not None
        task = asyncio.ensure_future(waiting)
        await asyncio.sleep(0.05)
        events.append("held" if not task.done() else "sent")
        # a list page's item is no page of the backlog: nothing moves
        crawler.signals.send_catch_log(
            signals.item_scraped, item={"url": "x"}, response=None, spider=crawler.spider
        )
        await asyncio.sleep(0.05)
        events.append("held" if not task.done() else "sent")
        article = Article(
            id="a1", url="http://county.test/a.html", site="county", title="t", text="x"
        )
        crawler.signals.send_catch_log(
            signals.item_scraped, item=article, response=None, spider=crawler.spider
        )
        await asyncio.wait_for(task, 1)
        events.append("sent")
        page = Page(url="http://county.test/b.html", body=b"")
        crawler.signals.send_catch_log(
            signals.item_dropped, item=page, response=None, exception=None, spider=crawler.spider
        )
        events.append(str(backlog.pending))
        return events

    assert asyncio.run(scenario()) == ["held", "held", "sent", "0"]
    stats = crawler.stats.get_stats()
    assert stats["backlog/max"] == 2
    assert stats["backlog/waits"] == 1
    # held from the first wait until the article was stored: the two sleeps of 0.05 s at least
    assert 0.1 <= stats["backlog/held_seconds"] < 10


def test_the_backlog_holds_256_pages_by_default_and_0_means_the_concurrent_requests(
    make_crawler, tmp_path
):
    # a deep backlog costs a killed crawl nothing: its pages are read back from the WARC
    # (tests/e2e/test_warc_resume.py)
    crawler = make_crawler(CONCURRENT_REQUESTS=7)
    backlog = crawler.get_extension(Backlog)
    assert backlog is not None
    assert backlog.limit == 256
    # a second crawler of the same process: a DATA_DIR of its own (one run marker per process)
    crawler = make_crawler(CONCURRENT_REQUESTS=7, STORE_MAX_PENDING=0, DATA_DIR=str(tmp_path / "b"))
    backlog = crawler.get_extension(Backlog)
    assert backlog is not None
    assert backlog.limit == 7
