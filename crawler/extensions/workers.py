"""WorkerPool: the one process pool of a crawl, so trafilatura and OpenCC never run on the
reactor thread. Pipelines find it with ``crawler.get_extension(WorkerPool)``.

Tasks reach the pool through a thread of its own (:class:`_Submitter`): ``ProcessPoolExecutor.
submit`` wakes the pool's manager thread with a pipe write, which releases the GIL, and the
reactor thread then waited for the threads that took it (the pool's, the WARC writer's, the
store's) before going on: ~1-3 ms a page on a busy machine, against a queue put that keeps it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import queue
import threading
from concurrent.futures import CancelledError, Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

from scrapy import signals

from crawler.lifeline import die_with, warm_task
from crawler.processes import forkserver

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy.crawler import Crawler

T = TypeVar("T")
logger = logging.getLogger(__name__)


def warm_up(pool: Executor, workers: int) -> None:
    """Start ``pool``'s processes (fork server, preloaded imports, workers) and return once
    they run: done in a thread of its own, since the spawning blocks its caller."""
    count = workers or os.cpu_count() or 1
    try:
        for future in [pool.submit(warm_task) for _ in range(count)]:
            future.result()
    except (RuntimeError, BrokenProcessPool, CancelledError):
        # shut down meanwhile (a replay with nothing readable ends at once): nothing to warm;
        # a pool that broke says so to the task that needs it
        return


def make_pool(workers: int = 0, nice: int = 0) -> Executor:
    """A process pool of ``workers`` processes (0: one per core), started by the crawl's fork
    server (``crawler.processes``) so workers never inherit the reactor or open WARC files.
    Workers exit when this process dies (``crawler.lifeline``), even by SIGKILL, and the fork
    server and resource tracker with them. ``nice``: added to the workers' niceness
    (:func:`crawler.lifeline.die_with`)."""
    count = workers or os.cpu_count() or 1
    return ProcessPoolExecutor(
        max_workers=count,
        mp_context=forkserver(),
        initializer=die_with,
        initargs=(os.getpid(), nice),
    )


class _Submitter:
    """Submits tasks to a pool from a thread of its own; :meth:`submit` only queues them."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[
            tuple[Executor, Callable[..., Any], tuple[Any, ...], Future[Any]] | None
        ] = queue.SimpleQueue()
        self._thread = threading.Thread(
            target=self._run, name="countynews-pool-submit", daemon=True
        )
        self._thread.start()

    def submit(self, pool: Executor, func: Callable[..., T], *args: Any) -> Future[T]:
        """``pool.submit(func, *args)`` from the submitting thread: a future of its result."""
        future: Future[T] = Future()
        self._queue.put((pool, func, args, future))
        return future

    def stop(self) -> None:
        self._queue.put(None)

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            pool, func, args, future = job
            if not future.set_running_or_notify_cancel():
                continue  # cancelled while queued
            try:
                inner = pool.submit(func, *args)
            except BaseException as exc:  # a broken or shut pool
                future.set_exception(exc)
                continue
            inner.add_done_callback(functools.partial(_settle, future))


def _settle(outer: Future[Any], inner: Future[Any]) -> None:
    """``inner``'s outcome into ``outer``."""
    if inner.cancelled():
        outer.set_exception(CancelledError())
    elif (exc := inner.exception()) is not None:
        outer.set_exception(exc)
    else:
        outer.set_result(inner.result())


class _SharedPool:
    """One pool per process, shared by every crawler in it (``scrapy refresh`` runs one crawler
    per site): N crawlers must not start N pools on the same cores."""

    pool: Executor | None = None
    warm: Future[None] | None = None  # done once the pool's processes run
    submitter: _Submitter | None = None
    users = 0
    nice = 0

    @classmethod
    def acquire(cls, workers: int, nice: int = 0) -> Executor:
        if cls.pool is None:
            cls.pool, cls.nice = make_pool(workers, nice), nice
            cls.submitter = _Submitter()
            cls.warm = Future()
            threading.Thread(
                target=cls._warm, args=(cls.pool, workers, cls.warm), name="countynews-pool-start",
                daemon=True,
            ).start()  # fmt: skip
        cls.users += 1
        return cls.pool

    @staticmethod
    def _warm(pool: Executor, workers: int, done: Future[None]) -> None:
        try:
            warm_up(pool, workers)
        except BaseException as exc:  # a broken or shut pool: its next task reports it too
            logger.debug("The extraction pool did not start: %r", exc)
        done.set_result(None)

    @classmethod
    def replace_broken(cls, broken: Executor, workers: int) -> Executor:
        """A fresh pool in place of one whose worker died (every later task would fail)."""
        if cls.pool is broken:
            broken.shutdown(wait=False, cancel_futures=True)
            cls.pool = make_pool(workers, cls.nice)
            cls.warm = None  # started by the next task, as a fresh pool did before
        return cls.pool or broken

    @classmethod
    def release(cls) -> None:
        cls.users -= 1
        if cls.users <= 0 and cls.pool is not None:
            if cls.submitter is not None:
                cls.submitter.stop()
            cls.pool.shutdown(wait=True, cancel_futures=True)
            cls.pool, cls.warm, cls.submitter, cls.users = None, None, None, 0


class WorkerPool:
    """Runs CPU-bound functions in worker processes.

    Settings: ``EXTRACT_WORKERS`` (0: one per core; -1: run in the reactor thread, for debugging),
    ``HELPER_NICE`` (added to the workers' niceness).
    """

    def __init__(self, workers: int = 0, nice: int = 0) -> None:
        self.workers, self.nice = workers, nice
        self._pool: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerPool:
        settings = crawler.settings
        ext = cls(settings.getint("EXTRACT_WORKERS", 0), settings.getint("HELPER_NICE", 0))
        crawler.signals.connect(ext.start, signal=signals.spider_opened)
        crawler.signals.connect(ext.close, signal=signals.spider_closed)
        return ext

    def start(self) -> None:
        """Start the pool's processes in the background (the first pages are fetched
        meanwhile; the ``Backlog`` bounds how many wait for it)."""
        if self.workers >= 0 and self._pool is None:
            self._pool = _SharedPool.acquire(self.workers, self.nice)

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` in a worker process (inline when ``EXTRACT_WORKERS`` is -1)."""
        if self.workers < 0:
            return func(*args)
        self.start()
        assert self._pool is not None
        warm = _SharedPool.warm
        if warm is not None and not warm.done():  # submitting now would block the reactor
            await asyncio.wrap_future(warm)
        submitter = _SharedPool.submitter
        assert submitter is not None
        try:
            return await asyncio.wrap_future(submitter.submit(self._pool, func, *args))
        except BrokenProcessPool:
            # a worker died (killed, out of memory, a crash in a C extension): start a new pool
            # so the rest of the crawl goes on; the caller counts this page as a skip
            self._pool = _SharedPool.replace_broken(self._pool, self.workers)
            raise

    def close(self) -> None:
        if self._pool is not None:
            self._pool = None
            _SharedPool.release()
