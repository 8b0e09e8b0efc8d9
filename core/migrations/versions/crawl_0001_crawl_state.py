"""Crawl state: seen URLs with validators, story fingerprints, per-source run stats.

Revision ID: crawl_0001
Revises: core_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from healthpulse.core.models.base import UTCDateTime

revision = "crawl_0001"
down_revision = "core_0001"
branch_labels = ("crawl",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crawl_urls",
        sa.Column("url_hash", sa.String(length=40), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("document_id", sa.String(length=128), nullable=True),
        sa.Column("content_hash", sa.String(length=40), nullable=True),
        sa.Column("etag", sa.String(length=255), nullable=True),
        sa.Column("last_modified", sa.String(length=64), nullable=True),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("last_fetched_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("url_hash", name=op.f("pk_crawl_urls")),
    )
    op.create_index(op.f("ix_crawl_urls_source_id"), "crawl_urls", ["source_id"], unique=False)
    op.create_index(op.f("ix_crawl_urls_content_hash"), "crawl_urls", ["content_hash"], unique=False)

    op.create_table(
        "crawl_story_fingerprints",
        sa.Column("document_id", sa.String(length=128), nullable=False),
        sa.Column("story_id", sa.String(length=128), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("num_perm", sa.Integer(), nullable=False),
        sa.Column("minhash", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_crawl_story_fingerprints")),
    )
    op.create_index(
        op.f("ix_crawl_story_fingerprints_story_id"), "crawl_story_fingerprints", ["story_id"], unique=False
    )
    op.create_index(
        op.f("ix_crawl_story_fingerprints_created_at"), "crawl_story_fingerprints", ["created_at"], unique=False
    )

    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=False),
        sa.Column("fetched", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("not_modified", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_index(op.f("ix_crawl_runs_run_id"), "crawl_runs", ["run_id"], unique=False)
    op.create_index(op.f("ix_crawl_runs_source_id"), "crawl_runs", ["source_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_crawl_runs_source_id"), table_name="crawl_runs")
    op.drop_index(op.f("ix_crawl_runs_run_id"), table_name="crawl_runs")
    op.drop_table("crawl_runs")
    op.drop_index(op.f("ix_crawl_story_fingerprints_created_at"), table_name="crawl_story_fingerprints")
    op.drop_index(op.f("ix_crawl_story_fingerprints_story_id"), table_name="crawl_story_fingerprints")
    op.drop_table("crawl_story_fingerprints")
    op.drop_index(op.f("ix_crawl_urls_content_hash"), table_name="crawl_urls")
    op.drop_index(op.f("ix_crawl_urls_source_id"), table_name="crawl_urls")
    op.drop_table("crawl_urls")
