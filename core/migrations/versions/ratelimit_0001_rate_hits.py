"""Rate-limit counters in the database (web_rate_hits).

Revision ID: ratelimit_0001
Revises: core_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from healthpulse.core.models.base import UTCDateTime

revision = "ratelimit_0001"
down_revision = "core_0001"
branch_labels = ("ratelimits",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_rate_hits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bucket", sa.String(length=32), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_rate_hits")),
    )
    op.create_index("ix_web_rate_hits_lookup", "web_rate_hits", ["bucket", "key_hash", "at"])
    op.create_index(op.f("ix_web_rate_hits_at"), "web_rate_hits", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_web_rate_hits_at"), table_name="web_rate_hits")
    op.drop_index("ix_web_rate_hits_lookup", table_name="web_rate_hits")
    op.drop_table("web_rate_hits")
