"""web tables: users, API tokens, FAQ

Revision ID: web_0001
Revises: core_0001
Create Date: 2026-11-25
"""

import healthpulse.core.models.base
import sqlalchemy as sa
from alembic import op

revision = "web_0001"
down_revision = "core_0001"
branch_labels = ("web",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", healthpulse.core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", healthpulse.core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_users")),
        sa.UniqueConstraint("username", name=op.f("uq_web_users_username")),
    )
    with op.batch_alter_table("web_users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_users_department_id"), ["department_id"], unique=False)

    op.create_table(
        "web_api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", healthpulse.core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", healthpulse.core.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["web_users.id"], name=op.f("fk_web_api_tokens_user_id_web_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_api_tokens_token_hash")),
    )
    with op.batch_alter_table("web_api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "faq_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("question", sa.String(length=500), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("useful_yes", sa.Integer(), nullable=False),
        sa.Column("useful_no", sa.Integer(), nullable=False),
        sa.Column("created_at", healthpulse.core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", healthpulse.core.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_entries")),
    )
    with op.batch_alter_table("faq_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_faq_entries_language"), ["language"], unique=False)
        batch_op.create_index(batch_op.f("ix_faq_entries_topic"), ["topic"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("faq_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_faq_entries_topic"))
        batch_op.drop_index(batch_op.f("ix_faq_entries_language"))
    op.drop_table("faq_entries")
    with op.batch_alter_table("web_api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_api_tokens_user_id"))
    op.drop_table("web_api_tokens")
    with op.batch_alter_table("web_users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_users_department_id"))
    op.drop_table("web_users")
