"""Background jobs of the alerts area on the core queue.

- ``alerts.deliver``: drain the notification outbox; while rows wait for a
  retry it schedules itself for the earliest one, so a mail server or
  receiver that is down delays delivery but loses nothing.
- ``alerts.sweep``: every ``tickets.sweep_minutes``: SLA breaches →
  escalation notices, spike recoveries when no document arrives, and the
  daily digest at ``digest.hour_utc``.  It schedules its next run.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from healthpulse.alerts.delivery import notify
from healthpulse.alerts.delivery.notifiers.registry import build_notifiers
from healthpulse.alerts.delivery.outbox import deliver_due
from healthpulse.alerts.engine import AlertProcessor
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.alerts.scheduling import schedule_delivery, schedule_sweep
from healthpulse.alerts.tickets import callbacks as _callbacks  # noqa: F401 - registers the calls.callback job
from healthpulse.alerts.tickets.sla import sweep_breaches
from healthpulse.core.context import CoreContext
from healthpulse.core.jobs import job_handler
from healthpulse.core.models.alerts import NotificationRow
from sqlalchemy import select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


@job_handler("alerts.deliver")
def deliver_job(container: CoreContext, payload: dict[str, Any]) -> None:
    rt = AlertsRuntime.of(container)
    now = rt.clock.now()
    report = deliver_due(container.session_factory, build_notifiers(container.settings, rt.rules.delivery.timeout_seconds),
                         now, rt.rules.delivery)
    if report.sent or report.retry or report.dead:
        log.info("alerts.deliver sent=%d retry=%d dead=%d", report.sent, report.retry, report.dead)
    if report.next_due is not None:
        schedule_delivery(None, container.jobs, now, max(report.next_due, now))


def run_sweep(session: Session, rt: AlertsRuntime, now: datetime) -> dict[str, Any]:
    """One sweep in ``session``: breaches, spike ticks, digest (if it is digest time)."""
    breached = sweep_breaches(session, rt, now)
    proc = AlertProcessor(session, rt, now)
    proc.tick()
    digests = 0
    if rt.rules.digest.departments and now.hour == rt.rules.digest.hour_utc:
        digests = notify.build_digests(session, rt, now)
    session.flush()
    pending = session.scalar(select(NotificationRow.id).where(NotificationRow.state == "pending").limit(1))
    return {"breached": breached, "recovered": proc.result.alerts_recovered, "digests": digests,
            "pending": pending is not None}


@job_handler("alerts.sweep")
def sweep_job(container: CoreContext, payload: dict[str, Any]) -> None:
    rt = AlertsRuntime.of(container)
    now = rt.clock.now()
    with container.session() as s:
        out = run_sweep(s, rt, now)
        if out["pending"]:
            schedule_delivery(s, container.jobs, now)
        schedule_sweep(s, container.jobs, rt, now)
    if out["breached"] or out["recovered"] or out["digests"]:
        log.info("alerts.sweep breached=%s recovered=%s digests=%s", out["breached"], out["recovered"], out["digests"])
