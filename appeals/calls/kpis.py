"""Contact-centre KPIs of one department's hotline calls over [start, end) (definitions in README, "Hotline KPIs").

Computed from the calls' own event times (``CallRow``, folded from the PBX's
events), never from when the events arrived.  A call belongs to the period of
its first known moment (offered, else answered, else ended) and to the
department its IVR path routed it to (None: the triage queue).  Only inbound
calls are offered; outbound ones are callbacks.
"""

from __future__ import annotations

import math
import statistics
from datetime import datetime, timedelta
from typing import Any

from healthpulse.core.models.calls import CallRow
from healthpulse.core.models.tickets import CitizenContactRow, SurveyRow, TicketRow
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

ANSWER_TARGET_S = 10.0
FCR_WINDOW = timedelta(days=7)
HOTLINE = "hotline"


def nearest_rank(values: list[float], q: float) -> float | None:
    """The q-quantile by nearest rank: the smallest value with at least q of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _share(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _seconds(a: datetime | None, b: datetime | None) -> float | None:
    return (b - a).total_seconds() if a is not None and b is not None else None


def _inbound_calls(session: Session, department_id: str | None, start: datetime, end: datetime) -> list[CallRow]:
    dep = CallRow.department_id.is_(None) if department_id is None else CallRow.department_id == department_id
    first_moment = func.coalesce(CallRow.offered_at, CallRow.answered_at, CallRow.ended_at)
    return list(session.scalars(select(CallRow).where(
        dep, or_(CallRow.direction.is_(None), CallRow.direction != "outbound"),
        first_moment >= start, first_moment < end)))


def is_abandoned(call: CallRow) -> bool:
    """Hung up before anyone answered (a call forwarded elsewhere before answer is not abandoned here)."""
    return call.answered_at is None and call.ended_at is not None and call.cause != "forwarded"


def _repeat_callers(session: Session, answered: list[CallRow]) -> set[str]:
    """The answered calls whose caller called the hotline again within ``FCR_WINDOW`` (any department)."""
    numbers = {c.from_number for c in answered if c.from_number}
    if not numbers:
        return set()
    later: dict[str, list[datetime]] = {}
    for number, at in session.execute(select(CallRow.from_number, CallRow.offered_at).where(
            CallRow.from_number.in_(numbers), CallRow.offered_at.is_not(None),
            or_(CallRow.direction.is_(None), CallRow.direction != "outbound"))):
        if number is not None and at is not None:
            later.setdefault(number, []).append(at)
    repeated = set()
    for c in answered:
        t0 = c.offered_at or c.answered_at
        if c.from_number and t0 is not None and any(t0 < t <= t0 + FCR_WINDOW for t in later.get(c.from_number, [])):
            repeated.add(c.call_id)
    return repeated


def _callbacks_in_sla(session: Session, department_id: str | None, start: datetime, end: datetime) -> float | None:
    """Of the hotline tickets created in the period whose first callback was made or whose deadline passed,
    the share called back (a phone contact, typed in or reported by the exchange) by the ticket's deadline."""
    dep = TicketRow.department_id.is_(None) if department_id is None else TicketRow.department_id == department_id
    tickets = session.scalars(select(TicketRow).where(dep, TicketRow.channel == HOTLINE, TicketRow.created_at >= start,
                                                     TicketRow.created_at < end)).all()
    decided = in_sla = 0
    for t in tickets:
        first = session.scalar(select(func.min(CitizenContactRow.at)).where(CitizenContactRow.ticket_id == t.id,
                                                                           CitizenContactRow.channel == "phone"))
        if first is None and not t.breached:
            continue
        decided += 1
        in_sla += int(first is not None and first <= t.due_at)
    return _share(in_sla, decided)


def _csat(session: Session, department_id: str | None, start: datetime, end: datetime) -> tuple[float | None, int]:
    """Mean score (1-5) and count of the CSAT surveys answered in the period on the department's hotline tickets."""
    dep = TicketRow.department_id.is_(None) if department_id is None else TicketRow.department_id == department_id
    scores = [v for v in session.scalars(select(SurveyRow.score).join(TicketRow, TicketRow.id == SurveyRow.ticket_id).where(
        dep, TicketRow.channel == HOTLINE, SurveyRow.score.is_not(None), SurveyRow.used_at >= start,
        SurveyRow.used_at < end)) if v is not None]
    return (round(statistics.fmean(scores), 2) if scores else None), len(scores)


def call_kpis(session: Session, department_id: str | None, start: datetime, end: datetime) -> dict[str, Any]:
    calls = _inbound_calls(session, department_id, start, end)
    answered = [c for c in calls if c.answered_at is not None]
    abandoned = [c for c in calls if is_abandoned(c)]
    waits = [w for c in answered if (w := _seconds(c.offered_at, c.answered_at)) is not None and w >= 0]
    handling = [h for c in answered if (h := _seconds(c.answered_at, c.ended_at)) is not None and h >= 0]
    repeated = _repeat_callers(session, answered)
    by_ivr: dict[str, dict[str, int]] = {}
    for c in calls:
        row = by_ivr.setdefault(c.ivr or "none", {"offered": 0, "answered": 0, "abandoned": 0})
        row["offered"] += 1
        row["answered"] += int(c.answered_at is not None)
        row["abandoned"] += int(is_abandoned(c))
    p50, p90 = nearest_rank(waits, 0.5), nearest_rank(waits, 0.9)
    csat_avg, csat_responses = _csat(session, department_id, start, end)
    return {
        "offered": len(calls),
        "answered": len(answered),
        "abandoned": len(abandoned),
        "abandonment_rate": _share(len(abandoned), len(calls)),
        "answer_p50_s": None if p50 is None else round(p50, 1),
        "answer_p90_s": None if p90 is None else round(p90, 1),
        "answered_within_10s_share": _share(sum(1 for w in waits if w <= ANSWER_TARGET_S), len(waits)),
        "handling_avg_s": round(statistics.fmean(handling), 1) if handling else None,
        "callbacks_in_sla_share": _callbacks_in_sla(session, department_id, start, end),
        "fcr_share": _share(len(answered) - len(repeated), len(answered)),
        "csat_avg": csat_avg,
        "csat_responses": csat_responses,
        "by_ivr": dict(sorted(by_ivr.items())),
    }
