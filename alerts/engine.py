"""The post-ingest hook: documents → rule firings → grouped alerts → tickets → outbox.

``AlertEngine.on_ingested`` runs inside the pipeline's hook transaction, so
alerts, tickets and their notification rows commit together (or not at all,
and the pipeline retries the hook).  Grouping: a firing joins an open alert
of the same rule with the same ``story_id``, or the same department + topic
seen within the rule's ``group_window_hours``; a joined alert is announced
again only when its severity rises, at most once per ``realert_minutes``.
Windows are on event time (``Firing.event_start``/``event_end``: when the documents were
published), so a backfill or a crawler catching up groups as the news happened.  A firing whose
event time ended longer ago than ``alert_freshness_hours`` is a *past* alert (state ``past``):
recorded and listed, but no ticket and no notification (it pages nobody); a fresh firing that joins
it makes it an ordinary open alert.  Every incident alert opens a ticket with its SLA deadline, whatever its
severity (low means the longest deadline, not silence); a spike or watchlist
alert does when its severity is ≥ ``tickets.min_alert_severity``.  An alert
about a citizen's appeal joins the appeal's own ticket (opened just before by
``tickets.appeal_stage.AppealTicketStage``).  A citizen's praise (``alerts.praise``)
raises no alert.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from healthpulse.alerts.delivery import notify
from healthpulse.alerts.delivery.routing import route_department
from healthpulse.alerts.freshness import is_past, widen_event_span
from healthpulse.alerts.praise import is_praise
from healthpulse.alerts.rules.base import (
    Firing,
    RuleConfig,
    RuleContext,
    event_time,
    severity_at_least,
)
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.alerts.scheduling import schedule_delivery, schedule_sweep
from healthpulse.alerts.tickets.lifecycle import attach_documents, audit, changed, open_ticket, raise_severity
from healthpulse.alerts.tickets.sla import sla_hours
from healthpulse.appeals.lifecycle import get_by_document
from healthpulse.core.context import CoreContext
from healthpulse.core.domain import SEVERITY_ORDER, AlertState, Document
from healthpulse.core.models.alerts import AlertDocumentRow, AlertRow
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.incidents import IncidentDocumentRow
from healthpulse.core.models.tickets import TicketRow
from healthpulse.core.stages import StoredDocument
from healthpulse.incidents.store import incidents_of
from sqlalchemy import func, select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


@dataclass
class EngineResult:
    alerts_opened: list[int] = field(default_factory=list)
    alerts_joined: list[int] = field(default_factory=list)
    alerts_recovered: list[int] = field(default_factory=list)
    alerts_past: list[int] = field(default_factory=list)  # recorded as past episodes (no ticket, no notice)
    tickets_opened: list[int] = field(default_factory=list)
    notifications: int = 0


class AlertProcessor:
    """One batch's worth of work against one session (the engine and the sweep job use it)."""

    def __init__(self, session: Session, rt: AlertsRuntime, now: datetime):
        self.s = session
        self.rt = rt
        self.now = now
        self.result = EngineResult()
        self._sla: dict[str, float] | None = None
        self._appeal_tickets: dict[str, TicketRow | None] = {}
        # Alerts opened in this batch are announced once, at the end, with their final severity.
        self._unannounced: dict[int, TicketRow | None] = {}
        self._alert_docs: dict[int, set[str]] = {}  # per-batch caches
        self._alert_ticket: dict[int, TicketRow | None] = {}
        self._alerted: dict[str, set[str]] = {}  # rule id → documents in its alerts (evaluate's batch)

    @property
    def sla(self) -> dict[str, float]:
        if self._sla is None:
            self._sla = sla_hours(self.s, self.rt.settings)
        return self._sla

    # -- appeals ------------------------------------------------------
    def _appeal_ticket(self, doc_id: str) -> TicketRow | None:
        """The ticket of the appeal ``doc_id`` carries (opened by ``AppealTicketStage`` before the rules run)."""
        if doc_id not in self._appeal_tickets:
            appeal = get_by_document(self.s, doc_id)
            self._appeal_tickets[doc_id] = (
                None if appeal is None else self.s.scalar(select(TicketRow).where(TicketRow.appeal_id == appeal.id)))
        return self._appeal_tickets[doc_id]

    # -- rules --------------------------------------------------------
    def _already_alerted(self, doc_ids: list[str]) -> dict[str, set[str]]:
        """Rule id → those of ``doc_ids`` already in one of its alerts: one query for every rule of the batch
        (a query per rule was half the alert stage's time at 900,000 documents)."""
        seen: dict[str, set[str]] = {}
        if doc_ids:
            for rule_id, doc_id in self.s.execute(
                    select(AlertRow.rule_id, AlertDocumentRow.document_id)
                    .join(AlertRow, AlertRow.id == AlertDocumentRow.alert_id)
                    .where(AlertDocumentRow.document_id.in_(doc_ids))):
                seen.setdefault(rule_id, set()).add(doc_id)
        return seen

    def evaluate(self, docs: list[Document]) -> None:
        ctx = RuleContext(self.s, self.now, self.rt.departments)
        # Kept current by _add_docs: a firing may join another rule's incident alert before that rule runs.
        self._alerted = self._already_alerted([d.id for d in docs])
        for rule in self.rt.rules.rules:
            seen = self._alerted.get(rule.id, set())
            fresh = [d for d in docs if d.id not in seen and d.analysis is not None and not is_praise(d)]
            if not fresh:
                continue
            # Oldest first, as if fed live: a batch groups the way the news happened, whatever its order.
            fresh.sort(key=lambda d: event_time(d, self.now))
            for firing in rule.evaluate(ctx, fresh):
                self.handle(firing)
        self.announce_new()

    def tick(self) -> None:
        ctx = RuleContext(self.s, self.now, self.rt.departments)
        for rule in self.rt.rules.rules:
            for firing in rule.tick(ctx):
                self.handle(firing)
        self.announce_new()

    # -- firings → alerts ---------------------------------------------
    def handle(self, f: Firing) -> AlertRow | None:
        if f.kind == "recover":
            return self._recover(f)
        if f.alert_id is not None:  # a rule that manages its episodes names the alert to join
            known = self.s.get(AlertRow, f.alert_id)
            if known is not None:
                self._join(known, f)
                return known
        dep = route_department(self.rt, f.department_id)
        alert = self._group(f, dep) if f.group else None
        if alert is None and f.group:
            alert = self._incident_alert(f)
        if alert is None:
            return self._open(f, dep)
        self._join(alert, f)
        return alert

    def _incident_alert(self, f: Firing) -> AlertRow | None:
        """The open incident alert that already holds a document of this firing's incident (incidents.stage ran
        first): one event, one alert and one ticket, whatever the channel, language or topic of its reports.
        A citizen's appeal keeps its own ticket (it is linked to the incident by its membership only)."""
        if f.rule_type != "incident" or any(self._appeal_ticket(d) is not None for d in f.document_ids):
            return None
        incident_ids = incidents_of(self.s, f.document_ids)
        if not incident_ids:
            return None
        alert = self.s.scalars(
            select(AlertRow).join(AlertDocumentRow, AlertDocumentRow.alert_id == AlertRow.id)
            .join(IncidentDocumentRow, IncidentDocumentRow.document_id == AlertDocumentRow.document_id)
            .where(IncidentDocumentRow.incident_id.in_(incident_ids), AlertRow.rule_type == "incident",
                   AlertRow.kind == "fire", AlertRow.state == AlertState.OPEN.value)
            .order_by(AlertRow.id)).first()
        if alert is not None:
            ticket = self._ticket_of(alert.id)
            if ticket is not None:
                audit(self.s, ticket, "system:incidents", "incident_joined", self.now, field="incident",
                      new=f"#{incident_ids[0]}: {', '.join(f.document_ids)}")
        return alert

    def _rule_config(self, rule_id: str) -> Any:
        """The rule's config (the defaults when the rule was removed from the file since)."""
        found = next((r.config for r in self.rt.rules.rules if r.id == rule_id), None)
        return found if found is not None else RuleConfig(id=rule_id)

    def _is_past(self, f: Firing) -> bool:
        return is_past(f, self.now, self.rt.settings.jobs.alert_freshness_hours)

    def _group(self, f: Firing, dep: str | None) -> AlertRow | None:
        cfg = self._rule_config(f.rule_id)
        base = select(AlertRow).where(AlertRow.rule_id == f.rule_id, AlertRow.kind == "fire",
                                      AlertRow.state != AlertState.RESOLVED.value)
        if f.story_id:
            hit = self.s.scalars(base.where(AlertRow.story_id == f.story_id).order_by(AlertRow.id)).first()
            if hit is not None:
                return hit
        if f.topic:
            same_dep = AlertRow.department_id.is_(None) if dep is None else AlertRow.department_id == dep
            window = timedelta(hours=cfg.group_window_hours)
            start, end = f.event_start or self.now, f.event_end or self.now
            # Event time: the alert's documents were published within the window of this firing's.
            alert_end = func.coalesce(AlertRow.event_end, AlertRow.last_seen_at)
            alert_start = func.coalesce(AlertRow.event_start, AlertRow.fired_at)
            return self.s.scalars(base.where(same_dep, AlertRow.topic == f.topic, alert_end >= start - window,
                                             alert_start <= end + window)
                                  .order_by(alert_end.desc(), AlertRow.id)).first()
        return None

    def _add_docs(self, alert: AlertRow, f: Firing) -> list[str]:
        """Link the firing's documents to ``alert``, keyed by rule + topic + document (unique: see AlertDocumentRow)."""
        have = self._alert_docs.get(alert.id)
        if have is None:
            have = set(self.s.scalars(select(AlertDocumentRow.document_id).where(AlertDocumentRow.alert_id == alert.id)))
            self._alert_docs[alert.id] = have
        new = [d for d in dict.fromkeys(f.document_ids) if d not in have]
        for d in new:
            self.s.add(AlertDocumentRow(alert_id=alert.id, document_id=d, rule_id=f.rule_id, topic_key=f.topic or "",
                                        added_at=self.now))
        have.update(new)
        self._alerted.setdefault(alert.rule_id, set()).update(new)
        alert.document_count = len(have)
        return new

    def _ticket_of(self, alert_id: int) -> TicketRow | None:
        if alert_id not in self._alert_ticket:
            self._alert_ticket[alert_id] = self.s.scalar(select(TicketRow).where(TicketRow.alert_id == alert_id))
        return self._alert_ticket[alert_id]

    def _open(self, f: Firing, dep: str | None) -> AlertRow:
        past = self._is_past(f)
        alert = AlertRow(rule_id=f.rule_id, rule_type=f.rule_type, kind="fire", department_id=dep, topic=f.topic,
                         story_id=f.story_id, severity=f.severity,
                         state=AlertState.PAST.value if past else AlertState.OPEN.value, title=f.title[:1000],
                         reason=f.reason, details={k: v for k, v in f.details.items() if not callable(v)},
                         document_count=0, fired_at=self.now, last_seen_at=self.now, notifications_sent=0,
                         event_start=f.event_start or self.now, event_end=f.event_end or self.now)
        self.s.add(alert)
        self.s.flush()
        self._alert_docs[alert.id] = set()
        self._add_docs(alert, f)
        if f.on_alert is not None:
            f.on_alert(alert.id)
        if past:  # recorded, pages nobody: no new ticket (an appeal's own ticket still holds it), no notice
            self._ticket_for(alert, f, appeal_only=True)
            self.result.alerts_past.append(alert.id)
            return alert
        ticket = self._ticket_for(alert, f)
        self.result.alerts_opened.append(alert.id)
        self._unannounced[alert.id] = ticket
        return alert

    def announce_new(self) -> None:
        for alert_id in list(self._unannounced):
            alert = self.s.get(AlertRow, alert_id)
            ticket = self._ticket_of(alert_id) or self._unannounced[alert_id]
            if alert is not None:
                self._announce(alert, "alert", ticket)
        self._unannounced.clear()

    def _join(self, alert: AlertRow, f: Firing) -> None:
        new_docs = self._add_docs(alert, f)
        alert.last_seen_at = self.now
        widen_event_span(alert, f)
        if alert.state == AlertState.PAST.value:
            self._join_past(alert, f, new_docs)
            return
        if not alert.story_id and f.story_id:
            alert.story_id = f.story_id
        self.result.alerts_joined.append(alert.id)
        ticket = self._ticket_of(alert.id)
        if ticket is not None and new_docs:
            attach_documents(self.s, ticket, new_docs, self.now)
        dep = route_department(self.rt, f.department_id)
        if alert.department_id is None and dep is not None:
            # A later copy of the story names the place: the triage alert goes to that department.
            alert.department_id = dep
            if ticket is not None and ticket.department_id is None:
                audit(self.s, ticket, "system:routing", "routed", self.now, field="department_id", old=None, new=dep)
                ticket.department_id = dep
                changed(ticket)
            if alert.id not in self._unannounced:
                self._announce(alert, "alert", ticket)
        if SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[alert.severity]:
            alert.severity = f.severity
            if ticket is not None:
                raise_severity(self.s, ticket, f.severity, self.sla[f.severity], self.now)
        if ticket is None:
            ticket = self._ticket_for(alert, f)
        if alert.id in self._unannounced:
            return
        cfg = self._rule_config(alert.rule_id)
        escalated = SEVERITY_ORDER[alert.severity] > SEVERITY_ORDER.get(alert.notified_severity or "", 0)
        quiet = alert.last_notified_at is None or self.now - alert.last_notified_at >= timedelta(minutes=cfg.realert_minutes)
        if escalated and quiet:
            self._announce(alert, "escalation", ticket)

    def _join_past(self, alert: AlertRow, f: Firing, new_docs: list[str]) -> None:
        """More documents for a past alert: it stays on record, unless they are fresh — then it is news now."""
        if SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[alert.severity]:
            alert.severity = f.severity
        ticket = self._ticket_of(alert.id)
        if ticket is not None and new_docs:
            attach_documents(self.s, ticket, new_docs, self.now)
        if self._is_past(f):
            return
        alert.state = AlertState.OPEN.value
        if ticket is None:
            ticket = self._ticket_for(alert, f)
        self.result.alerts_opened.append(alert.id)
        self._unannounced[alert.id] = ticket

    def _ticket_for(self, alert: AlertRow, f: Firing, *, appeal_only: bool = False) -> TicketRow | None:
        """The alert's ticket: an appeal's own ticket when the alert is about it, else a new one if severe enough."""
        for doc_id in f.document_ids:
            t = self._appeal_ticket(doc_id)
            if t is not None:
                if t.alert_id is None:
                    t.alert_id = alert.id
                    self._alert_ticket[alert.id] = t
                raise_severity(self.s, t, alert.severity, self.sla[alert.severity], self.now)
                return t
        if appeal_only or not self._opens_ticket(alert):
            return None
        channels = [self._channel_of(d) for d in f.document_ids]
        t = open_ticket(self.s, origin="alert", severity=alert.severity, title=alert.title, now=self.now,
                        sla_hours=self.sla[alert.severity], department_id=alert.department_id, alert_id=alert.id,
                        channel=next((c for c in channels if c), None), topic=alert.topic, document_ids=f.document_ids)
        self._alert_ticket[alert.id] = t
        self.result.tickets_opened.append(t.id)
        return t

    def _opens_ticket(self, alert: AlertRow) -> bool:
        """An incident always does; the threshold only filters what the other rule types raise."""
        return alert.rule_type == "incident" or severity_at_least(alert.severity,
                                                                   self.rt.rules.tickets.min_alert_severity)

    def _channel_of(self, doc_id: str) -> str | None:
        return self.s.scalar(select(DocumentRow.channel).where(DocumentRow.id == doc_id))

    def _recover(self, f: Firing) -> AlertRow | None:
        alert = self.s.get(AlertRow, f.alert_id) if f.alert_id else None
        if alert is None or alert.state == AlertState.RESOLVED.value:
            return None
        if alert.state == AlertState.PAST.value:  # a past episode ended: on record, nobody to tell
            alert.resolved_at = self.now
            alert.resolved_by = "system:recovery"
            return alert
        alert.state = AlertState.RESOLVED.value
        alert.resolved_at = self.now
        alert.resolved_by = "system:recovery"
        alert.reason = f"{alert.reason or ''} — {f.reason}".strip(" —")
        self.result.alerts_recovered.append(alert.id)
        self._announce(alert, "recovery", self._ticket_of(alert.id))
        return alert

    def _announce(self, alert: AlertRow, event: str, ticket: TicketRow | None) -> None:
        self.s.flush()
        digest = self._rule_config(alert.rule_id).notify == "digest"
        self.result.notifications += notify.announce_alert(self.s, self.rt, alert, event, self.now, ticket, digest)


def process_documents(session: Session, rt: AlertsRuntime, docs: list[Document], now: datetime) -> EngineResult:
    """Every rule over ``docs`` (appeals' tickets already opened); the whole effect stays in ``session``."""
    p = AlertProcessor(session, rt, now)
    p.evaluate(docs)
    session.flush()
    return p.result


class AlertEngine:
    """The post-ingest stage that runs the alert rules over stored documents: alerts, their tickets, notifications."""

    def __init__(self, container: CoreContext):
        self.container = container

    @property
    def runtime(self) -> AlertsRuntime:
        return AlertsRuntime.of(self.container)

    def on_ingested(self, session: Session, stored: list[StoredDocument]) -> None:
        rt = self.runtime
        now = rt.clock.now()
        result = process_documents(session, rt, [sd.document for sd in stored], now)
        if result.notifications:
            schedule_delivery(session, self.container.jobs, now)
        if result.tickets_opened or result.alerts_opened:
            schedule_sweep(session, self.container.jobs, rt, now)
        if result.alerts_opened or result.tickets_opened:
            log.info("alerts: opened=%s joined=%s tickets=%s notifications=%s", result.alerts_opened,
                     sorted(set(result.alerts_joined)), result.tickets_opened, result.notifications)

