"""When the alerts area's jobs run next: one delivery job per due time, one sweep per slot.

Separate from ``jobs.py`` (the handlers) so the engine and the service layer can schedule work without
importing the handlers that run it.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.core.jobs import JobQueue
from sqlalchemy.orm import Session

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def schedule_delivery(session: Session | None, jobs: JobQueue, now: datetime, run_after: datetime | None = None) -> None:
    """Make sure a deliver job runs at ``run_after`` (default now); one job per due time."""
    when = run_after or now
    jobs.enqueue("alerts.deliver", {}, idempotency_key=f"alerts.deliver@{when.isoformat()}", run_after=when,
                 max_attempts=10, session=session)


def _next_slot(now: datetime, minutes: float) -> datetime:
    size = minutes * 60
    return EPOCH + timedelta(seconds=(math.floor((now - EPOCH).total_seconds() / size) + 1) * size)


def schedule_sweep(session: Session | None, jobs: JobQueue, rt: AlertsRuntime, now: datetime) -> None:
    when = _next_slot(now, rt.rules.tickets.sweep_minutes)
    jobs.enqueue("alerts.sweep", {}, idempotency_key=f"alerts.sweep@{when.isoformat()}", run_after=when, session=session)
