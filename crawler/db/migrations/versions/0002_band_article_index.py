"""Index signature bands by article, so replacing an article's signature needs no table scan.

Revision ID: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_signature_bands_article_id", "signature_bands", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_signature_bands_article_id", "signature_bands")
