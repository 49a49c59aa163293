"""The band log as one row per append: ``dedup_bands_log`` (``seq``, ``keys``, ``docs``: a
batch's band rows as two little-endian int64 blobs) replaces one row per band row, which cost
PostgreSQL ~1.7 us a row to append (identity, heap, ``seq`` key), 32 rows an article. The rows
in the old log are merged into ``dedup_bands`` first, so the index keeps all of them.

Revision ID: 0006
"""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _seq() -> sa.Column:
    # SQLite: INTEGER PRIMARY KEY AUTOINCREMENT (a seq is never reused after a merge deleted
    # the rows); PostgreSQL: a bigint identity
    return sa.Column(
        "seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), sa.Identity(), primary_key=True
    )


def _merge(sql: str) -> None:
    """Run ``sql`` (an INSERT into dedup_bands) skipping rows already there."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(sql.replace("INSERT INTO", "INSERT OR IGNORE INTO"))
    else:
        op.execute(sql + " ON CONFLICT DO NOTHING")


def upgrade() -> None:
    _merge(
        "INSERT INTO dedup_bands (key, doc) SELECT key, doc FROM dedup_bands_log ORDER BY key, doc"
    )
    op.drop_table("dedup_bands_log")
    op.create_table(
        "dedup_bands_log",
        _seq(),
        sa.Column("keys", sa.LargeBinary, nullable=False),
        sa.Column("docs", sa.LargeBinary, nullable=False),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT keys, docs FROM dedup_bands_log")).all()
    op.drop_table("dedup_bands_log")
    op.create_table(
        "dedup_bands_log",
        _seq(),
        sa.Column("key", sa.BigInteger, nullable=False),
        sa.Column("doc", sa.BigInteger, nullable=False),
        sqlite_autoincrement=True,
    )
    bands = [
        {"key": key, "doc": doc}
        for keys, docs in rows
        for key, doc in zip(
            np.frombuffer(bytes(keys), dtype="<i8").tolist(),
            np.frombuffer(bytes(docs), dtype="<i8").tolist(),
            strict=True,
        )
    ]
    if bands:
        insert = "INSERT INTO dedup_bands (key, doc) VALUES (:key, :doc)"
        if bind.dialect.name == "sqlite":
            bind.execute(sa.text(insert.replace("INSERT", "INSERT OR IGNORE")), bands)
        else:
            bind.execute(sa.text(insert + " ON CONFLICT DO NOTHING"), bands)
