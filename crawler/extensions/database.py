"""Database: the extension that owns a crawl's database connection and its store writer.

The item pipelines find it with ``crawler.get_extension(Database)``. It opens the database when
the crawler is made, so a wrong ``DATABASE_URL`` stops the crawl before any request, and closes
it when the engine has stopped, after every item was stored and the crawl's figures written.
Crawlers of one process that share a ``DATABASE_URL`` (``scrapy refresh`` runs one per site)
share one writer thread, so SQLite sees one writer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from scrapy import signals
from sqlalchemy import select

from crawler.db.models import CaptureRow
from crawler.db.session import open_database
from crawler.settings import database_url
from model.profiles import read_profiles
from pipelines.store import BatchWriter

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy.orm import Session, sessionmaker


class _Open:
    """One process-wide entry per database URL: the session factory and the writer."""

    def __init__(self, factory: sessionmaker[Session], writer: BatchWriter) -> None:
        self.factory, self.writer, self.users = factory, writer, 0


class Database:
    """Settings: ``DATABASE_URL`` (default ``sqlite:///<DATA_DIR>/articles.db``),
    ``STORE_BATCH_SIZE``, ``STORE_BATCH_WAIT``, ``SITES_DIR`` (site names for the canonical
    rule of the duplicate index)."""

    _open: ClassVar[dict[str, _Open]] = {}

    def __init__(self, url: str, site_names: dict[str, str], batch_size: int, batch_wait: float):
        self.url = url
        entry = self._open.get(url)
        if entry is None:
            factory = open_database(url)
            writer = BatchWriter(factory, site_names, batch_size, batch_wait)
            entry = self._open[url] = _Open(factory, writer)
        entry.users += 1
        self._entry: _Open | None = entry
        self._known: dict[str, dict[str, dict[str, Any]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Database:
        settings = crawler.settings
        profiles, _refused = read_profiles(settings.get("SITES_DIR"))
        ext = cls(
            database_url(settings),
            {pid: p.name for pid, p in profiles.items()},
            settings.getint("STORE_BATCH_SIZE"),
            settings.getfloat("STORE_BATCH_WAIT"),
        )
        crawler.signals.connect(ext.close, signal=signals.engine_stopped)
        return ext

    @property
    def factory(self) -> sessionmaker[Session]:
        """Sessions for reads and small writes on the reactor thread (figures, refresh)."""
        assert self._entry is not None, "the database is closed"
        return self._entry.factory

    @property
    def writer(self) -> BatchWriter:
        """The dedup-and-store thread."""
        assert self._entry is not None, "the database is closed"
        return self._entry.writer

    def known_captures(self, site: str) -> dict[str, dict[str, Any]]:
        """The stored article captures of ``site`` (URL -> etag, last_modified, fetched), read
        once: what a refresh sends conditional GETs for."""
        if site not in self._known:
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
            entry.writer.close()
            entry.factory.kw["bind"].dispose()
            self._open.pop(self.url, None)
