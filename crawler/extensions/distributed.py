"""DistributedIdle: in a distributed crawl a worker whose share of the queue ran dry waits a
while before closing, because other workers keep adding list and article requests to the
shared Redis queue. Enabled by ``DistributedAddon`` when ``REDIS_URL`` is set.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import DontCloseSpider

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class DistributedIdle:
    """Keeps an idle worker open until ``DISTRIBUTED_IDLE_CLOSE`` seconds have
    passed without a response, so it picks up requests other workers enqueue meanwhile, and
    while another worker holds leased requests (they come back if it dies)."""

    def __init__(self, crawler: Crawler, wait: float) -> None:
        self.crawler = crawler
        self.wait = wait
        self.last_activity = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedIdle:
        ext = cls(crawler, crawler.settings.getfloat("DISTRIBUTED_IDLE_CLOSE"))
        crawler.signals.connect(ext.activity, signal=signals.response_received)
        crawler.signals.connect(ext.activity, signal=signals.spider_opened)
        crawler.signals.connect(ext.idle, signal=signals.spider_idle)
        return ext

    def activity(self) -> None:
        self.last_activity = time.monotonic()

    def idle(self) -> None:
        if time.monotonic() - self.last_activity < self.wait:
            raise DontCloseSpider
        scheduler = getattr(self.crawler.engine, "scheduler", None)
        others = getattr(scheduler, "others_in_flight", None)
        if others is not None and others():
            # another worker holds leased requests: it may add more, or die and leave them
            raise DontCloseSpider
