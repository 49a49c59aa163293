"""WorkerPool: the one process pool of a crawl, so trafilatura and OpenCC never run on the
reactor thread. Pipelines find it with ``crawler.get_extension(WorkerPool)``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

from scrapy import signals

from crawler.lifeline import die_with

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy.crawler import Crawler

T = TypeVar("T")


# imported once in the fork server, so every worker starts with them loaded
PRELOAD = [
    "pipelines",
    "pipelines.extract",
    "pipelines.normalize",
    "pipelines.dedup.hashing",
    "crawler.lifeline",
]


def make_pool(workers: int = 0) -> Executor:
    """A process pool of ``workers`` processes (0: one per core), started by forkserver so
    workers never inherit the reactor or open WARC files. Workers exit when this process dies
    (``crawler.lifeline``), even by SIGKILL, and the fork server and resource tracker with them."""
    count = workers or os.cpu_count() or 1
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=die_with, initargs=(os.getpid(),)
    )


class _SharedPool:
    """One pool per process, shared by every crawler in it (``scrapy refresh`` runs one crawler
    per site): N crawlers must not start N pools on the same cores."""

    pool: Executor | None = None
    users = 0

    @classmethod
    def acquire(cls, workers: int) -> Executor:
        if cls.pool is None:
            cls.pool = make_pool(workers)
        cls.users += 1
        return cls.pool

    @classmethod
    def replace_broken(cls, broken: Executor, workers: int) -> Executor:
        """A fresh pool in place of one whose worker died (every later task would fail)."""
        if cls.pool is broken:
            broken.shutdown(wait=False, cancel_futures=True)
            cls.pool = make_pool(workers)
        return cls.pool or broken

    @classmethod
    def release(cls) -> None:
        cls.users -= 1
        if cls.users <= 0 and cls.pool is not None:
            cls.pool.shutdown(wait=True, cancel_futures=True)
            cls.pool, cls.users = None, 0


class WorkerPool:
    """Runs CPU-bound functions in worker processes.

    Settings: ``EXTRACT_WORKERS`` (0: one per core; -1: run in the reactor thread, for debugging).
    """

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers
        self._pool: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerPool:
        ext = cls(crawler.settings.getint("EXTRACT_WORKERS", 0))
        crawler.signals.connect(ext.close, signal=signals.spider_closed)
        return ext

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` in a worker process (inline when ``EXTRACT_WORKERS`` is -1)."""
        if self.workers < 0:
            return func(*args)
        if self._pool is None:
            self._pool = _SharedPool.acquire(self.workers)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, func, *args)
        except BrokenProcessPool:
            # a worker died (killed, out of memory, a crash in a C extension): start a new pool
            # so the rest of the crawl goes on; the caller counts this page as a skip
            self._pool = _SharedPool.replace_broken(self._pool, self.workers)
            raise

    def close(self) -> None:
        if self._pool is not None:
            self._pool = None
            _SharedPool.release()
