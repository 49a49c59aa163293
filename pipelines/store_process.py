"""StoreProcess: the store writer (:class:`pipelines.store.BatchWriter`) in a process of its own,
so dedup and store (SQLAlchemy, numpy, the duplicate index) hold no lock of the crawl's
process: its reactor thread only pickles each article onto a queue.

Same contract as ``BatchWriter``: :meth:`StoreProcess.submit` returns a future that resolves to
``(kind, outcome)`` once the article's transaction committed, or fails with :class:`StoreError`.
What was not committed when the crawl dies is in no database: the resumed crawl reads those
pages back from their WARC records (``crawler.middlewares.warc_resume``) and stores them then. The process ignores Ctrl-C (a terminal sends it
to the whole process group, and the crawl's graceful stop still needs the process to store what
it was sent, until :meth:`close`); SIGTERM ends it (that is how multiprocessing ends a daemon
child left running when the crawl's process exits, after a forced stop), and it exits by itself
when the crawl's process is gone (``crawler.lifeline``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import signal
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkServerContext
    from multiprocessing.queues import Queue

    from model.items import Article

logger = logging.getLogger(__name__)

# jobs for the store process: (seq, "article", article), (seq, "run", (site, kind, started,
# figures)), a list of those (the articles the reactor thread submitted in one turn of its
# loop), None to stop; messages from it: ("ready",), ("error", why), ("done", seq, result),
# ("failed", seq, why), ("answers", [("done" | "failed", seq, result or why), ...]) for a
# batch of articles, ("closed",)

Job = tuple[int, str, Any]


class StoreError(Exception):
    """An article the store process could not store (its reason as text: exceptions from the
    database driver do not always survive pickling)."""


def serve(
    url: str,
    sites_dir: str | None,
    batch: tuple[int, float],
    jobs: Queue[Job | list[Job] | None],
    results: Connection,
    owner: int,
    nice: int = 0,
    names: dict[str, str] | None = None,
) -> None:
    """The store process: open ``url``, then dedup and store what ``jobs`` brings, a batch per
    transaction, answering on ``results`` in commit order, until ``None`` or the owner's end.
    Sites are named for the duplicate index's canonical rule by ``names``, else by their
    profiles in ``sites_dir``, each read when first needed (``model.profiles.SiteNames``). A
    run's figures are stored at once, in a transaction of their own (the crawl sends them once
    its articles were answered)."""
    from crawler.lifeline import die_with

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with(owner, nice)
    send_lock = threading.Lock()

    def send(message: tuple[Any, ...]) -> None:
        with send_lock:
            results.send(message)

    try:
        from crawler.db.figures import store_run
        from crawler.db.session import open_engine, session_factory
        from model.profiles import SiteNames
        from pipelines.store import BatchWriter

        factory = session_factory(open_engine(url))
        size, wait = batch
        # the crawl's articles come every few ms while it downloads: a gap of a quarter of the
        # wait is its end (or a pause), and the last batch is written at once
        writer = BatchWriter(factory, SiteNames(sites_dir, names), size, wait, idle=wait / 4)
    except BaseException as exc:
        send(("error", f"{type(exc).__name__}: {exc}"))
        return
    send(("ready",))

    # a batch's answers go together, in one message, once the batch is settled (the writer
    # calls flush); one settled before its callback was added is sent at once
    answers: list[tuple[str, int, Any]] = []
    answers_lock = threading.Lock()

    def answerer(seq: int) -> Callable[[Future[tuple[str, str]]], None]:
        def answer(future: Future[tuple[str, str]]) -> None:
            exc = future.exception()
            with answers_lock:
                answers.append(
                    ("done", seq, future.result()) if exc is None else ("failed", seq, repr(exc))
                )

        return answer

    def flush() -> None:
        with answers_lock:
            batch = answers[:]
            del answers[:]
        if batch:
            send(("answers", batch))

    writer.after_batch = flush
    backlog: list[Job] = []
    while True:
        if not backlog:
            message = jobs.get()
            if message is None:
                break
            backlog = message if isinstance(message, list) else [message]
        seq, kind, payload = backlog.pop(0)
        if kind == "article":
            future = writer.submit(payload)
            future.add_done_callback(answerer(seq))
            if future.done():  # its batch was written (or refused) before the callback
                flush()
            continue
        try:
            with factory() as session:
                send(("done", seq, store_run(session, *payload)))
        except Exception as exc:
            send(("failed", seq, repr(exc)))
    writer.close()
    flush()
    send(("closed",))


class StoreProcess:
    """Dedup and store in a child process (started at once; it opens the database and reads
    the profiles of ``sites_dir``, default the built-in ones, in the background).

    ``context``: a multiprocessing context (the crawl passes its forkserver, see
    ``crawler.processes``). :attr:`ready` resolves once the process has opened the database
    (or fails with :class:`StoreError`); articles submitted before wait in the queue.
    ``nice``: added to the process's niceness (the crawl's ``HELPER_NICE``). ``names``: site
    names the caller knows (its profiles), so the process need not read them (``serve``).
    """

    def __init__(
        self,
        url: str,
        sites_dir: str | None,
        batch_size: int,
        max_wait: float,
        context: ForkServerContext,
        nice: int = 0,
        names: dict[str, str] | None = None,
    ) -> None:
        self.ready: Future[None] = Future()
        # a Queue, not a pipe: put() returns at once (a feeder thread writes), so the reactor
        # never waits on a busy store process
        self._jobs: Queue[Job | list[Job] | None] = context.Queue()
        receiver, sender = context.Pipe(duplex=False)
        self._receiver = receiver
        # seq -> (None, a concurrent future) or (the event loop, an asyncio future of it)
        self._pending: dict[int, tuple[asyncio.AbstractEventLoop | None, Any]] = {}
        self._outbox: list[Job] = []  # submit_soon's, sent once a loop turn
        self._seq = itertools.count()
        self._lock = threading.Lock()
        self._closed = False
        self._failed: str | None = None
        args = (
            url, sites_dir, (batch_size, max_wait), self._jobs, sender, os.getpid(), nice, names
        )  # fmt: skip
        self._process = context.Process(target=serve, args=args, name="countynews-store")
        self._process.daemon = True
        self._process.start()
        sender.close()  # the child's end: EOF on ours once the child is gone
        self._reader = threading.Thread(target=self._read, name="countynews-store-results")
        self._reader.daemon = True
        self._reader.start()

    def submit(self, article: Article) -> Future[tuple[str, str]]:
        """Queue ``article``; the future resolves after its commit in the store process."""
        return self._send("article", article)

    def submit_soon(self, article: Article) -> asyncio.Future[tuple[str, str]]:
        """:meth:`submit` from the event loop's thread, costing it no other thread's turn:
        the articles of one turn of the loop go to the store process in one message (one
        wake of the queue's feeder thread, not one an article), and the answers of a batch
        come back to the loop in one call (not one wake of the loop an article)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[str, str]] = loop.create_future()
        seq = self._register(loop, future)
        if seq is not None:
            self._outbox.append((seq, "article", article))
            if len(self._outbox) == 1:
                loop.call_soon(self._send_outbox)
        return future

    def _register(self, loop: asyncio.AbstractEventLoop | None, future: Any) -> int | None:
        """The sequence number ``future`` is answered under, or None when it failed at once
        (the store process is gone)."""
        if self._closed:
            raise RuntimeError("the store process is closed")
        with self._lock:
            if self._failed is not None:
                future.set_exception(StoreError(self._failed))
                return None
            seq = next(self._seq)
            self._pending[seq] = (loop, future)
            return seq

    def _send_outbox(self) -> None:
        jobs, self._outbox = self._outbox, []
        if jobs:
            self._jobs.put(jobs)

    def record_run(
        self, site: str, kind: str, started: str, figures: dict[str, Any]
    ) -> Future[list[str]]:
        """Store a run's figures (``crawler.db.figures.store_run``); the future resolves to its
        drift flags once committed."""
        return self._send("run", (site, kind, started, figures))

    def _send(self, kind: str, payload: Any) -> Future[Any]:
        future: Future[Any] = Future()
        seq = self._register(None, future)
        if seq is None:
            return future
        self._send_outbox()  # in order: what submit_soon queued first
        self._jobs.put((seq, kind, payload))
        return future

    def close(self) -> None:
        """Store what was sent, then stop the process (idempotent)."""
        if not self._closed:
            self._closed = True
            self._send_outbox()
            if self._process.is_alive():
                self._jobs.put(None)
        self._reader.join()
        self._process.join()
        self._jobs.cancel_join_thread()  # the process is gone: what it did not read is moot
        self._jobs.close()

    # --- the results thread ---------------------------------------------------------------
    def _read(self) -> None:
        why = "the store process stopped"
        try:
            while True:
                message = self._receiver.recv()
                if message[0] == "answers":
                    self._answer_all(message[1])
                elif message[0] in ("done", "failed"):
                    self._answer_all([message])
                elif message[0] == "ready":
                    logger.debug("The store process is ready")
                    self.ready.set_result(None)
                elif message[0] == "error":
                    why = f"the store process could not open the database: {message[1]}"
                    break
                elif message[0] == "closed":
                    break
        except (EOFError, OSError):
            why = "the store process died"
            logger.error("The store process died; its pending articles are not stored")
        with self._lock:
            self._failed = why
            pending, self._pending = self._pending, {}
        if not self.ready.done():
            self.ready.set_exception(StoreError(why))
        self._settle_all([(entry, "failed", why) for entry in pending.values()])
        self._receiver.close()

    def _answer_all(self, messages: list[tuple[str, int, Any]]) -> None:
        with self._lock:
            entries = [(self._pending.pop(seq), kind, value) for kind, seq, value in messages]
        self._settle_all(entries)

    def _settle_all(self, entries: list[tuple[tuple[Any, Any], str, Any]]) -> None:
        """Settle concurrent futures here, and each loop's futures in one call on its thread."""
        by_loop: dict[Any, list[tuple[Any, str, Any]]] = {}
        for (loop, future), kind, value in entries:
            if loop is None:
                _settle(future, kind, value)
            else:
                by_loop.setdefault(loop, []).append((future, kind, value))
        for loop, settled in by_loop.items():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(_settle_each, settled)


def _settle(future: Any, kind: str, value: Any) -> None:
    if future.done():  # cancelled by its caller
        return
    if kind == "done":
        future.set_result(value)
    else:
        future.set_exception(StoreError(value))


def _settle_each(settled: list[tuple[Any, str, Any]]) -> None:
    for future, kind, value in settled:
        _settle(future, kind, value)
