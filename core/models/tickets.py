"""Tickets (from alerts and citizen appeals), their audit trail, citizen contacts and CSAT surveys.

Tickets are never deleted: every change appends a ``ticket_events`` row
(who, when, what), closing requires a recorded citizen contact when there is
a citizen, and a closed ticket can be reopened.
"""

from __future__ import annotations

from datetime import datetime

from healthpulse.core.models.base import Base, UTCDateTime
from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column


class TicketRow(Base):
    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_queue", "department_id", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    origin: Mapped[str] = mapped_column(String(16))  # alert | appeal
    # One ticket per alert (and per appeal): concurrent stages cannot open a second one.
    alert_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("alerts.id"), index=True, unique=True)
    appeal_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("appeals.id"), unique=True)
    department_id: Mapped[str | None] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(32), index=True)
    topic: Mapped[str | None] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    assignee: Mapped[str | None] = mapped_column(String(200))
    has_citizen: Mapped[bool] = mapped_column(Boolean, default=False)
    citizen_language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    breached: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    contact_count: Mapped[int] = mapped_column(Integer, default=0)
    resolution: Mapped[str | None] = mapped_column(Text)
    public_reply: Mapped[str | None] = mapped_column(Text)
    # Optimistic locking: every UPDATE of the row says ``WHERE version = <the version read>`` (a concurrent
    # writer makes it match no row → StaleDataError).  The number itself moves only on a state change
    # (status, assignee, severity, department, close/reopen: ``lifecycle.changed``), so the ticket page's
    # forms and API clients that send it get a conflict for those, not for an appended note or contact.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class TicketDocumentRow(Base):
    __tablename__ = "ticket_documents"
    __table_args__ = (UniqueConstraint("ticket_id", "document_id", name="uq_ticket_documents_ticket_doc"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(Integer, ForeignKey("tickets.id"), index=True)
    document_id: Mapped[str] = mapped_column(String(128), ForeignKey("documents.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TicketEventRow(Base):
    """The audit log: one row per change (status, assignment, note, contact, SLA, ...)."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(Integer, ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=False)


class CitizenContactRow(Base):
    """A call-back / message to the citizen: channel, when, outcome and by whom."""

    __tablename__ = "ticket_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(Integer, ForeignKey("tickets.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SurveyRow(Base):
    """A one-use CSAT survey; only the SHA-256 of its token is stored."""

    __tablename__ = "ticket_surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(Integer, ForeignKey("tickets.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)


class SlaPolicyRow(Base):
    """SLA hours per severity set by an admin; overrides ``settings.sla_hours``."""

    __tablename__ = "sla_policy"

    severity: Mapped[str] = mapped_column(String(16), primary_key=True)
    hours: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(200))
