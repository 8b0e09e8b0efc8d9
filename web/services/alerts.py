"""Alerts for the web: the list, acknowledge/resolve, and one alert with its documents and ticket.

Scoped like tickets (``tickets.department_ids``): an alert of another
department reads as missing (``NotFound``), and the alert's ticket is linked
only when the caller may open it.  Appeal documents show contacts masked
except to the assigned department, as on the ticket page.
"""

from __future__ import annotations

from typing import Any

from healthpulse.alerts import service as alerts
from healthpulse.alerts.scope import in_scope
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.tickets import TicketDocumentRow, TicketRow
from healthpulse.web.services.context import WebContext
from healthpulse.web.services.tickets import (
    ActionRefused,
    NotFound,
    department_ids,
    document_view,
    ticket_json,
    visible_text,
)
from healthpulse.web.services.users import Principal
from sqlalchemy import select

APPEAL_CHANNELS = ("video_appeal", "text_appeal", "hotline", "email")


def list_alerts(container: WebContext, principal: Principal, state: str | None = None, limit: int = 100,
                sort: str = "newest") -> list[dict[str, Any]]:
    with container.session() as s:
        rows, _total = alerts.list_alerts(s, department_ids(principal), state, limit=limit, sort=sort)
    return [ticket_json(r) for r in rows]


OPEN_STATES = ["open", "acknowledged"]


def open_alerts(container: WebContext, principal: Principal, departments: list[str] | None = None,
                limit: int = 10) -> tuple[list[dict[str, Any]], int]:
    """Alerts not yet resolved, most severe first (then widest reach, newest) → ``(rows, total)``; within the
    principal's scope, narrowed to ``departments`` when given (the press dashboard's region filter)."""
    scope = department_ids(principal)
    if departments:
        scope = [d for d in departments if scope is None or d in scope]
    with container.session() as s:
        rows, total = alerts.list_alerts(s, scope, OPEN_STATES, limit=limit, sort="priority")
    return [ticket_json(r) for r in rows], total


def press_alert(container: WebContext, principal: Principal, alert_id: int) -> dict[str, Any]:
    """One alert for the press office: as ``alert_detail`` but without the ticket (the press does not open
    tickets) — contacts in appeals stay masked, as for anyone but the assigned department."""
    return {**alert_detail(container, principal, alert_id), "ticket_id": None}


def alert_action(container: WebContext, principal: Principal, alert_id: int, action: str) -> None:
    fn = {"acknowledge": alerts.acknowledge_alert, "resolve": alerts.resolve_alert}.get(action)
    if fn is None:
        raise ActionRefused(f"unknown action {action}")
    with container.session() as s:
        try:
            fn(s, alert_id, principal.username, now=container.clock.now(), department_ids=department_ids(principal))
        except alerts.AlertNotFound:
            raise NotFound(f"alert {alert_id}") from None


def shown_source(source: str | None, channel: str) -> str | None:
    """The source a page names beside a document's channel: appeals and calls store their channel as their
    source, which the page already names (translated), so it is not repeated as a code."""
    return None if source == channel else source


def alert_detail(container: WebContext, principal: Principal, alert_id: int) -> dict[str, Any]:
    """One alert in the caller's scope: its facts, its documents (``in_ticket``: shown on the ticket page)
    and ``ticket_id`` (None when there is none or the caller may not open it)."""
    scope = department_ids(principal)
    with container.session() as s:
        try:
            alert = alerts.get_alert(s, alert_id, department_ids=scope)
        except alerts.AlertNotFound:
            raise NotFound(f"alert {alert_id}") from None
        doc_ids = alert["document_ids"]
        rows = {r.id: r for r in s.scalars(select(DocumentRow).where(DocumentRow.id.in_(doc_ids)))} if doc_ids else {}
        ticket = s.get(TicketRow, alert["ticket_id"]) if alert["ticket_id"] else None
        if ticket is not None and not in_scope(ticket.department_id, scope):
            ticket = None
        in_ticket = set(s.scalars(select(TicketDocumentRow.document_id).where(
            TicketDocumentRow.ticket_id == ticket.id))) if ticket is not None else set()
        documents = [document_view(rows[i]) for i in doc_ids if i in rows]
    appeal_scope = {"department_id": alert["department"]}
    for d in documents:
        d["in_ticket"] = d["id"] in in_ticket
        d["source"] = shown_source(d["source"], d["channel"])
        if d["channel"] in APPEAL_CHANNELS:
            d["extract"] = visible_text(principal, appeal_scope, d["extract"])
    return {**alert, "ticket_id": ticket.id if ticket is not None else None, "documents": documents}
