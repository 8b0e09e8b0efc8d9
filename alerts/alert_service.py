"""Alerts as the web app and the CLI see them: list, read, acknowledge, resolve (scoped by department).

Re-exported by ``alerts.service`` (the one service module callers import); same conventions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.alerts.delivery import notify
from healthpulse.alerts.scope import as_list, in_scope, now_or_system
from healthpulse.core.domain import SEVERITY_ORDER, AlertState
from healthpulse.core.errors import HealthpulseError
from healthpulse.core.models.alerts import AlertDocumentRow, AlertRow
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.tickets import TicketRow
from sqlalchemy import ScalarSelect, case, func, select
from sqlalchemy.orm import Session


class AlertNotFound(HealthpulseError, LookupError):
    error_code = "not_found"


ALERT_SORTS = ("newest", "priority")


def alert_reach() -> ScalarSelect[Any]:
    """The alert's reach: the largest reach score of its documents (a post seen 50,000 times outranks one seen 40)."""
    return (select(func.max(DocumentRow.reach_score)).join(AlertDocumentRow, AlertDocumentRow.document_id == DocumentRow.id)
            .where(AlertDocumentRow.alert_id == AlertRow.id).correlate(AlertRow).scalar_subquery())


def alert_summary(a: AlertRow, document_ids: list[str], ticket_id: int | None, reach: int | None = None
                  ) -> dict[str, Any]:
    return {"id": a.id, "rule": a.rule_id, "rule_type": a.rule_type, "kind": a.kind, "department": a.department_id,
            "topic": a.topic, "story_id": a.story_id, "severity": a.severity, "state": a.state, "title": a.title,
            "reason": a.reason, "fired_at": a.fired_at, "last_seen_at": a.last_seen_at,
            "event_start": a.event_start, "event_end": a.event_end,
            "notifications_sent": a.notifications_sent, "acknowledged_by": a.acknowledged_by,
            "acknowledged_at": a.acknowledged_at, "resolved_by": a.resolved_by, "resolved_at": a.resolved_at,
            "document_count": a.document_count, "document_ids": document_ids, "ticket_id": ticket_id, "reach": reach}


def list_alerts(session: Session, department_ids: list[str] | None = None, state: str | list[str] | None = None, *,
                triage: bool | None = None, limit: int = 50, offset: int = 0, sort: str = "newest",
                include_past: bool = False) -> tuple[list[dict[str, Any]], int]:
    """Alerts → ``(items, total)``; ``state`` open/acknowledged/resolved/past (or a list).

    Past episodes (found in late or backfilled data, never paged) are left out unless ``include_past``
    or asked for by state. ``sort="newest"``: newest first; ``"priority"``: most severe first, then the
    widest reach (views of the alert's posts), then newest.
    """
    if sort not in ALERT_SORTS:
        raise ValueError(f"unknown sort {sort!r}; one of {', '.join(ALERT_SORTS)}")
    reach = alert_reach().label("reach")
    q = select(AlertRow, reach)
    if department_ids is not None:
        q = q.where(AlertRow.department_id.in_(department_ids))
    if triage is True:
        q = q.where(AlertRow.department_id.is_(None))
    states = as_list(state)
    if states:
        q = q.where(AlertRow.state.in_(states))
    elif not include_past:
        q = q.where(AlertRow.state != AlertState.PAST.value)
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    order: list[Any] = [AlertRow.fired_at.desc(), AlertRow.id.desc()]
    if sort == "priority":
        order = [case(SEVERITY_ORDER, value=AlertRow.severity, else_=0).desc(),
                 func.coalesce(reach, -1).desc(), *order]
    found = session.execute(q.order_by(*order).limit(max(1, min(int(limit), 1000))).offset(max(0, int(offset)))).all()
    rows = [a for a, _ in found]
    reaches = {a.id: r for a, r in found}
    ids = [a.id for a in rows]
    docs: dict[int, list[str]] = {i: [] for i in ids}
    tickets: dict[int, int] = {}
    if ids:
        for aid, did in session.execute(select(AlertDocumentRow.alert_id, AlertDocumentRow.document_id)
                                        .where(AlertDocumentRow.alert_id.in_(ids)).order_by(AlertDocumentRow.id)):
            docs[aid].append(did)
        for ticket_alert, tid in session.execute(select(TicketRow.alert_id, TicketRow.id).where(TicketRow.alert_id.in_(ids))):
            if ticket_alert is not None:
                tickets.setdefault(ticket_alert, tid)
    return [alert_summary(a, docs[a.id], tickets.get(a.id), reaches[a.id]) for a in rows], total


def _load_alert(session: Session, alert_id: int, department_ids: list[str] | None) -> AlertRow:
    a = session.get(AlertRow, int(alert_id))
    if a is None or not in_scope(a.department_id, department_ids):
        raise AlertNotFound(f"alert #{alert_id} does not exist")
    return a


def get_alert(session: Session, alert_id: int, *, department_ids: list[str] | None = None) -> dict[str, Any]:
    a = _load_alert(session, alert_id, department_ids)
    doc_ids = notify.alert_document_ids(session, a.id)
    tid = session.scalar(select(TicketRow.id).where(TicketRow.alert_id == a.id))
    return alert_summary(a, doc_ids, tid, session.scalar(select(alert_reach()).where(AlertRow.id == a.id)))


def acknowledge_alert(session: Session, alert_id: int, actor: str, *, now: datetime | None = None,
                      department_ids: list[str] | None = None) -> dict[str, Any]:
    a = _load_alert(session, alert_id, department_ids)
    if a.state == AlertState.OPEN.value:
        a.state = AlertState.ACKNOWLEDGED.value
        a.acknowledged_at, a.acknowledged_by = now_or_system(now), actor
    return get_alert(session, a.id)


def resolve_alert(session: Session, alert_id: int, actor: str, *, now: datetime | None = None,
                  department_ids: list[str] | None = None) -> dict[str, Any]:
    """Resolve: later documents of the same story open a new alert. The ticket is not closed by this."""
    a = _load_alert(session, alert_id, department_ids)
    if a.state != AlertState.RESOLVED.value:
        a.state = AlertState.RESOLVED.value
        a.resolved_at, a.resolved_by = now_or_system(now), actor
    return get_alert(session, a.id)
