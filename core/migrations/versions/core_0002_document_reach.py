"""documents: reach of social posts (views, reactions, forwards, comments) and its ranking score (issue 18)

Additive: two nullable columns; existing documents (news, appeals) keep NULL.

Revision ID: core_0002_reach
Revises: core_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "core_0002_reach"
down_revision = "core_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reach", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("reach_score", sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f("ix_documents_reach_score"), ["reach_score"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_reach_score"))
        batch_op.drop_column("reach_score")
        batch_op.drop_column("reach")
