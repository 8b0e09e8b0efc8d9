"""alerts: tickets.version — optimistic locking, so two staff acting on one ticket cannot lose an update

Every UPDATE of a ticket compares the version it read; a state change
(status, assignee, severity, department, close/reopen) increments it.

Revision ID: alerts_0004_ticket_version
Revises: alerts_0003_event_time
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "alerts_0004_ticket_version"
down_revision = "alerts_0003_event_time"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("version")
