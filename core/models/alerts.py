"""Alerts raised by rules, their documents, spike baselines and the notification outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.core.models.base import Base, UTCDateTime
from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column


class AlertRow(Base):
    """One alert: a rule fired for a department (NULL = triage queue) about one story/topic.

    Later documents of the same story (or department + topic within the
    grouping window) join it instead of raising a new alert.
    """

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_group", "rule_id", "department_id", "topic", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule_id: Mapped[str] = mapped_column(String(100))
    rule_type: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="fire")  # fire | recover (spike recovery notices)
    department_id: Mapped[str | None] = mapped_column(String(64), index=True)
    topic: Mapped[str | None] = mapped_column(String(64))
    story_id: Mapped[str | None] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    document_count: Mapped[int] = mapped_column(Integer, default=0)
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notified_severity: Mapped[str | None] = mapped_column(String(16))
    notifications_sent: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(200))


class AlertDocumentRow(Base):
    """A document in an alert, keyed by what fired: a document fires a rule once per topic.

    ``rule_id`` and ``topic_key`` (the firing's topic, "" for none) make the key unique, so two
    processes that evaluate the same document at once cannot both alert on it: the second one's
    insert fails and its stage runs again, now seeing the first one's alert.  Per topic because a
    spike rule counts one document in each of its topics.
    """

    __tablename__ = "alert_documents"
    __table_args__ = (
        UniqueConstraint("alert_id", "document_id", name="uq_alert_documents_alert_doc"),
        UniqueConstraint("rule_id", "topic_key", "document_id", name="uq_alert_documents_rule_doc"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(Integer, ForeignKey("alerts.id"), index=True)
    document_id: Mapped[str] = mapped_column(String(128), ForeignKey("documents.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(100))
    topic_key: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SpikeStateRow(Base):
    """Per (spike rule, department, topic): the EWMA baseline and the bucket being counted."""

    __tablename__ = "alert_spike_state"
    __table_args__ = (UniqueConstraint("rule_id", "department_key", "topic", name="uq_alert_spike_state_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule_id: Mapped[str] = mapped_column(String(100))
    department_key: Mapped[str] = mapped_column(String(64))  # "" = no department
    topic: Mapped[str] = mapped_column(String(64))
    bucket_start: Mapped[datetime] = mapped_column(UTCDateTime())
    bucket_count: Mapped[int] = mapped_column(Integer, default=0)
    bucket_documents: Mapped[list[Any]] = mapped_column(JSON, default=list)
    baseline: Mapped[float] = mapped_column(Float, default=0.0)
    buckets_seen: Mapped[int] = mapped_column(Integer, default=0)
    firing_alert_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("alerts.id"))
    fired_bucket: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NotificationRow(Base):
    """The persistent notification outbox.

    A row is written in the same transaction as the alert/ticket change it
    announces and stays ``pending`` until its notifier accepted it; failures
    back off (``next_attempt_at``).  ``idempotency_key`` is unique: the same
    event never produces two rows, and it travels with the message
    (Message-ID / ``Idempotency-Key`` header) so receivers can drop a repeat.
    """

    __tablename__ = "alert_notifications"
    __table_args__ = (Index("ix_alert_notifications_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(16))  # email | webhook
    event: Mapped[str] = mapped_column(String(32))  # alert | escalation | recovery | appeal | breach | survey | digest
    recipient: Mapped[str] = mapped_column(Text)
    department_id: Mapped[str | None] = mapped_column(String(64), index=True)
    alert_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("alerts.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("tickets.id"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    subject: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sending|sent|held|dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
