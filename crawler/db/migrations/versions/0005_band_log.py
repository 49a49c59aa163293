"""Recent band rows in an append-only log: ``dedup_bands_log`` (``seq`` increasing and never
reused, ``key``, ``doc``; no other index), so a batch's 32 x 200 band keys are written to a few
pages at the table's end instead of to thousands of random leaves of ``dedup_bands``; the log
is merged into ``dedup_bands`` in key order when it grows past a bound
(``pipelines/dedup/index.py``).

Revision ID: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dedup_bands_log",
        # SQLite: INTEGER PRIMARY KEY AUTOINCREMENT (a seq is never reused after a merge
        # deleted the rows); PostgreSQL: a bigint identity
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            sa.Identity(),
            primary_key=True,
        ),
        sa.Column("key", sa.BigInteger, nullable=False),
        sa.Column("doc", sa.BigInteger, nullable=False),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    ignore = (
        ("OR IGNORE ", "")
        if op.get_bind().dialect.name == "sqlite"
        else ("", " ON CONFLICT DO NOTHING")
    )
    op.execute(
        f"INSERT {ignore[0]}INTO dedup_bands (key, doc) SELECT key, doc FROM dedup_bands_log"
        f"{ignore[1]}"
    )
    op.drop_table("dedup_bands_log")
