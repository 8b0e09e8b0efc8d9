"""Staff corrections of analyses and confirmed place aliases.

Revision ID: corr_0001
Revises: core_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from healthpulse.core.models.base import UTCDateTime

revision = "corr_0001"
down_revision = "core_0001"
branch_labels = ("corrections",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analysis_corrections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.String(length=128), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("old_value", sa.JSON(), nullable=True),
        sa.Column("new_value", sa.JSON(), nullable=True),
        sa.Column("department_before", sa.String(length=64), nullable=True),
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_analysis_corrections_document_id_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_corrections")),
    )
    op.create_index("ix_analysis_corrections_doc_at", "analysis_corrections", ["document_id", "created_at"])
    op.create_index(op.f("ix_analysis_corrections_department_before"), "analysis_corrections", ["department_before"])
    op.create_index(op.f("ix_analysis_corrections_created_at"), "analysis_corrections", ["created_at"])

    op.create_table(
        "place_aliases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("document_id", sa.String(length=128), nullable=True),
        sa.Column("confirmed_by", sa.String(length=200), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_aliases")),
        sa.UniqueConstraint("department_id", "place", name="uq_place_aliases_department_place"),
    )
    op.create_index(op.f("ix_place_aliases_department_id"), "place_aliases", ["department_id"])


def downgrade() -> None:
    op.drop_table("place_aliases")
    op.drop_table("analysis_corrections")
