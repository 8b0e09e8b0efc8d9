"""Alerts raised by rules, their documents, spike baselines and the notification outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.core.models.base import Base, UTCDateTime
from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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
    # When its documents were published (event time; a spike: its buckets): grouping windows and
    # freshness follow these, not the processing clock.  NULL on alerts from before event time.
    event_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    event_end: Mapped[datetime | None] = mapped_column(UTCDateTime())


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


class SpikeCountRow(Base):
    """A document counted by a spike rule in the event-time bucket it belongs to (the stored history).

    Unique per rule, department, topic and document: a re-ingested or updated copy is not new volume.
    """

    __tablename__ = "alert_spike_counts"
    __table_args__ = (
        UniqueConstraint("rule_id", "department_key", "topic", "document_id", name="uq_alert_spike_counts_doc"),
        Index("ix_alert_spike_counts_bucket", "rule_id", "department_key", "topic", "bucket_start"),
        # A batch's lookups by document (already counted?) and of the rule's first bucket: index reads, not a
        # scan of the whole history (alerts_0005)
        Index("ix_alert_spike_counts_document", "document_id"),
        Index("ix_alert_spike_counts_first", "rule_id", "bucket_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule_id: Mapped[str] = mapped_column(String(100))
    department_key: Mapped[str] = mapped_column(String(64))  # "" = no department
    topic: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[str] = mapped_column(String(128))
    bucket_start: Mapped[datetime] = mapped_column(UTCDateTime())
    event_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SpikeEpisodeRow(Base):
    """A run of anomalous buckets of one spike rule × department × topic, and the alert it raised.

    ``ended`` once a finished bucket after ``last_bucket`` is no longer anomalous.
    """

    __tablename__ = "alert_spike_episodes"
    __table_args__ = (
        UniqueConstraint("rule_id", "department_key", "topic", "first_bucket", name="uq_alert_spike_episodes_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule_id: Mapped[str] = mapped_column(String(100), index=True)
    department_key: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(String(64))
    first_bucket: Mapped[datetime] = mapped_column(UTCDateTime())
    last_bucket: Mapped[datetime] = mapped_column(UTCDateTime())
    alert_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("alerts.id"))
    ended: Mapped[bool] = mapped_column(Boolean, default=False)
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
