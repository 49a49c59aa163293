"""What we keep: SQLAlchemy 2.0 typed models. The schema is created and upgraded by Alembic
(``crawler/db/migrations``), never by ``create_all``, so a database made by an older release is
upgraded in place.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Identity,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ArticleRow(Base):
    """The current version of one article (the exported fields, the WARC record it came from, versioning)."""

    __tablename__ = "articles"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    site: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(32))
    author: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    editor: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    text_original: Mapped[str | None] = mapped_column(Text)
    script: Mapped[str] = mapped_column(String(16), default="simplified")
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    duplicate_of: Mapped[str | None] = mapped_column(String(32))
    cluster: Mapped[str | None] = mapped_column(String(32), index=True)
    fetched: Mapped[str | None] = mapped_column(String(32), index=True)
    warc_file: Mapped[str | None] = mapped_column(Text)
    warc_offset: Mapped[int | None] = mapped_column(Integer)
    warc_length: Mapped[int | None] = mapped_column(Integer)
    extractor_version: Mapped[str] = mapped_column(String(32), default="")
    charset: Mapped[str | None] = mapped_column(String(64))
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ArticleVersionRow(Base):
    """An earlier version of an article, kept when an edit replaced it."""

    __tablename__ = "article_versions"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class CaptureRow(Base):
    """The last capture of a URL: validators for conditional GET and where its record is."""

    __tablename__ = "captures"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    site: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[int] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    fetched: Mapped[str | None] = mapped_column(String(32))
    warc_file: Mapped[str | None] = mapped_column(Text)
    warc_offset: Mapped[int | None] = mapped_column(Integer)
    warc_length: Mapped[int | None] = mapped_column(Integer)
    article_id: Mapped[str | None] = mapped_column(String(32))


class SignatureRow(Base):
    """The MinHash signature of an article (128 little-endian uint32, 512 bytes) and its
    number of distinct shingles, for near-duplicate checks across runs. ``doc`` is the
    article's 64-bit integer key (``pipelines.dedup.sql.doc_id``), shared with the bands."""

    __tablename__ = "dedup_signatures"

    doc: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    article_id: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    minhash: Mapped[bytes] = mapped_column(LargeBinary)


class BandRow(Base):
    """LSH band keys (band number and rows hashed into one signed 64-bit int): two articles
    sharing a key are near-duplicate candidates. The primary key (key, doc) is the one index:
    lookups by key, deletes by (key, doc); SQLite stores it without rowid (one b-tree)."""

    __tablename__ = "dedup_bands"
    __table_args__ = ({"sqlite_with_rowid": False},)

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    doc: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class BandLogRow(Base):
    """Recent band rows, one row per append (a batch's band rows: ``keys`` and ``docs`` as
    two little-endian int64 blobs) in ``seq`` order (no index by key: a batch writes one row,
    not one random leaf of ``dedup_bands`` per band row); every writer holds the log in
    memory and it is merged into ``dedup_bands`` in key order when it grows past a bound
    (:mod:`pipelines.dedup.index`). ``seq`` is never reused (SQLite: AUTOINCREMENT)."""

    __tablename__ = "dedup_bands_log"
    __table_args__ = ({"sqlite_autoincrement": True},)

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True
    )
    keys: Mapped[bytes] = mapped_column(LargeBinary)
    docs: Mapped[bytes] = mapped_column(LargeBinary)


class CrawlRunRow(Base):
    """One crawl, refresh or replay of one site, with its figures for ``scrapy report``."""

    __tablename__ = "crawl_runs"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    started: Mapped[str] = mapped_column(String(32))
    finished: Mapped[str | None] = mapped_column(String(32))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
