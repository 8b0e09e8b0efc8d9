"""Hotline calls: every event a PBX reported (kept as received) and one summary row per call.

The events are the evidence: one per call and event type (a PBX that repeats an
event changes nothing).  The summary row is folded from them in any order, so a
hang-up that arrives before the answer still gives the right answer time.
"""

from __future__ import annotations

from datetime import datetime

from healthpulse.core.models.base import Base, UTCDateTime
from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

CALL_EVENTS: tuple[str, ...] = ("newCall", "answer", "hangup")
REFUSED_EVENT = "refused"  # our own record that the exchange was told to refuse a call (a blocked caller)
HANGUP_CAUSES: tuple[str, ...] = ("normalClearing", "busy", "cancel", "noAnswer", "congestion", "notFound",
                                  "forwarded")
DIRECTIONS: tuple[str, ...] = ("inbound", "outbound")


class CallEventRow(Base):
    __tablename__ = "call_events"
    __table_args__ = (UniqueConstraint("call_id", "event", name="uq_call_events_call_event"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(String(128), index=True)
    event: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())  # the PBX's own time of the event (or when received)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    from_number: Mapped[str | None] = mapped_column(String(64))
    to_number: Mapped[str | None] = mapped_column(String(64))
    direction: Mapped[str | None] = mapped_column(String(16))
    user: Mapped[str | None] = mapped_column(String(200))
    queue: Mapped[str | None] = mapped_column(String(64))
    answering_number: Mapped[str | None] = mapped_column(String(64))
    cause: Mapped[str | None] = mapped_column(String(32))
    ivr: Mapped[str | None] = mapped_column(String(32))
    reported_by: Mapped[str] = mapped_column(String(64))  # the pbx account whose token posted it


class CallRow(Base):
    __tablename__ = "calls"

    call_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    direction: Mapped[str | None] = mapped_column(String(16))
    from_number: Mapped[str | None] = mapped_column(String(64), index=True)
    to_number: Mapped[str | None] = mapped_column(String(64), index=True)
    ivr: Mapped[str | None] = mapped_column(String(32))
    department_id: Mapped[str | None] = mapped_column(String(64), index=True)  # None: the triage queue
    topic: Mapped[str | None] = mapped_column(String(64))
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cause: Mapped[str | None] = mapped_column(String(32))
    answered_by: Mapped[str | None] = mapped_column(String(200))
    appeal_id: Mapped[str | None] = mapped_column(String(64), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BlockedCallerRow(Base):
    """A number whose calls the PBX is told to refuse (``healthpulse calls block``); keyed by its digits only."""

    __tablename__ = "blocked_callers"

    digits: Mapped[str] = mapped_column(String(32), primary_key=True)
    number: Mapped[str] = mapped_column(String(64))  # as the admin typed it, normalised
    reason: Mapped[str | None] = mapped_column(String(500))
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
