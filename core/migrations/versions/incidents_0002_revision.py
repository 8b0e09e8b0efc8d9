"""incidents.revision: moves with every change of an incident's members or span

Ingest keeps the open incidents it scored a batch against and re-reads, for the next batch, only those
whose revision moved (benchmarks/scale.py: re-reading every open incident of the window per batch was
two fifths of ingest at a national crawl's density). Additive: one column, 0 for existing rows.

Revision ID: incidents_0002_revision
Revises: incidents_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "incidents_0002_revision"
down_revision = "incidents_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("revision")
