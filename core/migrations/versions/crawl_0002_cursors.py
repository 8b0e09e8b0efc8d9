"""crawl: one cursor per source (the newest Telegram / VK post id seen) so later runs fetch only newer posts

Revision ID: crawl_0002_cursors
Revises: crawl_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from healthpulse.core.models.base import UTCDateTime

revision = "crawl_0002_cursors"
down_revision = "crawl_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crawl_cursors",
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("cursor", sa.String(length=200), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_crawl_cursors")),
    )


def downgrade() -> None:
    op.drop_table("crawl_cursors")
