"""Video intake: tus uploads and video appeal media.

Revision ID: video_0001
Revises: core_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from healthpulse.core.models.base import UTCDateTime

revision = "video_0001"
down_revision = "core_0001"
branch_labels = ("video",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "video_uploads",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("contact_phone", sa.String(length=64), nullable=True),
        sa.Column("contact_email", sa.String(length=200), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("appeal_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"], name=op.f("fk_video_uploads_appeal_id_appeals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_uploads")),
    )
    op.create_index(op.f("ix_video_uploads_state"), "video_uploads", ["state"], unique=False)
    op.create_index(op.f("ix_video_uploads_client_key"), "video_uploads", ["client_key"], unique=False)
    op.create_index(op.f("ix_video_uploads_appeal_id"), "video_uploads", ["appeal_id"], unique=False)
    op.create_index(op.f("ix_video_uploads_created_at"), "video_uploads", ["created_at"], unique=False)

    op.create_table(
        "video_media",
        sa.Column("appeal_id", sa.String(length=64), nullable=False),
        sa.Column("upload_id", sa.String(length=32), nullable=True),
        sa.Column("original_path", sa.Text(), nullable=False),
        sa.Column("audio_path", sa.Text(), nullable=True),
        sa.Column("poster_path", sa.Text(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("container", sa.String(length=16), nullable=True),
        sa.Column("video_codec", sa.String(length=16), nullable=True),
        sa.Column("audio_codec", sa.String(length=16), nullable=True),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("transcript_language", sa.String(length=8), nullable=True),
        sa.Column("segments", sa.JSON(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"], name=op.f("fk_video_media_appeal_id_appeals")),
        sa.PrimaryKeyConstraint("appeal_id", name=op.f("pk_video_media")),
    )


def downgrade() -> None:
    op.drop_table("video_media")
    op.drop_index(op.f("ix_video_uploads_created_at"), table_name="video_uploads")
    op.drop_index(op.f("ix_video_uploads_appeal_id"), table_name="video_uploads")
    op.drop_index(op.f("ix_video_uploads_client_key"), table_name="video_uploads")
    op.drop_index(op.f("ix_video_uploads_state"), table_name="video_uploads")
    op.drop_table("video_uploads")
