"""Drop ``captures.payload_digest``: it was never written (a refresh's 304 becomes a
server-not-modified revisit, which needs no digest).

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("captures") as batch:
        batch.drop_column("payload_digest")


def downgrade() -> None:
    with op.batch_alter_table("captures") as batch:
        batch.add_column(sa.Column("payload_digest", sa.Text))
