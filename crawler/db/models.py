"""What we keep: SQLAlchemy 2.0 typed models. The schema is created and upgraded by Alembic
(``crawler/db/migrations``), never by ``create_all``, so a database made by an older release is
upgraded in place.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
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
    """The MinHash signature of an article, for near-duplicate checks across runs."""

    __tablename__ = "signatures"

    article_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    minhash: Mapped[list[int]] = mapped_column(JSON)


class BandRow(Base):
    """LSH band keys: two articles sharing a key are near-duplicate candidates."""

    __tablename__ = "signature_bands"
    __table_args__ = (
        Index("ix_signature_bands_band", "band"),
        Index("ix_signature_bands_article_id", "article_id"),
    )

    band: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_id: Mapped[str] = mapped_column(String(32), primary_key=True)


class CrawlRunRow(Base):
    """One crawl, refresh or replay of one site, with its figures for ``scrapy report``."""

    __tablename__ = "crawl_runs"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    started: Mapped[str] = mapped_column(String(32))
    finished: Mapped[str | None] = mapped_column(String(32))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
