"""press: saved dashboard views (issue 20.3)

Revision ID: press_0001
Revises: web_0001
Create Date: 2026-11-30
"""

import healthpulse.core.models.base
import sqlalchemy as sa
from alembic import op

revision = "press_0001"
down_revision = "web_0001"
branch_labels = ("press",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "press_saved_views",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", healthpulse.core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["web_users.id"], name=op.f("fk_press_saved_views_user_id_web_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_press_saved_views")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_press_saved_views_user_id")),
    )
    with op.batch_alter_table("press_saved_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_press_saved_views_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("press_saved_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_press_saved_views_user_id"))
    op.drop_table("press_saved_views")
