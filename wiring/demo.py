"""The bundled demo: a fresh embedded instance loaded with sample data.

Sample items carry ``days_ago`` instead of a date so that the dashboards of
a demo started any day show the last 60 days.  News items are ingested as
documents; appeal items (text_appeal / hotline / email) go through the same
intake as a citizen's appeal, so they get tracking codes and tickets.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from healthpulse.appeals.calls.events import CallEvent, record_event
from healthpulse.appeals.calls.kpis import call_kpis
from healthpulse.appeals.intake import submit_text_appeal
from healthpulse.core.domain import Channel, Document, Reach, stable_id
from healthpulse.core.models.alerts import AlertRow
from healthpulse.core.models.calls import CallRow
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.tickets import TicketRow
from healthpulse.core.resources import demo_data_path
from healthpulse.incidents.service import list_incidents
from sqlalchemy import func, select

if TYPE_CHECKING:
    from healthpulse.wiring.container import Container

log = logging.getLogger(__name__)


@dataclass
class DemoSummary:
    documents: int = 0
    appeals: int = 0
    by_language: Counter[str] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)
    by_topic: Counter[str] = field(default_factory=Counter)
    by_department: Counter[str] = field(default_factory=Counter)
    incidents: int = 0
    by_severity: Counter[str] = field(default_factory=Counter)
    extra: dict[str, Any] = field(default_factory=dict)

    def lines(self) -> list[str]:
        def fmt(c: Counter[str]) -> str:
            return ", ".join(f"{k}={v}" for k, v in c.most_common()) or "-"

        out = [
            f"documents: {self.documents} (appeals with tracking codes: {self.appeals})",
            f"by language: {fmt(self.by_language)}",
            f"by channel: {fmt(self.by_channel)}",
            f"by topic: {fmt(self.by_topic)}",
            f"by department: {fmt(self.by_department)}",
            f"incident reports: {self.incidents} ({fmt(self.by_severity)})",  # documents; "incidents merged" counts incidents
        ]
        out += [f"{k}: {v}" for k, v in self.extra.items()]
        return out


def load_items(path: Path | None = None) -> list[dict[str, Any]]:
    path = path or demo_data_path()
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _when(item: dict[str, Any], now: datetime) -> datetime:
    # Spread items over the day deterministically (so a demo is reproducible).
    minutes = int(stable_id(item["id"])[:6], 16) % (14 * 60)
    return (now - timedelta(days=int(item.get("days_ago", 0)))).replace(hour=6, minute=0, second=0, microsecond=0) \
        + timedelta(minutes=minutes)


def load_demo(container: Container, items: Iterable[dict[str, Any]] | None = None,
              on_progress: Callable[[int], None] | None = None) -> DemoSummary:
    now = container.clock.now()
    items = list(items if items is not None else load_items())
    news: list[Document] = []
    appeals = 0
    for item in items:
        when = min(_when(item, now), now)
        channel = Channel(item.get("channel", "news"))
        if channel in (Channel.NEWS, Channel.SOCIAL):  # published texts; social posts carry their reach
            news.append(Document(
                id=item["id"], channel=channel, source=item.get("source"), url=item.get("url"),
                canonical_url=item.get("url"), title=item.get("title"), text=item["text"],
                language_hint=item.get("lang"), published_at=when, fetched_at=when,
                reach=Reach(**item["reach"]) if item.get("reach") else None,
            ))
        else:
            submit_text_appeal(container, text=item["text"], title=item.get("title"), consent=True, channel=channel,
                               language=item.get("lang"), department_id=item.get("region"), submitted_at=when)
            appeals += 1
            if on_progress:
                on_progress(1)
    for i in range(0, len(news), 32):
        container.pipeline.ingest_many(news[i:i + 32])
        if on_progress:
            on_progress(len(news[i:i + 32]))
    load_demo_calls(container, now)
    container.worker.run_until_idle()
    return summarize(container, appeals)


# (call id, caller, IVR path, minutes ago, seconds to answer or None = hung up first, seconds talked)
DEMO_CALLS = [
    ("demo-call-1", "+7 900 100-00-01", "1-1", 180, 6, 240),
    ("demo-call-2", "+7 900 100-00-02", "1", 150, 14, 95),
    ("demo-call-3", "+7 900 100-00-03", "1", 120, None, 35),
    ("demo-call-4", "+84 90 100 0004", "104", 25, 4, 310),  # recent: on the operator screen after start-up
    ("demo-call-5", "+84 90 100 0005", "105", 10, 9, 130),
    ("demo-call-6", "+20 100 100 0006", "2-1", 45, None, 20),
    ("demo-call-7", "+20 100 100 0007", "9", 20, 25, 60),
]


def load_demo_calls(container: Container, now: datetime) -> None:
    """A few hotline calls (answered, abandoned, an unknown IVR path for the triage desk) for the KPIs and the
    operator screen, posted as a PBX would post their events."""
    for call_id, caller, ivr, minutes_ago, answer_s, talk_s in DEMO_CALLS:
        start = now - timedelta(minutes=minutes_ago)
        record_event(container, CallEvent(call_id=call_id, event="newCall", at=start, from_number=caller,
                                          to_number="1900", direction="inbound", ivr=ivr), "demo-pbx")
        end = start + timedelta(seconds=(answer_s or 0) + talk_s)
        if answer_s is not None:
            record_event(container, CallEvent(call_id=call_id, event="answer", at=start + timedelta(seconds=answer_s),
                                              user="demo-operator"), "demo-pbx")
        record_event(container, CallEvent(call_id=call_id, event="hangup", at=end,
                                          cause="normalClearing" if answer_s is not None else "cancel"), "demo-pbx")


def summarize(container: Container, appeals: int = 0) -> DemoSummary:
    s = DemoSummary(appeals=appeals)
    with container.session() as session:
        for row in session.scalars(select(DocumentRow)):
            s.documents += 1
            s.by_language[row.language or "?"] += 1
            s.by_channel[row.channel] += 1
            s.by_department[row.department or "(none)"] += 1
            for t in (row.analysis or {}).get("topics", []):
                s.by_topic[t["id"]] += 1
            if row.incident:
                s.incidents += 1
                s.by_severity[row.severity or "?"] += 1
        s.extra.update(_alert_counts(session))
        s.extra["incidents merged"] = incident_line(session)
        calls = session.scalars(select(CallRow)).all()
        answered = sum(1 for c in calls if c.answered_at)
        s.extra["hotline calls"] = (f"{len(calls)} (answered {answered}, abandoned {_abandoned(session, calls)}, "
                                    f"routed to triage {sum(1 for c in calls if c.department_id is None)})")
    return s


def _abandoned(session: Any, calls: Sequence[CallRow]) -> int:
    """Abandoned calls as the KPIs count them (``call_kpis``: hung up before an answer, not forwarded), summed
    over every department the calls were routed to and the triage queue, across all the calls' times."""
    moments = [m for c in calls if (m := c.offered_at or c.answered_at or c.ended_at) is not None]
    if not moments:
        return 0
    start, end = min(moments), max(moments) + timedelta(seconds=1)
    return sum(call_kpis(session, dep, start, end)["abandoned"] for dep in {c.department_id for c in calls})


def coverage_pace(incident: dict[str, Any]) -> str:
    """Reports per day before and after the response, in words when a side has no figure (never "None")."""
    cov = incident["coverage"]
    if not incident["response_at"]:
        return f"{cov['before_per_day']} per day, no response recorded yet"
    if cov["after_per_day"] is None:
        return f"{cov['before_per_day']} per day before the response, none since"
    return f"per day before/after the response {cov['before_per_day']}/{cov['after_per_day']}"


def incident_line(session: Any) -> str:
    """How the reports became incidents: how many, and the largest one (the insulin shortage, in the demo)."""
    incidents = list_incidents(session, limit=1000)
    if not incidents:
        return "none (incidents need the document vectors: HEALTHPULSE_DOCUMENT_VECTORS)"
    top = max(incidents, key=lambda i: (len(i["document_ids"]), -i["id"]))
    multi = sum(1 for i in incidents if len(i["document_ids"]) > 1)
    return (f"{len(incidents)} incidents, {multi} of them with several reports; largest #{top['id']} "
            f"({top['department'] or '-'}, {', '.join(top['topics']) or '-'}): {len(top['document_ids'])} documents "
            f"from {', '.join(top['channels'])}, {coverage_pace(top)} — healthpulse incidents show {top['id']}")


def _counted(rows: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(rows, key=lambda kv: (-kv[1], kv[0]))) or "-"


def _alert_counts(session: Any) -> dict[str, Any]:
    """Alert and ticket counts as stored (never made up).  The sample set spans 60 days loaded at once, so
    what happened more than ``alert_freshness_hours`` ago is recorded as past (never paged)."""
    alerts = session.scalar(select(func.count()).select_from(AlertRow)) or 0
    by_type = session.execute(select(AlertRow.rule_type, func.count()).group_by(AlertRow.rule_type)).all()
    by_state = session.execute(select(AlertRow.state, func.count()).group_by(AlertRow.state)).all()
    spikes = session.execute(select(AlertRow.department_id, AlertRow.topic, AlertRow.state, AlertRow.document_count)
                             .where(AlertRow.rule_type == "spike").order_by(AlertRow.id)).all()
    tickets = dict(session.execute(select(TicketRow.status, func.count()).group_by(TicketRow.status)).all())
    states = _counted(by_state)
    if any(state == "past" for state, _ in by_state):
        states += " (past: found in late or backfilled data, on record, never paged)"
    return {"alerts": alerts, "alerts by type": _counted(by_type), "alerts by state": states,
            "spike alerts": ", ".join(f"{dep or '(none)'} × {topic}: {n} documents ({state})"
                                      for dep, topic, state, n in spikes) or "-",
            "tickets": sum(tickets.values()),
            "tickets by status": ", ".join(f"{k}={v}" for k, v in tickets.items()) or "-"}
