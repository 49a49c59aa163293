"""Dedup and store: the last two stages, which touch the shared duplicate index and the
database. :func:`ingest` does both for one article; :class:`BatchWriter` runs it in a thread of
its own, a batch of articles per transaction, for replay and, inside the store process
(``pipelines.store_process``), for the crawl, so neither replay's reading loop nor Scrapy's
reactor waits on the database.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING

from crawler.db.repository import record_capture, record_captures, store_article, store_articles
from crawler.db.session import store_lock
from pipelines.dedup.index import assign, assign_batch

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from model.items import Article

logger = logging.getLogger(__name__)


def store(session: Session, article: Article) -> str:
    """The article (earlier versions kept) and its capture's validators, after the dedup step
    (which indexed its signature). Returns ``new``, ``changed`` or ``unchanged``; the caller
    commits."""
    outcome = store_article(session, article)
    if article.capture:
        record_capture(session, dict(article.capture, article_id=article.id))
    return outcome


def store_batch(session: Session, articles: Sequence[Article]) -> list[str]:
    """:func:`store` for a batch, in order (one lookup of the known ids, one insert of the new
    articles, one upsert of the captures)."""
    outcomes = store_articles(session, articles)
    record_captures(session, [dict(a.capture, article_id=a.id) for a in articles if a.capture])
    return outcomes


def ingest(session: Session, article: Article, site_names: Mapping[str, str]) -> tuple[str, str]:
    """Dedup then store one article: ``(kind, outcome)``, kind ``unique``/``exact``/``near``,
    outcome ``new``/``changed``/``unchanged``. The caller commits."""
    kind = assign(session, article, site_names)
    return kind, store(session, article)


Job = tuple["Article", "Future[tuple[str, str]]"]


class BatchWriter:
    """Dedup and store in one thread, a batch per transaction.

    :meth:`submit` returns at once with a future that resolves to ``(kind, outcome)`` once the
    article's transaction has committed (or to the exception that kept it out). A batch closes
    at ``batch_size`` articles or ``max_wait`` seconds after its first one (settings
    ``STORE_BATCH_SIZE`` and ``STORE_BATCH_WAIT`` in a crawl or replay). Dedup takes the whole
    batch at once (:func:`pipelines.dedup.index.assign_batch`: a fixed number of lookups per
    batch; articles of one batch see each other as if assigned one by one), then each article
    is stored. With ``idle``, a batch also closes once no article came for that long (a crawl's
    store process: its last articles are not held ``max_wait`` after the last download, while
    the crawl waits for them to close). When the batch's transaction fails, the batch is written again one article per
    savepoint, so only the bad article fails. ``after_batch`` is called in the writer thread once
    every future of a batch is settled, and when the writer stops on an error (the store
    process sends a batch's answers together).
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        site_names: Mapping[str, str],
        batch_size: int,
        max_wait: float,
        after_batch: Callable[[], None] | None = None,
        idle: float | None = None,
    ) -> None:
        self.factory = factory
        self.site_names = site_names
        self.batch_size, self.max_wait = batch_size, max_wait
        self.idle = max_wait if idle is None else min(idle, max_wait)
        self.after_batch = after_batch
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="countynews-store", daemon=True)
        self._closed = False
        self._failed: BaseException | None = None
        self._thread.start()

    def submit(self, article: Article) -> Future[tuple[str, str]]:
        """Queue ``article`` for dedup and store; the future resolves after its commit."""
        if self._closed:
            raise RuntimeError("the store writer is closed")
        future: Future[tuple[str, str]] = Future()
        self._jobs.put((article, future))
        if self._failed is not None:
            self._fail_queued(self._failed)
        return future

    def close(self) -> None:
        """Write what is queued, then stop the thread (idempotent)."""
        if not self._closed:
            self._closed = True
            self._jobs.put(None)
        self._thread.join()

    # --- the writer thread ----------------------------------------------------------------
    def _run(self) -> None:
        try:
            with self.factory() as session:
                self._loop(session)
        except Exception as exc:  # no session at all (database gone): every article fails
            logger.error("The store writer stopped: %r", exc)
            self._failed = exc
            self._fail_queued(exc)
            if self.after_batch is not None:
                self.after_batch()

    def _fail_queued(self, exc: BaseException) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None and not job[1].done():
                job[1].set_exception(exc)

    def _loop(self, session: Session) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            batch = [job]
            deadline = time.monotonic() + self.max_wait
            stop = False
            while len(batch) < self.batch_size:
                wait = min(self.idle, deadline - time.monotonic())
                try:
                    job = self._jobs.get(timeout=max(0.0, wait))
                except queue.Empty:
                    break
                if job is None:
                    stop = True
                    break
                batch.append(job)
            self._write(session, batch)
            if self.after_batch is not None:
                self.after_batch()
            if stop:
                return

    def _write(self, session: Session, batch: list[Job]) -> None:
        try:
            with store_lock(session):  # other processes' batches wait: see store_lock
                articles = [article for article, _ in batch]
                kinds = assign_batch(session, articles, self.site_names)
                results = list(zip(kinds, store_batch(session, articles), strict=True))
                session.commit()
        except Exception:
            session.rollback()
            self._write_one_by_one(session, batch)
            return
        for (_, future), result in zip(batch, results, strict=True):
            future.set_result(result)

    def _write_one_by_one(self, session: Session, batch: list[Job]) -> None:
        done: list[tuple[Future[tuple[str, str]], tuple[str, str]]] = []
        try:
            with store_lock(session):
                self._savepoints(session, batch, done)
                session.commit()
        except Exception as exc:  # the database itself failed: nothing of the batch is kept
            session.rollback()
            logger.error("Could not store a batch of %d articles: %r", len(batch), exc)
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for future, result in done:
            future.set_result(result)

    def _savepoints(
        self,
        session: Session,
        batch: list[Job],
        done: list[tuple[Future[tuple[str, str]], tuple[str, str]]],
    ) -> None:
        """Each article of ``batch`` in a savepoint of its own: only a bad one fails."""
        for article, future in batch:
            nested = session.begin_nested()
            try:
                result = ingest(session, article, self.site_names)
                nested.commit()
            except Exception as exc:
                nested.rollback()
                logger.warning("Could not store %s: %r", article.url, exc)
                future.set_exception(exc)
            else:
                done.append((future, result))
