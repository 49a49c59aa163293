"""Database: the extension that owns a crawl's database connection and its store process.

The item pipelines find it with ``crawler.get_extension(Database)``. The commands check the
database before the crawler is made (``crawler.runs.check_run``: a wrong ``DATABASE_URL`` stops
the crawl before any request); this extension starts the store process when the crawler is
made and closes it when the engine has stopped, after every item was stored and the crawl's
figures written. Dedup and store run in that process (``pipelines.store_process``), and so do
the crawl's figures (:meth:`Database.record_run`): the crawl's process only sends it articles,
and imports SQLAlchemy only for what reads the database itself (a refresh's known captures, a
resumed crawl's stored pages, a WARC repair), when it first does. Crawlers of one process that
share a ``DATABASE_URL`` (``scrapy refresh`` runs one per site) share one store process, so
SQLite sees one writer.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy import signals

from crawler.settings import database_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from pipelines.store_process import StoreProcess

logger = logging.getLogger(__name__)


class _Open:
    """One process-wide entry per database URL: the store process, and the session factory
    (reads and small writes on the reactor thread, opened when first needed).

    The store process is started in a thread of its own, started when the crawler is made
    (starting a process waits for the fork server): the first pages are fetched meanwhile, and
    the store pipeline awaits the writer (:meth:`Database.writer_ready`) without blocking the
    reactor. The ``Backlog`` bounds how many pages pile up between their download and their
    commit while it loads (a crawl killed then reads them back from its WARC records)."""

    def __init__(
        self,
        url: str,
        sites_dir: str | None,
        batch: tuple[int, float],
        nice: int = 0,
        names: dict[str, str] | None = None,
    ) -> None:
        self.url, self.users, self.nice, self.names = url, 0, nice, names
        self.engine: Engine | None = None
        self._factory: sessionmaker[Session] | None = None
        self._made: dict[str, Any] = {}
        self.ready: Future[None] = Future()
        self._thread = threading.Thread(
            target=self._make, args=(sites_dir, batch), name="countynews-store-init", daemon=True
        )
        self._lock = threading.Lock()
        self._factory_lock = threading.Lock()

    def start(self) -> None:
        """Load the writer in the background (once)."""
        if self._thread.ident is None:
            with self._lock:
                if self._thread.ident is None:
                    self._thread.start()

    def _make(self, sites_dir: str | None, batch: tuple[int, float]) -> None:
        try:
            from crawler.processes import forkserver
            from pipelines.store_process import StoreProcess

            self._made["writer"] = StoreProcess(
                self.url, sites_dir, *batch, forkserver(), nice=self.nice, names=self.names
            )
        except BaseException as exc:  # re-raised where the writer is first needed
            self._made["error"] = exc
        self.ready.set_result(None)

    def get(self, name: str) -> Any:
        self.start()
        self._thread.join()
        if "error" in self._made:
            raise self._made["error"]
        return self._made[name]

    def factory(self) -> sessionmaker[Session]:
        """The session factory, made on first use (it imports SQLAlchemy and opens the engine,
        the schema checked, in the calling thread)."""
        with self._factory_lock:
            if self._factory is None:
                from crawler.db.session import open_engine, session_factory

                self.engine = open_engine(self.url)
                self._factory = session_factory(self.engine)
            return self._factory

    def close(self) -> None:
        if self._thread.ident is not None:  # started
            self._thread.join()
        writer = self._made.get("writer")
        if writer is not None:
            writer.close()
        if self.engine is not None:
            self.engine.dispose()


class Database:
    """Settings: ``DATABASE_URL`` (default ``sqlite:///<DATA_DIR>/articles.db``),
    ``STORE_BATCH_SIZE``, ``STORE_BATCH_WAIT``, ``SITES_DIR`` (site names for the canonical
    rule of the duplicate index), ``HELPER_NICE`` (added to the store process's niceness)."""

    _open: ClassVar[dict[str, _Open]] = {}

    def __init__(
        self,
        url: str,
        sites_dir: str | None,
        batch_size: int,
        batch_wait: float,
        nice: int = 0,
        names: dict[str, str] | None = None,
    ) -> None:
        self.url = url
        entry = self._open.get(url)
        if entry is None:
            batch = (batch_size, batch_wait)
            entry = self._open[url] = _Open(url, sites_dir, batch, nice, names)
        entry.users += 1
        self._entry: _Open | None = entry
        self._known: dict[str, dict[str, dict[str, Any]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Database:
        settings = crawler.settings
        profile = getattr(crawler.spidercls, "profile", None)
        ext = cls(
            database_url(settings),
            settings.get("SITES_DIR"),
            settings.getint("STORE_BATCH_SIZE"),
            settings.getfloat("STORE_BATCH_WAIT"),
            settings.getint("HELPER_NICE", 0),
            # the crawled site's name: the store process reads no profile for its articles
            {profile.id: profile.name} if profile is not None else None,
        )
        crawler.signals.connect(ext.close, signal=signals.engine_stopped)
        ext.start()  # loaded in the background while the first pages are fetched (see _Open)
        return ext

    def start(self) -> None:
        """Load the writer in the background."""
        if self._entry is not None:
            self._entry.start()

    async def writer_ready(self) -> StoreProcess:
        """The writer, once loaded: awaited on the reactor thread, which goes on meanwhile."""
        assert self._entry is not None, "the database is closed"
        self._entry.start()
        if not self._entry.ready.done():
            await asyncio.wrap_future(self._entry.ready)
        return self.writer

    @property
    def factory(self) -> sessionmaker[Session]:
        """Sessions for reads and small writes on the reactor thread (refresh, resume, WARC
        repair); SQLAlchemy is imported and the engine opened at the first use."""
        assert self._entry is not None, "the database is closed"
        return self._entry.factory()

    @property
    def writer(self) -> StoreProcess:
        """The dedup-and-store process."""
        assert self._entry is not None, "the database is closed"
        return self._entry.get("writer")

    def record_run(self, site: str, kind: str, started: str, figures: dict[str, Any]) -> list[str]:
        """Store one run's figures (``crawl_runs``, with its drift flags, returned) in the store
        process, which has the database open: the crawl's process needs no ORM for them. When
        the store process cannot (it failed or died), they are written from here instead."""
        from crawler.db.figures import store_run

        assert self._entry is not None, "the database is closed"
        try:
            flags: list[str] = self.writer.record_run(site, kind, started, figures).result()
        except Exception as exc:
            logger.debug("The store process did not record the run (%r); recording it here", exc)
            with self.factory() as session:
                flags = store_run(session, site, kind, started, figures)
        return flags

    def known_captures(self, site: str) -> dict[str, dict[str, Any]]:
        """The stored article captures of ``site`` (URL -> etag, last_modified, fetched), read
        once: what a refresh sends conditional GETs for."""
        if site not in self._known:
            from sqlalchemy import select

            from crawler.db.models import CaptureRow

            query = select(CaptureRow).where(
                CaptureRow.site == site,
                CaptureRow.article_id.is_not(None),
                CaptureRow.status == 200,
            )
            with self.factory() as session:
                self._known[site] = {
                    row.url: {"etag": row.etag, "last_modified": row.last_modified,
                              "fetched": row.fetched}
                    for row in session.scalars(query)
                }  # fmt: skip
        return self._known[site]

    def close(self) -> None:
        """Drain the writer and close, once the last crawler of this process using it stops."""
        entry, self._entry = self._entry, None
        if entry is None:
            return
        entry.users -= 1
        if entry.users <= 0:
            entry.close()
            self._open.pop(self.url, None)
