"""LeasedScheduler: scrapy-redis's scheduler with leases, so a killed distributed worker's
requests come back.

Plain scrapy-redis pops a request without acknowledgement and the shared dupefilter has already
seen it: a worker killed with requests in hand loses them for the whole ``CRAWL_RUN``. Here a
pop moves the request, in one Lua script, from the queue into the worker's in-flight hash
(``<run key>:inflight:<worker>``); the request is acknowledged (removed from it) once handled
(``crawler.middlewares.lease``). Each worker keeps a heartbeat key (``<run key>:alive:<worker>``,
expiring after ``DISTRIBUTED_LEASE_TTL`` seconds); any worker that finds an in-flight hash
without a heartbeat puts its requests back in the queue (another Lua script, so two finders
cannot both do it). A worker stopped early (Ctrl-C) drops its heartbeat at once.

The run's keys (queue, dupefilter, leases) expire ``DISTRIBUTED_RUN_TTL`` seconds after its last
worker closes, so a daily ``CRAWL_RUN`` does not leave a dupefilter of every URL in Redis for
good; a worker that joins the run again before then takes the expiry off.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import uuid
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call
from scrapy_redis.scheduler import Scheduler

from crawler.signals import leases_requeued

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# pop the best request (lowest score) into the in-flight hash as "<score>\n<request>"
POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[2], ARGV[1], r[2] .. '\\n' .. r[1])
return r[1]
"""
# requeue a dead worker's in-flight requests, unless its heartbeat is back
REQUEUE = """
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local items = redis.call('HVALS', KEYS[1])
for _, v in ipairs(items) do
  local nl = string.find(v, '\\n', 1, true)
  redis.call('ZADD', KEYS[2], tonumber(string.sub(v, 1, nl - 1)), string.sub(v, nl + 1))
end
redis.call('DEL', KEYS[1])
return #items
"""


def worker_process(worker: str) -> tuple[str, int]:
    """(host name, process id) of a worker id made by :func:`worker_id`."""
    host, pid, _ = worker.rsplit(".", 2)
    return host, int(pid)


def worker_id() -> str:
    host = socket.gethostname().replace(":", "_") or "host"
    return f"{host}.{os.getpid()}.{uuid.uuid4().hex[:6]}"


class LeasedScheduler(Scheduler):
    """scrapy-redis ``Scheduler`` whose pops are leases (needs its default ``PriorityQueue``).

    Settings: scrapy-redis's, plus ``DISTRIBUTED_LEASE_TTL`` (seconds a dead worker's requests
    stay leased, default 30) and ``DISTRIBUTED_RUN_TTL`` (seconds the run's keys stay after its
    last worker closes, default 7 days; 0: kept). Stats: ``lease/acked``, ``lease/requeued``.
    Signals: ``crawler.signals.leases_requeued`` for each dead worker whose requests it requeued.
    """

    lease_ttl = 30.0
    run_ttl = 7 * 24 * 3600

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasedScheduler:
        scheduler: LeasedScheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.lease_ttl = crawler.settings.getfloat("DISTRIBUTED_LEASE_TTL", 30.0)
        scheduler.run_ttl = crawler.settings.getint("DISTRIBUTED_RUN_TTL", cls.run_ttl)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(scheduler.item_done, signal=signal)
        return scheduler

    # --- keys -----------------------------------------------------------------------------
    def open(self, spider: Any) -> None:
        super().open(spider)
        self.worker = worker_id()
        self.base = self.queue.key.rsplit(":", 1)[0]
        self.inflight_key = f"{self.base}:inflight:{self.worker}"
        self.alive_key = f"{self.base}:alive:{self.worker}"
        self._ids = itertools.count(1)
        self._pop = self.server.register_script(POP)
        self._requeue = self.server.register_script(REQUEUE)
        for key in self.server.scan_iter(match=f"{self.base}:*"):
            self.server.persist(key)  # the run goes on: no expiry while a worker is in it
        self.beat()
        self.task = create_looping_call(self.beat)
        self.task.start(max(0.5, self.lease_ttl / 3), now=False)

    def close(self, reason: str) -> None:
        task = getattr(self, "task", None)
        if task is not None and task.running:
            task.stop()
        if reason == "finished":
            self.server.delete(self.inflight_key)  # what is left are leases never handed back
        self.server.delete(self.alive_key)  # an early stop's leases are requeued at once
        super().close(reason)
        if self.run_ttl > 0 and not any(self.server.scan_iter(match=f"{self.base}:alive:*")):
            for key in self.server.scan_iter(match=f"{self.base}:*"):
                self.server.expire(key, self.run_ttl)

    def _stat(self, key: str, value: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, value)

    # --- heartbeat and requeue ------------------------------------------------------------
    def beat(self) -> None:
        """Refresh this worker's heartbeat, then requeue the requests of dead workers."""
        try:
            self.server.set(self.alive_key, b"1", px=int(self.lease_ttl * 1000))
            self.requeue_dead()
        except Exception as exc:  # Redis briefly away: the next beat tries again
            logger.warning("Lease heartbeat failed: %r", exc)

    def requeue_dead(self) -> int:
        """Put the in-flight requests of workers without a heartbeat back in the queue."""
        total = 0
        for key in self.server.scan_iter(match=f"{self.base}:inflight:*"):
            name = key.decode() if isinstance(key, bytes) else key
            worker = name.rsplit(":", 1)[1]
            if worker == self.worker:
                continue
            count = self._requeue(keys=[name, self.queue.key, f"{self.base}:alive:{worker}"])
            if count and count > 0:
                logger.warning("Requeued %d requests of worker %s (heartbeat lost)", count, worker)
                total += count
                # its pages downloaded and not stored are read back from its WARCs
                self.crawler.signals.send_catch_log(leases_requeued, worker=worker)
        if total:
            self._stat("lease/requeued", total)
        return total

    def others_in_flight(self) -> bool:
        """Whether another worker holds leased requests (it may still add requests, or die)."""
        for key in self.server.scan_iter(match=f"{self.base}:inflight:*"):
            name = key.decode() if isinstance(key, bytes) else key
            if name != self.inflight_key and self.server.hlen(name):
                return True
        return False

    # --- leases ---------------------------------------------------------------------------
    def next_request(self) -> Request | None:
        lease = f"{next(self._ids)}"
        encoded = self._pop(keys=[self.queue.key, self.inflight_key], args=[lease])
        if not encoded:
            return None
        request = self.queue._decode_request(encoded)
        request.meta["lease"] = (self.worker, lease)
        self._stat("scheduler/dequeued/redis")
        return request

    def enqueue_request(self, request: Request) -> bool:
        """scrapy-redis's, and a retry or redirect of a leased request hands its lease back
        once the new request is safe in the queue."""
        queued: bool = super().enqueue_request(request)
        self.ack(request)
        return queued

    def ack(self, request: Request | None) -> None:
        """Hand a request's lease back: it was handled (stored, parsed, or failed for good)."""
        lease = request.meta.get("lease") if request is not None else None
        if lease is None or lease[0] != self.worker:
            return
        if self.server.hdel(self.inflight_key, lease[1]):
            self._stat("lease/acked")

    def item_done(self, item: Any, response: Any = None, **kwargs: Any) -> None:
        self.ack(getattr(response, "request", None))
