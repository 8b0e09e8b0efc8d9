"""SLA deadlines by severity and the breach sweep.

Hours per severity come from ``settings.sla_hours`` (defaults critical 4 h,
high 24 h, medium 72 h, low 7 d), overridden by an admin through the
``sla_policy`` table (``set_sla_hours``: validated by the settings' own
``SlaHours`` model, each change in the configuration audit log).  ``sweep_breaches`` marks open
tickets past their deadline as breached, audits it and queues a notice to
the department's escalation contact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.alerts.delivery import notify
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.alerts.tickets.lifecycle import TicketError, audit
from healthpulse.core.config_audit import record_change
from healthpulse.core.config_files import ConfigIssue, format_validation_error
from healthpulse.core.domain import SEVERITY_ORDER, TicketStatus
from healthpulse.core.models.tickets import SlaPolicyRow, TicketRow
from healthpulse.core.settings import DEFAULT_SLA_HOURS, SLA_HOURS, Settings
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session


class SlaInvalid(TicketError):
    """Hours the settings' ``SlaHours`` model refuses; ``issues`` name the severity (``key``) and why."""

    def __init__(self, issues: list[ConfigIssue]):
        self.issues = issues
        super().__init__("; ".join(f"SLA {i.key}: {i.message}" for i in issues))


def check_sla_hours(hours: dict[str, Any]) -> dict[str, float]:
    """``hours`` validated exactly as ``settings.sla_hours`` is (severities, 0 < hours ≤ a year)."""
    try:
        valid = SLA_HOURS.validate_python(hours)
    except ValidationError as err:
        raise SlaInvalid(format_validation_error("sla", err, hours, None)) from None
    return {k: float(valid[k]) for k in hours}


def _number(value: float) -> str:
    return f"{value:g}"


def sla_hours(session: Session, settings: Settings) -> dict[str, float]:
    """Effective hours per severity: DB overrides > settings > built-in defaults."""
    hours = {**{k: float(v) for k, v in DEFAULT_SLA_HOURS.items()}, **{k: float(v) for k, v in settings.sla_hours.items()}}
    for row in session.scalars(select(SlaPolicyRow)):
        hours[row.severity] = float(row.hours)
    return hours


def set_sla_hours(session: Session, hours: dict[str, Any], actor: str, now: datetime,
                  settings: Settings | None = None) -> dict[str, float]:
    """Store SLA hours for some severities (tickets opened from now on); a change is audited as
    ``high: 24 → 12`` (the effective hours before, so ``settings`` are needed to name them)."""
    new = check_sla_hours(hours)
    before = sla_hours(session, settings) if settings is not None else {
        r.severity: float(r.hours) for r in session.scalars(select(SlaPolicyRow))}
    most_severe_first = sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__, reverse=True)
    changed = [k for k in most_severe_first if k in new and before.get(k) != new[k]]
    for severity in changed:
        row = session.get(SlaPolicyRow, severity)
        if row is None:
            session.add(SlaPolicyRow(severity=severity, hours=new[severity], updated_at=now, updated_by=actor))
        else:
            row.hours, row.updated_at, row.updated_by = new[severity], now, actor
    if changed:
        summary = "; ".join(f"{k}: {_number(before[k]) if k in before else '—'} → {_number(new[k])}" for k in changed)
        record_change(session, target="sla", actor=actor, at=now, summary=summary,
                      details={k: [before.get(k), new[k]] for k in changed})
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
