"""The persistent notification outbox: queue in the caller's transaction, drain later.

- ``queue_notification`` adds a row keyed by an idempotency key (an event
  announced twice yields one row).
- ``deliver_due`` claims due rows one by one with a compare-and-set UPDATE
  (``pending`` → ``sending`` with a lease), sends outside any transaction,
  then records ``sent`` or backs off (``base * 2**(attempts-1)``, capped);
  after ``max_attempts`` (or a permanent error) the row is ``dead``.
- A worker that dies while holding a row leaves the lease to expire and the
  row is claimed again (a row in ``sending`` without a lease too); one that
  has used up ``max_attempts`` that way is ``dead``.  A row already ``sent``
  is never sent again.
- Any exception while sending one row is recorded on that row (retry with
  backoff, then ``dead``): the run goes on with the other rows.  The only
  window for a repeat (the receiver accepted, we died before recording it)
  is covered by the idempotency key travelling with the message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from healthpulse.alerts.delivery.notifiers.base import DeliveryError, OutgoingMessage
from healthpulse.alerts.rules_file import DeliveryOptions
from healthpulse.core.db import transaction
from healthpulse.core.models.alerts import NotificationRow
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
LEASE_SECONDS = 120.0


def queue_notification(
    session: Session,
    *,
    key: str,
    channel: str,
    event: str,
    recipient: str,
    now: datetime,
    subject: str | None = None,
    payload: dict[str, Any] | None = None,
    language: str = "en",
    department_id: str | None = None,
    alert_id: int | None = None,
    ticket_id: int | None = None,
    hold: bool = False,
) -> NotificationRow | None:
    """Add a notification unless one with ``key`` exists; ``hold`` keeps it for the daily digest."""
    if session.scalar(select(NotificationRow.id).where(NotificationRow.idempotency_key == key)) is not None:
        return None
    for pending in session.new:  # same key added earlier in this unflushed transaction
        if isinstance(pending, NotificationRow) and pending.idempotency_key == key:
            return None
    row = NotificationRow(
        idempotency_key=key, channel=channel, event=event, recipient=recipient, subject=subject,
        payload=payload or {}, language=language, department_id=department_id, alert_id=alert_id,
        ticket_id=ticket_id, state="held" if hold else "pending", attempts=0, next_attempt_at=now, created_at=now,
    )
    session.add(row)
    return row


def _due(now: datetime) -> Any:
    """Pending rows whose time has come, and rows left in ``sending`` past their lease (or with none)."""
    return or_(
        and_(NotificationRow.state == "pending", NotificationRow.next_attempt_at <= now),
        and_(NotificationRow.state == "sending",
             or_(NotificationRow.locked_until.is_(None), NotificationRow.locked_until < now)),
    )


def _claim(factory: sessionmaker[Session], now: datetime, lease: float) -> NotificationRow | None:
    for _ in range(10):
        with transaction(factory) as s:
            found = s.execute(
                select(NotificationRow.id, NotificationRow.state, NotificationRow.attempts)
                .where(_due(now)).order_by(NotificationRow.next_attempt_at, NotificationRow.id).limit(1)
            ).first()
            if found is None:
                return None
            res = s.execute(
                update(NotificationRow)
                .where(NotificationRow.id == found.id, NotificationRow.state == found.state,
                       NotificationRow.attempts == found.attempts)
                .values(state="sending", attempts=found.attempts + 1, locked_until=now + timedelta(seconds=lease))
            )
            if res.rowcount == 1:  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult; Session.execute is typed as Result
                return s.get(NotificationRow, found.id)
    return None


def to_message(row: NotificationRow, now: datetime) -> OutgoingMessage:
    return OutgoingMessage(
        idempotency_key=row.idempotency_key, channel=row.channel, event=row.event, recipient=row.recipient,
        subject=row.subject or "", payload=dict(row.payload or {}), now=now,
    )


def backoff_seconds(attempts: int, options: DeliveryOptions) -> float:
    return float(min(options.max_backoff_seconds, options.base_backoff_seconds * 2 ** max(0, attempts - 1)))


@dataclass
class DeliveryReport:
    sent: int = 0
    retry: int = 0
    dead: int = 0
    next_due: datetime | None = None


def deliver_due(factory: sessionmaker[Session], notifiers: dict[str, Any], now: datetime,
                options: DeliveryOptions, limit: int = 1000) -> DeliveryReport:
    """Send every notification due at ``now``; returns counts and when the next retry is due.

    One row never stops the run: whatever a row raises (a ``DeliveryError``,
    or anything else, e.g. a header the mail library refuses) is recorded on
    that row (retry with backoff, then ``dead``) and the run goes on.
    """
    report = DeliveryReport()
    unreachable: set[tuple[str, str]] = set()
    for _ in range(limit):
        row = _claim(factory, now, LEASE_SECONDS)
        if row is None:
            break
        if row.attempts > options.max_attempts:  # reclaimed after its lease ran out too often: give up on it
            _record(factory, row.id, DeliveryError("stuck in 'sending' past its lease too many times", permanent=True),
                    now, options, report)
            continue
        _record(factory, row.id, _send(row, notifiers, now, unreachable), now, options, report)
    with transaction(factory) as s:
        report.next_due = s.scalar(select(func.min(NotificationRow.next_attempt_at)).where(NotificationRow.state == "pending"))
    return report


def _send(row: NotificationRow, notifiers: dict[str, Any], now: datetime,
          unreachable: set[tuple[str, str]]) -> DeliveryError | None:
    """Deliver one claimed row; every failure comes back as a ``DeliveryError`` (never raised)."""
    target = (row.channel, row.recipient if row.channel == "webhook" else "smtp")
    if target in unreachable:
        return DeliveryError("receiver unreachable earlier in this run")
    notifier = notifiers.get(row.channel)
    if notifier is None:
        return DeliveryError(f"no notifier for channel {row.channel!r}", permanent=True)
    try:
        notifier.send(to_message(row, now))
    except DeliveryError as exc:
        if not exc.permanent:
            unreachable.add(target)
        return exc
    except Exception as exc:  # noqa: BLE001 - a bug or bad data in one row must not stop the others
        log.exception("notification %s: unexpected error while sending", row.id)
        return DeliveryError(f"unexpected {type(exc).__name__}: {exc}")
    return None


def _record(factory: sessionmaker[Session], row_id: int, error: DeliveryError | None, now: datetime,
            options: DeliveryOptions, report: DeliveryReport) -> None:
    """Write the outcome of one attempt: sent, pending again after a backoff, or dead."""
    with transaction(factory) as s:
        r = s.get(NotificationRow, row_id)
        assert r is not None
        r.locked_until = None
        if error is None:
            r.state, r.sent_at, r.last_error = "sent", now, None
            report.sent += 1
            log.info("notification %s %s → %s sent", r.id, r.event, r.channel)
        elif error.permanent or r.attempts >= options.max_attempts:
            r.state, r.last_error = "dead", str(error)[:2000]
            report.dead += 1
            log.error("notification %s %s → %r dead: %s", r.id, r.event, r.recipient, error)
        else:
            r.state, r.last_error = "pending", str(error)[:2000]
            r.next_attempt_at = now + timedelta(seconds=backoff_seconds(r.attempts, options))
            report.retry += 1
            log.warning("notification %s → %s failed (attempt %s), retry at %s: %s",
                        r.id, r.channel, r.attempts, r.next_attempt_at.isoformat(), error)


def outbox_counts(session: Session) -> dict[str, int]:
    return {state: n for state, n in session.execute(
        select(NotificationRow.state, func.count()).group_by(NotificationRow.state))}


def dead_notifications(session: Session, limit: int = 50) -> list[NotificationRow]:
    return list(session.scalars(select(NotificationRow).where(NotificationRow.state == "dead")
                                .order_by(NotificationRow.id.desc()).limit(limit)))


def requeue_dead(session: Session, now: datetime) -> int:
    """Give dead notifications another round (after an operator fixed an address or a receiver)."""
    res = session.execute(update(NotificationRow).where(NotificationRow.state == "dead")
                          .values(state="pending", attempts=0, next_attempt_at=now, locked_until=None))
    return int(res.rowcount or 0)  # type: ignore[attr-defined]
