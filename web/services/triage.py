"""The triage desk's view of tickets no department was found for, and routing one to a department.

Only the triage role and admins get here (``may_triage``, checked by the
blueprint and again here: fails closed).  The desk sees unrouted tickets
only; a routed one reads as missing.  Appeal text is shown with the
citizen's contacts masked: the desk decides where a ticket goes, the
department calls the citizen back.
"""

from __future__ import annotations

from typing import Any

from healthpulse.alerts import service as alerts
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.alerts.triage_service import load_unrouted
from healthpulse.core.errors import HealthpulseError
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.tickets import TicketDocumentRow
from healthpulse.web.services.context import WebContext
from healthpulse.web.services.tickets import NotFound, document_view, visible_text
from healthpulse.web.services.users import Principal
from sqlalchemy import select

TRIAGE_ROLES = ("triage", "admin")
QUEUE_LIMIT = 200


class RouteRefused(HealthpulseError, ValueError):
    """The department is unknown; the message says so."""
    error_code = "invalid"


def may_triage(principal: Principal | None) -> bool:
    return principal is not None and principal.role in TRIAGE_ROLES


def _check(principal: Principal) -> None:
    if not may_triage(principal):
        raise NotFound("triage queue")


def queue(container: WebContext, principal: Principal) -> dict[str, Any]:
    """Open tickets without a department, oldest first (they have waited longest), with a text preview."""
    _check(principal)
    with container.session() as s:
        rows, total = alerts.list_tickets(s, triage=True, status="open", sort="created_at", limit=QUEUE_LIMIT)
        first_docs = {r["id"]: r["document_ids"][0] for r in rows if r["document_ids"]}
        docs = {d.id: d for d in s.scalars(select(DocumentRow).where(DocumentRow.id.in_(list(first_docs.values()))))}
    for r in rows:
        r["title"] = _masked(principal, r["title"])
        doc = docs.get(first_docs.get(r["id"], ""))
        r["preview"] = _masked(principal, doc.text[:300]) if doc is not None else ""
        r["language"] = doc.language if doc is not None else None
    return {"rows": rows, "total": total}


def ticket(container: WebContext, principal: Principal, ticket_id: int) -> dict[str, Any]:
    """One unrouted ticket with its documents (contacts masked); ``NotFound`` once it has a department."""
    _check(principal)
    with container.session() as s:
        try:
            t = load_unrouted(s, ticket_id)
        except alerts.TicketNotFound:
            raise NotFound(f"ticket {ticket_id}") from None
        summary = alerts.ticket_summary(t, [])
        doc_ids = list(s.scalars(select(TicketDocumentRow.document_id).where(TicketDocumentRow.ticket_id == t.id)
                                 .order_by(TicketDocumentRow.id)))
        rows = {d.id: d for d in s.scalars(select(DocumentRow).where(DocumentRow.id.in_(doc_ids)))} if doc_ids else {}
        documents = [document_view(rows[i]) for i in doc_ids if i in rows]
    for d in documents:
        d["extract"], d["title"] = _masked(principal, d["extract"]), _masked(principal, d["title"])
    return {**summary, "title": _masked(principal, summary["title"]), "documents": documents}


def _masked(principal: Principal, text: str | None) -> str:
    """Text with the citizen's phone numbers and e-mails hidden (no department is assigned yet)."""
    return visible_text(principal, {"department_id": None}, text)


def route(container: WebContext, principal: Principal, ticket_id: int, department_id: str) -> dict[str, Any]:
    """Give an unrouted ticket its department (``RouteRefused`` for an unknown one, ``NotFound`` if routed)."""
    _check(principal)
    if container.departments.get(department_id) is None:
        raise RouteRefused(f"unknown department {department_id!r}")
    with container.session() as s:
        try:
            return alerts.route_ticket(s, ticket_id, department_id, principal.username,
                                       runtime=AlertsRuntime.of(container), now=container.clock.now())
        except alerts.TicketNotFound:
            raise NotFound(f"ticket {ticket_id}") from None
        except alerts.TicketError as err:
            raise RouteRefused(str(err)) from None
