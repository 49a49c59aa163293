"""Initial schema: articles, versions, captures, signatures, LSH bands, crawl runs.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("site", sa.String(100), nullable=False, index=True),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.String(32)),
        sa.Column("author", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("editor", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_original", sa.Text),
        sa.Column("script", sa.String(16), nullable=False),
        sa.Column("content_hash", sa.String(64), index=True),
        sa.Column("duplicate_of", sa.String(32)),
        sa.Column("cluster", sa.String(32), index=True),
        sa.Column("fetched", sa.String(32), index=True),
        sa.Column("warc_file", sa.Text),
        sa.Column("warc_offset", sa.Integer),
        sa.Column("warc_length", sa.Integer),
        sa.Column("extractor_version", sa.String(32), nullable=False),
        sa.Column("charset", sa.String(64)),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "article_versions",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_table(
        "captures",
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("site", sa.String(100), nullable=False, index=True),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("payload_digest", sa.Text),
        sa.Column("fetched", sa.String(32)),
        sa.Column("warc_file", sa.Text),
        sa.Column("warc_offset", sa.Integer),
        sa.Column("warc_length", sa.Integer),
        sa.Column("article_id", sa.String(32)),
    )
    op.create_table(
        "signatures",
        sa.Column("article_id", sa.String(32), primary_key=True),
        sa.Column("minhash", sa.JSON, nullable=False),
    )
    op.create_table(
        "signature_bands",
        sa.Column("band", sa.String(64), primary_key=True),
        sa.Column("article_id", sa.String(32), primary_key=True),
    )
    op.create_index("ix_signature_bands_band", "signature_bands", ["band"])
    op.create_table(
        "crawl_runs",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(100), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("started", sa.String(32), nullable=False),
        sa.Column("finished", sa.String(32)),
        sa.Column("figures", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "crawl_runs",
        "signature_bands",
        "signatures",
        "captures",
        "article_versions",
        "articles",
    ):
        op.drop_table(table)
