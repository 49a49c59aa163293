"""Duplicate index with integer keys: ``dedup_signatures`` (512-byte MinHash + shingle count per
article, keyed by a 64-bit doc number) and ``dedup_bands`` (one signed 64-bit key per band, the
primary key (key, doc) its only index; SQLite: without rowid). They replace ``signatures``
(JSON lists) and ``signature_bands`` (40-byte strings, two indexes). Signatures of stored
articles are recomputed from their text, since the shingles and hashing changed.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CHUNK = 2000


def upgrade() -> None:
    op.create_table(
        "dedup_signatures",
        sa.Column("doc", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("article_id", sa.String(32), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("minhash", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "dedup_bands",
        sa.Column("key", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("doc", sa.BigInteger, primary_key=True, autoincrement=False),
        sqlite_with_rowid=False,
    )
    _reindex(op.get_bind())
    op.drop_table("signature_bands")
    op.drop_table("signatures")


def _reindex(connection: sa.Connection) -> None:
    """The new signatures of every stored article that had one, a chunk at a time."""
    import numpy as np

    from pipelines.dedup import sql
    from pipelines.dedup.hashing import band_keys_many, sketch

    articles = sa.table("articles", sa.column("id"), sa.column("text"))
    signed = sa.table("signatures", sa.column("article_id"))
    query = (
        sa.select(articles.c.id, articles.c.text)
        .where(articles.c.id.in_(sa.select(signed.c.article_id)))
        .order_by(articles.c.id)
    )
    last = ""
    while True:
        rows = connection.execute(query.where(articles.c.id > last).limit(CHUNK)).all()
        if not rows:
            return
        last = rows[-1][0]
        sketches = [(aid, sketch(text or "")) for aid, text in rows]
        sketches = [(aid, s) for aid, s in sketches if s.size]
        if not sketches:
            continue
        keys = band_keys_many(np.array([s.minhash for _, s in sketches], dtype=np.uint32))
        signatures, bands = [], []
        for (aid, s), row in zip(sketches, keys.tolist(), strict=True):
            doc = sql.doc_id(aid)
            blob = np.asarray(s.minhash, dtype="<u4").tobytes()
            signatures.append((doc, aid, s.size, blob))
            bands += [(key, doc) for key in row]
        sql.insert_index(connection, signatures, bands)


def downgrade() -> None:
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
    op.create_index("ix_signature_bands_article_id", "signature_bands", ["article_id"])
    op.drop_table("dedup_bands")
    op.drop_table("dedup_signatures")
