"""SLA deadlines by severity and the breach sweep.

Hours per severity come from ``settings.sla_hours`` (defaults critical 4 h,
high 24 h, medium 72 h, low 7 d), overridden by an admin through the
``sla_policy`` table (``set_sla_hours``).  ``sweep_breaches`` marks open
tickets past their deadline as breached, audits it and queues a notice to
the department's escalation contact.
"""

from __future__ import annotations

from datetime import datetime

from healthpulse.alerts.delivery import notify
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.alerts.tickets.lifecycle import TicketError, audit
from healthpulse.core.domain import SEVERITY_ORDER, TicketStatus
from healthpulse.core.models.tickets import SlaPolicyRow, TicketRow
from healthpulse.core.settings import DEFAULT_SLA_HOURS, Settings
from sqlalchemy import select
from sqlalchemy.orm import Session


def sla_hours(session: Session, settings: Settings) -> dict[str, float]:
    """Effective hours per severity: DB overrides > settings > built-in defaults."""
    hours = {**{k: float(v) for k, v in DEFAULT_SLA_HOURS.items()}, **{k: float(v) for k, v in settings.sla_hours.items()}}
    for row in session.scalars(select(SlaPolicyRow)):
        hours[row.severity] = float(row.hours)
    return hours


def set_sla_hours(session: Session, hours: dict[str, float], actor: str, now: datetime) -> dict[str, float]:
    """Store SLA hours for some severities (applies to tickets opened from now on)."""
    for severity, value in hours.items():
        if severity not in SEVERITY_ORDER:
            raise TicketError(f"unknown severity {severity!r}; one of {', '.join(SEVERITY_ORDER)}")
        if not (0 < float(value) <= 24 * 365):
            raise TicketError(f"SLA for {severity} must be between 0 and 8760 hours, got {value}")
        row = session.get(SlaPolicyRow, severity)
        if row is None:
            row = SlaPolicyRow(severity=severity, hours=float(value), updated_at=now, updated_by=actor)
            session.add(row)
        else:
            row.hours, row.updated_at, row.updated_by = float(value), now, actor
    session.flush()
    return {row.severity: row.hours for row in session.scalars(select(SlaPolicyRow))}


def sweep_breaches(session: Session, rt: AlertsRuntime, now: datetime) -> list[int]:
    """Mark open tickets past ``due_at`` as breached and notify the escalation contact; returns their ids."""
    rows = session.scalars(
        select(TicketRow).where(TicketRow.status != TicketStatus.CLOSED.value, TicketRow.breached.is_(False),
                                TicketRow.due_at < now)
    ).all()
    for t in rows:
        t.breached = True
        t.breached_at = now
        audit(session, t, "system:sla", "breached", now, field="breached", old=False, new=True,
              text=f"deadline {t.due_at.isoformat()} passed")
        notify.announce_breach(session, rt, t, now)
    return [t.id for t in rows]
