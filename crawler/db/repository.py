"""The few queries everyone needs: store an article (keeping earlier versions), record a
capture's validators, read the dataset back for export.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crawler.db.models import ArticleRow, ArticleVersionRow, CaptureRow
from model.items import Article

# fields whose change makes a new version of an article
VERSIONED = ("title", "published", "author", "source", "editor", "text", "content_hash")
COLUMNS = (
    "url", "site", "title", "published", "author", "source", "editor", "text", "text_original",
    "script", "content_hash", "duplicate_of", "cluster", "fetched", "extractor_version",
    "charset", "flags",
)  # fmt: skip


def row_to_article(row: ArticleRow) -> Article:
    warc = None
    if row.warc_file is not None:
        warc = {"file": row.warc_file, "offset": row.warc_offset, "length": row.warc_length}
    data = {name: getattr(row, name) for name in COLUMNS}
    return Article(id=row.id, warc=warc, **data)


def _row_values(article: Article) -> dict[str, Any]:
    values = {name: getattr(article, name) for name in COLUMNS}
    warc = article.warc or {}
    values.update(
        warc_file=warc.get("file"), warc_offset=warc.get("offset"), warc_length=warc.get("length")
    )
    values["flags"] = list(article.flags)
    return values


def store_article(session: Session, article: Article) -> str:
    """Insert or update one article; return ``new``, ``changed`` or ``unchanged``.

    An article whose text, title, date or people changed keeps its previous version in
    ``article_versions``. Cluster fields are written by the dedup stage, not compared here.
    """
    # read afresh: a copy the session loaded earlier (its objects outlive commits) may be stale,
    # and the update writes only the columns that differ from it: another process's offset
    # would stay beside this one's file
    with session.no_autoflush:
        row = session.get(ArticleRow, article.id, populate_existing=True)
    values = _row_values(article)
    if row is None:  # a Core insert: no unit-of-work bookkeeping for the common case
        session.execute(insert(ArticleRow), [{"id": article.id, "version": 1, **values}])
        return "new"
    changed = any(getattr(row, name) != values[name] for name in VERSIONED)
    if changed:
        old = {name: getattr(row, name) for name in (*COLUMNS, "warc_file", "warc_offset")}
        session.add(ArticleVersionRow(article_id=row.id, version=row.version, data=old))
        row.version += 1
    for name, value in values.items():
        setattr(row, name, value)
    return "changed" if changed else "unchanged"


def store_articles(session: Session, articles: Sequence[Article]) -> list[str]:
    """:func:`store_article` for a batch, in order: one SELECT finds the stored ids, the new
    articles go in with one executemany INSERT; a stored (or repeated) one takes the
    one-article path, so its earlier version is kept as before."""
    known = _stored_ids(session, sorted({article.id for article in articles}))
    pending: list[Article] = []
    pending_ids: set[str] = set()
    outcomes = []
    for article in articles:
        if article.id in known:
            if article.id in pending_ids:
                _insert_rows(session, pending)
                pending, pending_ids = [], set()
            outcomes.append(store_article(session, article))
        else:
            pending.append(article)
            pending_ids.add(article.id)
            known.add(article.id)
            outcomes.append("new")
    if pending:
        _insert_rows(session, pending)
    return outcomes


def _stored_ids(session: Session, ids: list[str]) -> set[str]:
    """Which of ``ids`` are stored: on the DB-API cursor on SQLite and PostgreSQL (SQLAlchemy
    compiling a 1,000-element ``IN`` cost ~8 µs an id), after a flush of the session's pending
    changes (the ORM query it replaced flushed them too)."""
    session.flush()
    connection = session.connection()
    dialect = connection.dialect.name
    known: set[str] = set()
    for start in range(0, len(ids), 10_000):
        chunk = ids[start : start + 10_000]
        if dialect == "postgresql":
            rows = connection.exec_driver_sql(
                "SELECT id FROM articles WHERE id = ANY(%s::text[])", (chunk,)
            )
        elif dialect == "sqlite":
            marks = ",".join("?" * len(chunk))
            rows = connection.exec_driver_sql(
                f"SELECT id FROM articles WHERE id IN ({marks})", tuple(chunk)
            )
        else:
            known.update(session.scalars(select(ArticleRow.id).where(ArticleRow.id.in_(chunk))))
            continue
        known.update(row[0] for row in rows)
    return known


_NEW = ("id", "version", *COLUMNS, "warc_file", "warc_offset", "warc_length")
_FLAGS = _NEW.index("flags")


def _new_row(article: Article) -> tuple[Any, ...]:
    """The column values of :data:`_NEW` for a new article (``flags`` as JSON text)."""
    values = [article.id, 1, *(getattr(article, name) for name in COLUMNS)]
    values[_FLAGS] = json.dumps(list(article.flags)) if article.flags else "[]"
    warc = article.warc or {}
    values += [warc.get("file"), warc.get("offset"), warc.get("length")]
    return tuple(values)


def _insert_rows(session: Session, articles: list[Article]) -> None:
    """New article rows on the DB-API cursor (SQLAlchemy's ORM bulk insert cost ~200 µs an
    article in the writer thread): one executemany on SQLite, one ``COPY`` on PostgreSQL (its
    executemany runs an INSERT per row on the server); other databases take the ORM path."""
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        rows = [{"id": a.id, "version": 1, **_row_values(a)} for a in articles]
        session.execute(insert(ArticleRow), rows)
        return
    values = [_new_row(article) for article in articles]
    if dialect == "postgresql":
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY articles ({', '.join(_NEW)}) FROM STDIN") as copy:
            for value in values:
                copy.write_row(value)
        cursor.close()
        return
    connection.exec_driver_sql(
        f"INSERT INTO articles ({', '.join(_NEW)}) VALUES ({', '.join(['?'] * len(_NEW))})",
        values,
    )


def record_captures(session: Session, captures: Sequence[dict[str, Any]]) -> None:
    """:func:`record_capture` for many (the last capture of a URL wins). SQLite and PostgreSQL,
    when every capture has the same ``captures`` columns (the crawl's and replay's): one upsert
    of fixed text on the DB-API cursor, an executemany (SQLAlchemy compiled the dialect's
    ``on_conflict_do_update`` for every batch, ~2 ms of the writer's CPU)."""
    latest = {values["url"]: values for values in captures}
    if not latest:
        return
    connection = session.connection()
    dialect = connection.dialect.name
    keys = {tuple(sorted(values)) for values in latest.values()}
    names = next(iter(keys))
    if (
        dialect not in ("sqlite", "postgresql")
        or len(keys) != 1
        or len(names) < 2
        or not set(names) <= set(CaptureRow.__table__.columns.keys())
    ):
        for values in latest.values():
            record_capture(session, values)
        return
    mark = "?" if dialect == "sqlite" else "%s"
    updates = ", ".join(f"{name} = excluded.{name}" for name in names if name != "url")
    connection.exec_driver_sql(
        f"INSERT INTO captures ({', '.join(names)}) VALUES ({', '.join([mark] * len(names))}) "
        f"ON CONFLICT (url) DO UPDATE SET {updates}",
        [tuple(values[name] for name in names) for values in latest.values()],
    )


def _dialect_module(dialect: str) -> Any:
    """``sqlalchemy.dialects.sqlite`` or ``.postgresql``, imported when first needed: the
    store process of a SQLite crawl never loads PostgreSQL's dialect (~0.1 s)."""
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite
    from sqlalchemy.dialects import postgresql

    return postgresql


def record_capture(session: Session, values: dict[str, Any]) -> None:
    """Upsert the latest capture of a URL (validators for refresh, WARC location)."""
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        statement = _dialect_module(dialect).insert(CaptureRow).values(**values)
        changes = {k: statement.excluded[k] for k in values if k != "url"}
        session.execute(statement.on_conflict_do_update(index_elements=["url"], set_=changes))
        return
    row = session.get(CaptureRow, values["url"])
    if row is None:
        session.add(CaptureRow(**values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


def iter_articles(
    session: Session, site: str | None = None, since: str | None = None
) -> Iterator[Article]:
    """Stored articles in a stable order (site, then id), optionally one site / fetched since."""
    query = select(ArticleRow).order_by(ArticleRow.site, ArticleRow.id)
    if site:
        query = query.where(ArticleRow.site == site)
    if since:
        query = query.where(ArticleRow.fetched >= since)
    for row in session.scalars(query).yield_per(500):
        yield row_to_article(row)


WARC_LOST = "warc_lost"  # the flag of an article whose response record a repair had to drop


def forget_lost_records(session: Session, file: str, end: int) -> list[str]:
    """A repair is about to drop the bytes of WARC ``file`` from ``end`` on: every article whose
    record lies there is flagged ``warc_lost`` and its pointer cleared (never left naming bytes
    that are gone), and the captures there are forgotten, so the next crawl fetches those pages
    again in full (neither skipped on resume nor answered by a conditional GET) and points the
    articles at the new records. Returns the articles' URLs; the caller commits."""
    from sqlalchemy import delete

    def lost(model: type[ArticleRow | CaptureRow]) -> Any:
        return (model.warc_file == file) & (model.warc_offset + model.warc_length > end)

    urls = []
    for row in session.scalars(select(ArticleRow).where(lost(ArticleRow))):
        row.flags = [*(row.flags or []), *([] if WARC_LOST in (row.flags or []) else [WARC_LOST])]
        row.warc_file = row.warc_offset = row.warc_length = None
        urls.append(row.url)
    session.execute(delete(CaptureRow).where(lost(CaptureRow)))
    session.flush()
    return urls
