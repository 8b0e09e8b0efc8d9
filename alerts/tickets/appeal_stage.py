"""The post-ingest stage that gives every citizen appeal its own ticket (SLA, routing, announcement).

Except praise (``alerts.praise``): a thank-you opens no ticket; its appeal is
closed and the department finds it on its praise list.

Runs before the alert engine: an alert about the same document then joins
this ticket instead of opening another.  Re-ingesting an appeal's document
(an edited transcript, a retried stage) attaches it to the existing ticket.
"""

from __future__ import annotations

import logging
from datetime import datetime

from healthpulse.alerts.delivery import notify
from healthpulse.alerts.delivery.routing import route_department
from healthpulse.alerts.praise import APPEAL_CHANNELS, is_praise
from healthpulse.alerts.rules.base import document_department, primary_topic, short_title
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.alerts.scheduling import schedule_delivery, schedule_sweep
from healthpulse.alerts.tickets.lifecycle import attach_documents, open_ticket
from healthpulse.alerts.tickets.sla import sla_hours
from healthpulse.appeals.lifecycle import close_as_praise, get_by_document
from healthpulse.core.context import CoreContext
from healthpulse.core.domain import Document
from healthpulse.core.models.tickets import TicketRow
from healthpulse.core.stages import StoredDocument
from sqlalchemy import select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def open_appeal_tickets(session: Session, rt: AlertsRuntime, docs: list[Document], now: datetime) -> tuple[list[int], int]:
    """A ticket per appeal document that has none yet; returns (opened ticket ids, notifications queued)."""
    opened: list[int] = []
    notifications = 0
    sla: dict[str, float] | None = None
    for doc in docs:
        if doc.channel not in APPEAL_CHANNELS:
            continue
        appeal = get_by_document(session, doc.id)
        if appeal is None:
            log.warning("document %s came in on %s but no appeal refers to it; no ticket", doc.id, doc.channel)
            continue
        existing = session.scalar(select(TicketRow).where(TicketRow.appeal_id == appeal.id))
        if existing is not None:
            attach_documents(session, existing, [doc.id], now)
            continue
        if is_praise(doc):
            close_as_praise(session, appeal.id, now)
            continue
        a = doc.analysis
        severity = (a.severity if a is not None and a.severity else None) or rt.rules.appeals.default_severity
        sla = sla if sla is not None else sla_hours(session, rt.settings)
        dep = route_department(rt, appeal.department_id or document_department(doc))
        t = open_ticket(
            session, origin="appeal", severity=severity, title=short_title(doc), now=now,
            sla_hours=sla[severity], department_id=dep, appeal_id=appeal.id, channel=str(doc.channel),
            topic=appeal.topic or primary_topic(doc), has_citizen=True,
            citizen_language=appeal.language or (a.language if a else None), document_ids=[doc.id],
        )
        opened.append(t.id)
        notifications += notify.announce_appeal(session, rt, t, appeal, [doc.id], now)
        notifications += notify.acknowledge_appeal(session, rt, t, appeal, now)
    session.flush()
    return opened, notifications


class AppealTicketStage:
    def __init__(self, context: CoreContext):
        self.context = context

    def on_ingested(self, session: Session, stored: list[StoredDocument]) -> None:
        rt = AlertsRuntime.of(self.context)
        now = rt.clock.now()
        opened, notifications = open_appeal_tickets(session, rt, [sd.document for sd in stored], now)
        if notifications:
            schedule_delivery(session, self.context.jobs, now)
        if opened:
            schedule_sweep(session, self.context.jobs, rt, now)
            log.info("appeals: tickets opened=%s notifications=%s", opened, notifications)
