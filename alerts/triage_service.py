"""The triage queue: tickets (from alerts and citizen appeals) that no department was found for.

Re-exported by ``alerts.service`` (same conventions).  Only a ticket that is
still in the queue (``department_id`` NULL) can be routed: a routed ticket
is outside the triage scope and reads as missing (``TicketNotFound``), so
the triage desk never reaches a department's tickets.  Routing moves the
ticket, its citizen's appeal and its alert to the department (which then
sees them in its inbox, documents and video included), writes an audit
event, and announces the ticket to the department like a new one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.alerts.delivery import notify
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.alerts.scheduling import schedule_delivery
from healthpulse.alerts.scope import now_or_system
from healthpulse.alerts.tickets import lifecycle as T
from healthpulse.alerts.tickets.lifecycle import TicketError, TicketNotFound
from healthpulse.core.models.alerts import AlertRow
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.tickets import TicketDocumentRow, TicketRow
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError


def load_unrouted(session: Session, ticket_id: int) -> TicketRow:
    """A ticket still waiting in the triage queue, else ``TicketNotFound``."""
    t = session.get(TicketRow, int(ticket_id))
    if t is None or t.department_id is not None:
        raise TicketNotFound(f"ticket #{ticket_id} is not in the triage queue")
    return t


def route_ticket(session: Session, ticket_id: int, department_id: str, actor: str, *, runtime: AlertsRuntime,
                 now: datetime | None = None) -> dict[str, Any]:
    """Give a triage ticket its department; raises ``TicketError`` for an unknown department.

    Two desks routing one ticket at once: the ticket's version decides (compare-and-set), and the one
    that lost finds it gone from the queue (``TicketNotFound``), as if it had loaded the page later.
    """
    try:
        return _route(session, ticket_id, department_id, actor, runtime, now_or_system(now))
    except StaleDataError:
        session.rollback()
        raise TicketNotFound(f"ticket #{ticket_id} was routed by someone else meanwhile") from None


def _route(session: Session, ticket_id: int, department_id: str, actor: str, runtime: AlertsRuntime,
           now: datetime) -> dict[str, Any]:
    if not department_id or runtime.departments.get(department_id) is None:
        raise TicketError(f"unknown department {department_id!r}")
    t = load_unrouted(session, ticket_id)
    T.audit(session, t, actor, "routed", now, field="department", old=None, new=department_id)
    t.department_id = department_id
    T.changed(t)
    doc_ids = list(session.scalars(select(TicketDocumentRow.document_id).where(TicketDocumentRow.ticket_id == t.id)
                                   .order_by(TicketDocumentRow.id)))
    appeal = session.get(AppealRow, t.appeal_id) if t.appeal_id else None
    alert = session.get(AlertRow, t.alert_id) if t.alert_id else None
    if appeal is not None and appeal.department_id is None:
        appeal.department_id, appeal.updated_at = department_id, now
    if alert is not None and alert.department_id is None:
        alert.department_id = department_id
    session.flush()
    if appeal is not None:
        queued = notify.announce_appeal(session, runtime, t, appeal, doc_ids, now)
    elif alert is not None:
        queued = notify.announce_alert(session, runtime, alert, "alert", now, ticket=t)
    else:
        queued = 0
    if queued and runtime.jobs is not None:
        schedule_delivery(session, runtime.jobs, now)
    return {"id": t.id, "department": t.department_id, "notifications": queued}
