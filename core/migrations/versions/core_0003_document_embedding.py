"""documents: the text's embedding (float32 bytes) for incidents and semantic search (issue 20)

Additive: one nullable column; documents analysed before keep NULL until they are re-analysed.

Revision ID: core_0003_embedding
Revises: core_0002_reach
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "core_0003_embedding"
down_revision = "core_0002_reach"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("embedding", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("embedding")
