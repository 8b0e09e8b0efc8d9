"""What the incident page shows: the incident (scoped like the API), its timeline with sources, the change in
coverage after the response and a per-day chart.

The figures come from ``incidents.service`` (the same as the API and the CLI); this module only adds what a
page needs: each document's source link, appeal text masked as on the ticket page, the "why linked" signals
as a short list, and the chart's bars.  Days are counted in the instance's time zone, as pages show times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.tickets import TicketDocumentRow, TicketRow
from healthpulse.web.services import incidents as incident_svc
from healthpulse.web.services.alerts import APPEAL_CHANNELS, shown_source
from healthpulse.web.services.context import WebContext
from healthpulse.web.services.tickets import department_ids, visible_text
from healthpulse.web.services.users import Principal
from healthpulse.web.services.zones import zone_of
from sqlalchemy import func, select
from sqlalchemy.orm import Session

CHART_WIDTH = 600.0
CHART_HEIGHT = 160.0
CHART_MAX_DAYS = 120  # a longer incident shows its last CHART_MAX_DAYS days (the table has every document)
HOURLY_SPAN = timedelta(hours=24)  # an incident this short is drawn per hour


@dataclass(frozen=True)
class DayBar:
    """One bar: a local day, or a local hour when the chart is hourly (``start`` is its local beginning)."""
    day: date
    start: datetime
    documents: int
    x: float
    y: float
    width: float
    height: float
    after_response: bool


@dataclass(frozen=True)
class DayChart:
    width: float
    height: float
    bars: list[DayBar]
    peak: int
    response_x: float | None  # the response's bar centre (None: no response within the drawn bars)
    response_day: date | None
    hourly: bool = False  # the whole incident fits in a day: one bar per hour, not one lone bar
    response_start: datetime | None = None  # the response's local day or hour (what the caption names)


def incident_page(container: WebContext, principal: Principal, incident_id: int) -> dict[str, Any]:
    """The incident with page extras (``NotFound`` outside the caller's scope, like the API)."""
    incident = incident_svc.get_incident(container, principal, incident_id)
    zone = zone_of(container.departments, getattr(container.settings, "timezone", None) or "UTC", principal.department_id)
    ids = [d["id"] for d in incident["documents"]]
    with container.session() as s:
        sources = {r.id: (r.url, r.source) for r in s.execute(
            select(DocumentRow.id, DocumentRow.url, DocumentRow.source).where(DocumentRow.id.in_(ids)))} if ids else {}
        tickets = _tickets_of(s, ids, department_ids(principal))
    appeal_scope = {"department_id": incident["department"]}
    for d in incident["documents"]:
        d["url"], source = sources.get(d["id"], (None, None))
        d["source"] = shown_source(source, d["channel"])
        d["ticket_id"] = tickets.get(d["id"])
        if d["channel"] in APPEAL_CHANNELS:  # contacts in a citizen's words stay masked, as on the ticket page
            d["title"] = visible_text(principal, appeal_scope, d["title"])
        d["why"] = link_reasons(d.get("linked_by"), d.get("signals") or {})
    incident["first_report"] = incident["documents"][0] if incident["documents"] else None
    incident["change"] = coverage_change(incident["coverage"])
    incident["chart"] = day_chart([d["event_at"] for d in incident["documents"]], incident["response_at"], zone)
    return incident


def link_reasons(linked_by: str | None, signals: dict[str, Any]) -> list[tuple[str, Any]]:
    """Why a document is in the incident, as (kind, value) pairs the page translates: ``opened``, ``staff``,
    ``similar`` (the cosine), ``department``, ``topics`` (shared topic ids), ``facilities``."""
    if linked_by == "staff":
        return [("staff", None)]
    if linked_by == "opened" or signals.get("opened"):
        return [("opened", None)]
    out: list[tuple[str, Any]] = []
    if isinstance(signals.get("cosine"), int | float):
        out.append(("similar", float(signals["cosine"])))
    if signals.get("department"):
        out.append(("department", None))
    if signals.get("topics"):
        out.append(("topics", list(signals["topics"])))
    if signals.get("facilities"):
        out.append(("facilities", list(signals["facilities"])))
    return out


def coverage_change(coverage: dict[str, Any]) -> dict[str, float | None]:
    """After vs before the response as a share (-0.5: half as many per day); None where a side is missing."""
    def change(before: float | None, after: float | None) -> float | None:
        if before is None or after is None or before == 0:
            return None
        return round((after - before) / before, 4)

    return {"documents": change(coverage.get("before_per_day"), coverage.get("after_per_day")),
            "reach": change(coverage.get("reach_before_per_day"), coverage.get("reach_after_per_day"))}


def day_chart(times: list[datetime], response_at: datetime | None, zone: ZoneInfo) -> DayChart | None:
    """Documents per local day from the first to the last report, bars after the response marked; per hour when
    every report and the response fall within ``HOURLY_SPAN`` (one bar would show nothing before or after)."""
    if not times:
        return None
    moments = [_local(t, zone) for t in times]
    response = _local(response_at, zone) if response_at else None
    hourly = max([*moments, *([response] if response else [])]) - min(moments) < HOURLY_SPAN
    step = timedelta(hours=1) if hourly else timedelta(days=1)

    def bucket(t: datetime) -> datetime:
        return t.replace(minute=0, second=0, microsecond=0) if hourly else \
            t.replace(hour=0, minute=0, second=0, microsecond=0)

    counts: dict[datetime, int] = {}
    for t in moments:
        counts[bucket(t)] = counts.get(bucket(t), 0) + 1
    first, last = min(counts), max(counts)
    response_start = bucket(response) if response else None
    if response_start is not None and response_start > last:
        last = response_start  # a response after the last report still shows where it was
    if not hourly:
        first = max(first, last - timedelta(days=CHART_MAX_DAYS - 1))
    n_bars = round((last - first) / step) + 1
    starts = [first + i * step for i in range(n_bars)]
    peak = max(counts.values())
    slot = CHART_WIDTH / len(starts)
    bar_width = max(slot * 0.7, 1.0)
    plot = CHART_HEIGHT - 20.0  # room for the baseline labels
    bars = []
    for i, b in enumerate(starts):
        n = counts.get(b, 0)
        h = plot * n / peak if peak else 0.0
        bars.append(DayBar(day=b.date(), start=b, documents=n, x=round(i * slot + (slot - bar_width) / 2, 2),
                           y=round(plot - h, 2), width=round(bar_width, 2), height=round(h, 2),
                           after_response=response_start is not None and b >= response_start))
    response_x = None
    if response_start is not None and first <= response_start <= last:
        response_x = round(round((response_start - first) / step) * slot + slot / 2, 2)
    return DayChart(width=CHART_WIDTH, height=CHART_HEIGHT, bars=bars, peak=peak, response_x=response_x,
                    response_day=response_start.date() if response_start else None, hourly=hourly,
                    response_start=response_start)


def _tickets_of(session: Session, ids: list[str], scope: list[str] | None) -> dict[str, int]:
    """Document id → the (first) ticket holding it that the caller's scope may open."""
    if not ids:
        return {}
    q = (select(TicketDocumentRow.document_id, func.min(TicketRow.id))
         .join(TicketRow, TicketRow.id == TicketDocumentRow.ticket_id).where(TicketDocumentRow.document_id.in_(ids)))
    if scope is not None:
        q = q.where(TicketRow.department_id.in_(scope))
    return {d: int(t) for d, t in session.execute(q.group_by(TicketDocumentRow.document_id))}


def _local(t: datetime, zone: ZoneInfo) -> datetime:
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(zone)
