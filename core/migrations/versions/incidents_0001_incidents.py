"""incidents, incident_documents (with the signals that linked each), incident_decisions (staff split/merge)

Additive: three new tables (issue 20).

Revision ID: incidents_0001
Revises: core_0003_embedding
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from healthpulse.core.models.base import UTCDateTime

revision = "incidents_0001"
down_revision = "core_0003_embedding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("department_id", sa.String(64), nullable=True, index=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("merged_into", sa.Integer(), sa.ForeignKey("incidents.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "incident_documents",
        sa.Column("document_id", sa.String(128), sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id"), nullable=False, index=True),
        sa.Column("event_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("linked_by", sa.String(16), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "incident_decisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime(), nullable=False, index=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id"), nullable=False, index=True),
        sa.Column("other_incident_id", sa.Integer(), sa.ForeignKey("incidents.id"), nullable=True),
        sa.Column("document_id", sa.String(128), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("incident_decisions")
    op.drop_table("incident_documents")
    op.drop_table("incidents")
