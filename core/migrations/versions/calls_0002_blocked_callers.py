"""Hotline: numbers whose calls are refused (``healthpulse calls block``).

Revision ID: calls_0002
Revises: calls_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from healthpulse.core.models.base import UTCDateTime

revision = "calls_0002"
down_revision = "calls_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blocked_callers",
        sa.Column("digits", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digits", name=op.f("pk_blocked_callers")),
    )


def downgrade() -> None:
    op.drop_table("blocked_callers")
