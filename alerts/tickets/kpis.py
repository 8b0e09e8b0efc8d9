"""Department KPIs over a period [start, end).

Definitions (tickets are counted by ``created_at`` in the period unless noted):
- volume: tickets by channel and by topic, plus alerts raised;
- time to first response: first public reply, recorded citizen contact or
  move to in_progress/awaiting_citizen/closed, minus creation (hours; mean, median, p90);
- time to resolution: first closure minus creation, for tickets closed in the period;
- SLA compliance %: of tickets whose deadline fell in the period or that were
  closed in it, and that are decided (closed, or breached), the share closed
  by ``due_at`` and never breached;
- first-contact resolution %: of closed tickets with a citizen, the share
  closed after exactly one recorded contact and never reopened;
- reopen rate %: of tickets first closed in the period, the share reopened;
- CSAT: average score of surveys answered in the period, and response rate =
  answered / issued for surveys issued in the period;
- analyses corrected %: of the documents stored in the period that the NLP
  routed to the department, the share staff corrected
  (``ingest.correction_kpis``);
- praise: citizens' thanks received in the period (``alerts.praise``: no
  ticket), and their share of all citizen appeals = praise / (praise +
  appeal tickets created in the period);
- calls: the hotline's contact-centre figures (``appeals.calls.kpis``).
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime
from typing import Any, cast

from healthpulse.alerts.praise import count_praise
from healthpulse.appeals.calls.kpis import call_kpis
from healthpulse.core.domain import AlertState
from healthpulse.core.models.alerts import AlertRow
from healthpulse.core.models.tickets import SurveyRow, TicketRow
from healthpulse.ingest.correction_kpis import correction_share
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session


def _hours(deltas: list[float]) -> dict[str, float | None]:
    if not deltas:
        return {"count": 0, "mean": None, "median": None, "p90": None}
    ordered = sorted(deltas)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return {"count": len(ordered), "mean": round(statistics.fmean(ordered), 2),
            "median": round(statistics.median(ordered), 2), "p90": round(p90, 2)}


def _pct(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 1) if den else None


def kpis(session: Session, department_id: str | None, start: datetime, end: datetime) -> dict[str, Any]:
    """KPIs of one department (None = the triage queue) for [start, end)."""
    dep = TicketRow.department_id.is_(None) if department_id is None else TicketRow.department_id == department_id
    created = session.scalars(select(TicketRow).where(dep, TicketRow.created_at >= start, TicketRow.created_at < end)).all()
    closed = session.scalars(select(TicketRow).where(dep, TicketRow.first_closed_at >= start,
                                                     TicketRow.first_closed_at < end)).all()
    sla_pool = session.scalars(select(TicketRow).where(dep, or_(
        (TicketRow.due_at >= start) & (TicketRow.due_at < end),
        (TicketRow.first_closed_at >= start) & (TicketRow.first_closed_at < end),
    ))).all()
    h = 3600.0
    first_response = [(t.first_response_at - t.created_at).total_seconds() / h for t in created if t.first_response_at]
    resolution = [(t.first_closed_at - t.created_at).total_seconds() / h for t in closed if t.first_closed_at]
    decided = [t for t in sla_pool if t.first_closed_at is not None or t.breached]
    compliant = [t for t in decided if t.first_closed_at is not None and t.first_closed_at <= t.due_at and not t.breached]
    with_citizen = [t for t in closed if t.has_citizen]
    fcr = [t for t in with_citizen if t.contact_count == 1 and t.reopen_count == 0]
    reopened = [t for t in closed if t.reopen_count > 0]
    ticket_ids = select(TicketRow.id).where(dep)
    issued = session.scalar(select(func.count()).select_from(SurveyRow).where(
        SurveyRow.ticket_id.in_(ticket_ids), SurveyRow.created_at >= start, SurveyRow.created_at < end)) or 0
    issued_answered = session.scalar(select(func.count()).select_from(SurveyRow).where(
        SurveyRow.ticket_id.in_(ticket_ids), SurveyRow.created_at >= start, SurveyRow.created_at < end,
        SurveyRow.used_at.is_not(None))) or 0
    scores = list(session.scalars(select(SurveyRow.score).where(
        SurveyRow.ticket_id.in_(ticket_ids), SurveyRow.used_at >= start, SurveyRow.used_at < end)))
    alert_dep = AlertRow.department_id.is_(None) if department_id is None else AlertRow.department_id == department_id
    praise = count_praise(session, department_id, start, end)
    appeal_tickets = sum(1 for t in created if t.origin == "appeal")
    alerts = session.scalar(select(func.count()).select_from(AlertRow).where(
        alert_dep, AlertRow.kind == "fire", AlertRow.state != AlertState.PAST.value,  # past episodes paged nobody
        AlertRow.fired_at >= start, AlertRow.fired_at < end)) or 0
    return {
        "department_id": department_id,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "tickets_created": len(created),
        "alerts_raised": alerts,
        "volume_by_channel": dict(Counter(t.channel or "unknown" for t in created).most_common()),
        "volume_by_topic": dict(Counter(t.topic or "none" for t in created).most_common()),
        "volume_by_origin": dict(Counter(t.origin for t in created).most_common()),
        "time_to_first_response_hours": _hours(first_response),
        "time_to_resolution_hours": _hours(resolution),
        "tickets_closed": len(closed),
        "sla_compliance_pct": _pct(len(compliant), len(decided)),
        "sla_breached": sum(1 for t in decided if t.breached),
        "first_contact_resolution_pct": _pct(len(fcr), len(with_citizen)),
        "reopen_rate_pct": _pct(len(reopened), len(closed)),
        "csat_average": round(statistics.fmean(cast("list[int]", scores)), 2) if scores else None,
        "csat_responses": len(scores),
        "csat_surveys_issued": issued,
        "csat_response_rate_pct": _pct(issued_answered, issued),
        "praise_count": praise,
        "praise_share_pct": _pct(praise, praise + appeal_tickets),
        **correction_share(session, department_id, start, end),
        "calls": call_kpis(session, department_id, start, end),
    }
