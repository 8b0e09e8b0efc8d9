"""Stored documents (the source of truth) and the index outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.core.models.base import Base, UTCDateTime
from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), index=True)
    source: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    language_hint: Mapped[str | None] = mapped_column(String(8))
    department_hint: Mapped[str | None] = mapped_column(String(64))
    author: Mapped[str | None] = mapped_column(String(300))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    story_id: Mapped[str | None] = mapped_column(String(64), index=True)
    media: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Social posts: {views, reactions, forwards, comments} and the one number alerts and the press rank by.
    reach: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    reach_score: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    analysis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Analysis.embedding as little-endian float32 bytes (core.vectors): incidents and semantic search.
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # Denormalised analysis fields, for filters in SQL (tickets, KPIs, reports).
    language: Mapped[str | None] = mapped_column(String(8), index=True)
    department: Mapped[str | None] = mapped_column(String(64), index=True)
    sentiment: Mapped[str | None] = mapped_column(String(16))
    health_related: Mapped[bool | None] = mapped_column(Boolean)
    incident: Mapped[bool | None] = mapped_column(Boolean, index=True)
    severity: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IndexOutboxRow(Base):
    """A pending write to the search index, committed with the document it refers to.

    Rows are deleted once the index accepted the write; a failure keeps the
    row with a later ``next_attempt_at`` (backoff), so nothing is lost while
    the search node is down.  A permanent rejection (mapping error) is kept
    with ``rejected=True`` and its reason, for an operator to see.
    """

    __tablename__ = "index_outbox"
    __table_args__ = (Index("ix_index_outbox_due", "rejected", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(128), ForeignKey("documents.id"), index=True)
    op: Mapped[str] = mapped_column(String(16), default="upsert")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    rejected: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class JobRow(Base):
    """A unit of background work on the DB-backed queue."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_claim", "state", "run_after"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="queued")  # queued|running|done|dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duration_s: Mapped[float | None] = mapped_column(Float)
