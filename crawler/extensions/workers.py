"""WorkerPool: the one process pool of a crawl, so trafilatura and OpenCC never run on the
reactor thread. Pipelines find it with ``crawler.get_extension(WorkerPool)``.

A crawl's workers are fed by the event loop itself (:class:`LoopPool`); a replay, which has no
event loop, uses a ``ProcessPoolExecutor`` (:func:`make_pool`). Both start from the crawl's fork
server (``crawler.processes``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import pickle
import threading
from concurrent.futures import CancelledError, Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

from scrapy import signals

from crawler.lifeline import die_with, warm_task
from crawler.processes import forkserver
from crawler.taskpipe import HEADER, frame

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
    (:func:`crawler.lifeline.die_with`). Its workers extract (a replay's): they build no WARC
    records, so the fork server, when this pool starts it, does not load the writer's modules."""
    count = workers or os.cpu_count() or 1
    return ProcessPoolExecutor(
        max_workers=count,
        mp_context=forkserver(capture=False),
        initializer=die_with,
        initargs=(os.getpid(), nice),
    )


def _own_fd(connection: Any) -> int:
    """The file descriptor of ``connection``, taken from it (the connection is closed)."""
    fd = os.dup(connection.fileno())
    connection.close()
    return fd


class _Worker:
    """One worker process and its two pipes, read and written by the event loop (non-blocking
    file descriptors, ``add_reader``/``add_writer``): tasks out, answers in."""

    def __init__(self, pool: LoopPool, process: Any, tasks: int, answers: int) -> None:
        self.pool, self.process, self.tasks, self.answers = pool, process, tasks, answers
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self._out = bytearray()  # what the pipe did not take yet
        self._in = bytearray()
        os.set_blocking(tasks, False)
        os.set_blocking(answers, False)
        pool.loop.add_reader(answers, self._readable)

    def send(self, seq: int, data: bytes, future: asyncio.Future[Any]) -> None:
        self.pending[seq] = future
        message = frame(data)
        if self._out:  # behind what the pipe did not take yet
            self._out += message
            return
        try:
            sent = os.write(self.tasks, message)
        except BlockingIOError:
            sent = 0
        except OSError:
            self.died()
            return
        if sent < len(message):
            self._out += memoryview(message)[sent:]
            self.pool.loop.add_writer(self.tasks, self._writable)

    def _writable(self) -> None:
        try:
            sent = os.write(self.tasks, self._out)
        except BlockingIOError:
            return
        except OSError:
            self.died()
            return
        del self._out[:sent]
        if not self._out:
            self.pool.loop.remove_writer(self.tasks)

    def _readable(self) -> None:
        try:
            data = os.read(self.answers, 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the worker is gone
            self.died()
            return
        self._in += data
        size = HEADER.size
        while len(self._in) >= size:
            (length,) = HEADER.unpack_from(self._in)
            if len(self._in) < size + length:
                return
            seq, ok, value = pickle.loads(memoryview(self._in)[size : size + length])
            del self._in[: size + length]
            future = self.pending.pop(seq, None)
            if future is not None and not future.done():
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    def died(self) -> None:
        """The process is gone (killed, out of memory, a crash in a C extension): its tasks
        fail, and the pool starts another in its place."""
        self.close()
        for future in self.pending.values():
            if not future.done():
                future.set_exception(BrokenProcessPool("an extraction worker process died"))
        self.pending.clear()
        self.pool.lost(self)

    def close(self) -> None:
        """Stop reading and writing and close both pipes (the worker reads the end of its
        tasks and exits)."""
        if self.tasks < 0:
            return
        loop = self.pool.loop
        loop.remove_reader(self.answers)
        loop.remove_writer(self.tasks)
        for fd in (self.tasks, self.answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.tasks = self.answers = -1


class LoopPool:
    """The crawl's extraction processes, fed by the event loop itself through a pair of pipes
    each: a task is pickled and written to the worker with the fewest tasks pending, its answer
    read when the loop sees it. No thread of this process takes part: with
    ``ProcessPoolExecutor`` four threads (submitting, the pool's manager, the queue feeder, the
    results) handed every page on, each taking the GIL from the reactor thread, which then
    waited for it back (~13 futex calls a page on its thread against none in a bare crawl).

    Workers are started by the crawl's fork server in a thread of their own (starting a process
    waits for the server's imports); tasks submitted meanwhile wait for the first worker.
    A worker that dies fails its pending tasks (``BrokenProcessPool``) and is replaced."""

    def __init__(self, workers: int, nice: int, loop: asyncio.AbstractEventLoop) -> None:
        self.size = workers or os.cpu_count() or 1
        self.nice, self.loop = nice, loop
        self.workers: list[_Worker] = []
        self.alive = asyncio.Event()
        self.error: BaseException | None = None
        self.closed = False
        self._seq = itertools.count()
        self._spawn(self.size)

    def _spawn(self, count: int) -> None:
        threading.Thread(
            target=self._start, args=(count,), name="countynews-pool-start", daemon=True
        ).start()

    def _start(self, count: int) -> None:
        """(In a thread.) Start ``count`` workers from the fork server; hand them to the loop."""
        from crawler.taskpipe import serve_tasks

        started = []
        try:
            context = forkserver()
            for _ in range(count):
                tasks_out, tasks_in = context.Pipe(duplex=False)  # (reader, writer)
                answers_out, answers_in = context.Pipe(duplex=False)
                process = context.Process(
                    target=serve_tasks,
                    args=(tasks_out, answers_in, os.getpid(), self.nice),
                    name="countynews-extract",
                    daemon=True,
                )
                process.start()
                tasks_out.close()
                answers_in.close()
                started.append((process, _own_fd(tasks_in), _own_fd(answers_out)))
        except BaseException as exc:
            logger.debug("The extraction pool did not start: %r", exc)
            self.loop.call_soon_threadsafe(self._attach, started, exc)
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            self.loop.call_soon_threadsafe(self._attach, started, None)

    def _attach(self, started: list[tuple[Any, int, int]], error: BaseException | None) -> None:
        for process, tasks, answers in started:
            if self.closed:
                for fd in (tasks, answers):
                    os.close(fd)
                continue
            self.workers.append(_Worker(self, process, tasks, answers))
        if self.workers:
            self.alive.set()
        elif error is not None:
            self.error = error
            self.alive.set()  # wakes the waiting tasks, which fail with it

    def lost(self, worker: _Worker) -> None:
        if worker in self.workers:
            self.workers.remove(worker)
        if not self.workers:
            self.alive.clear()
        if not self.closed:
            self._spawn(1)

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` in a worker process."""
        while not self.workers:
            if self.closed:
                raise BrokenProcessPool("the extraction pool is closed")
            if self.error is not None:
                raise BrokenProcessPool(f"the extraction pool did not start: {self.error!r}")
            await self.alive.wait()
        return await self.submit(func, *args)

    def submit(self, func: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        """``func(*args)`` in a worker process, as a future of the loop: handed to the worker
        with the fewest tasks pending now, or once the first worker runs."""
        if not self.workers:
            return asyncio.ensure_future(self.run(func, *args))
        seq = next(self._seq)
        data = pickle.dumps((seq, func, args), pickle.HIGHEST_PROTOCOL)
        future: asyncio.Future[T] = self.loop.create_future()
        min(self.workers, key=lambda w: len(w.pending)).send(seq, data, future)
        return future

    def close(self) -> None:
        """End the workers (each reads the end of its tasks and exits) and wait for them."""
        self.closed = True
        self.alive.set()  # a task still waiting for a first worker fails (closed)
        workers, self.workers = self.workers, []
        for worker in workers:
            worker.close()
            for future in worker.pending.values():
                future.cancel()
        for worker in workers:
            worker.process.join(5)
            if worker.process.is_alive():
                worker.process.kill()


class _SharedPool:
    """One pool per process, shared by every crawler in it (``scrapy refresh`` runs one crawler
    per site): N crawlers must not start N pools on the same cores."""

    pool: LoopPool | None = None
    users = 0

    @classmethod
    def acquire(cls, workers: int, nice: int = 0) -> LoopPool:
        loop = asyncio.get_running_loop()
        if cls.pool is None or cls.pool.loop is not loop:
            cls.pool = LoopPool(workers, nice, loop)
        cls.users += 1
        return cls.pool

    @classmethod
    def release(cls) -> None:
        cls.users -= 1
        if cls.users <= 0 and cls.pool is not None:
            cls.pool.close()
            cls.pool, cls.users = None, 0


class WorkerPool:
    """Runs CPU-bound functions in worker processes (:class:`LoopPool`).

    Settings: ``EXTRACT_WORKERS`` (0: one per core; -1: run in the reactor thread, for debugging),
    ``HELPER_NICE`` (added to the workers' niceness).
    """

    def __init__(self, workers: int = 0, nice: int = 0) -> None:
        self.workers, self.nice = workers, nice
        self._pool: LoopPool | None = None

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
        """``func(*args)`` in a worker process (inline when ``EXTRACT_WORKERS`` is -1); a
        worker that dies on it raises ``BrokenProcessPool`` (another takes its place)."""
        return await self.submit(func, *args)

    def submit(self, func: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        """``func(*args)`` in a worker process, as a future of the running loop (run at once,
        and the future settled, when ``EXTRACT_WORKERS`` is -1)."""
        if self.workers < 0:
            future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
            try:
                future.set_result(func(*args))
            except Exception as exc:
                future.set_exception(exc)
            return future
        self.start()
        assert self._pool is not None
        return self._pool.submit(func, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool = None
            _SharedPool.release()
