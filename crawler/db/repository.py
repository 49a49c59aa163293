"""The few queries everyone needs: store an article (keeping earlier versions), record a
capture's validators, read the dataset back for export.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
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
    with session.no_autoflush:
        row = session.get(ArticleRow, article.id)
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


def record_capture(session: Session, values: dict[str, Any]) -> None:
    """Upsert the latest capture of a URL (validators for refresh, WARC location)."""
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        module = sqlite if dialect == "sqlite" else postgresql
        statement = module.insert(CaptureRow).values(**values)
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
