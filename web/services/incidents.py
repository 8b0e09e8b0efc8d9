"""Incidents for the web, scoped to the caller like tickets (a department sees its own department's only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.incidents import IncidentDocumentRow, IncidentRow
from healthpulse.incidents import decisions, service
from healthpulse.incidents.stage import merge_settings
from healthpulse.web.services import top_stories
from healthpulse.web.services.context import WebContext
from healthpulse.web.services.tickets import NotFound, department_ids
from healthpulse.web.services.users import Principal
from sqlalchemy import func, select
from sqlalchemy.orm import Session


def list_incidents(container: WebContext, principal: Principal, *, limit: int = 100) -> list[dict[str, Any]]:
    with container.session() as s:
        return service.list_incidents(s, department_ids=department_ids(principal), limit=limit)


def ranked_incidents(container: WebContext, principal: Principal, *, limit: int = 50,
                     recent: int = 200) -> list[dict[str, Any]]:
    """The ``recent`` latest incidents in the caller's scope, ranked (``rank_in_scope``)."""
    return rank_in_scope(container, department_ids(principal), limit=limit, recent=recent)


def rank_in_scope(container: WebContext, scope: list[str] | None, *, limit: int = 50, recent: int = 200,
                  since: datetime | None = None) -> list[dict[str, Any]]:
    """The ``recent`` latest incidents of the departments in ``scope`` (None: all; ``since``: only those with a
    report since then), ranked by coverage × reach × severity (``top_stories.rank_incidents``): each incident's
    dict with its ``score``, ``outlets`` and ``reach``.  The press list and the daily digest both rank here."""
    with container.session() as s:
        found = service.list_incidents(s, department_ids=scope, limit=recent, since=since)
        ids = [d for inc in found for d in inc["document_ids"]]
        docs = {i: top_stories.IncidentDocument(url=u, channel=c, reach=r, source=src) for i, u, c, r, src in s.execute(
            select(DocumentRow.id, DocumentRow.url, DocumentRow.channel, DocumentRow.reach_score, DocumentRow.source)
            .where(DocumentRow.id.in_(ids)))} if ids else {}
    by_id = {inc["id"]: inc for inc in found}
    return [{**by_id[st.incident_id], "score": round(st.score, 1), "outlets": len(st.sources), "reach": st.audience}
            for st in top_stories.rank_incidents(found, docs, limit=limit) if st.incident_id in by_id]


def get_incident(container: WebContext, principal: Principal, incident_id: int) -> dict[str, Any]:
    with container.session() as s:
        try:
            return service.get_incident(s, incident_id, department_ids=department_ids(principal))
        except service.IncidentNotFound:
            raise NotFound(f"incident {incident_id}") from None


def incident_of_each(container: WebContext, principal: Principal, document_ids: list[str]) -> dict[str, int]:
    """{document id: the incident (in the caller's scope) it belongs to}, so a search hit can open its incident."""
    if not document_ids:
        return {}
    scope = department_ids(principal)
    with container.session() as s:
        q = (select(IncidentDocumentRow.document_id, IncidentDocumentRow.incident_id)
             .join(IncidentRow, IncidentRow.id == IncidentDocumentRow.incident_id)
             .where(IncidentDocumentRow.document_id.in_(document_ids)))
        if scope is not None:
            q = q.where(IncidentRow.department_id.in_(scope))
        return {doc_id: incident_id for doc_id, incident_id in s.execute(q)}


def incidents_of_documents(container: WebContext, principal: Principal, document_ids: list[str]) -> list[dict[str, Any]]:
    """The incidents (in the caller's scope) those documents are merged into, for links from a ticket or an alert:
    ``[{"id", "title", "documents": how many of document_ids it holds}]``, by id."""
    if not document_ids:
        return []
    scope = department_ids(principal)
    with container.session() as s:
        q = (select(IncidentRow.id, IncidentRow.title, func.count(IncidentDocumentRow.document_id))
             .join(IncidentDocumentRow, IncidentDocumentRow.incident_id == IncidentRow.id)
             .where(IncidentDocumentRow.document_id.in_(document_ids)))
        if scope is not None:
            q = q.where(IncidentRow.department_id.in_(scope))
        rows = s.execute(q.group_by(IncidentRow.id, IncidentRow.title).order_by(IncidentRow.id)).all()
    return [{"id": i, "title": t, "documents": n} for i, t, n in rows]


def decide(container: WebContext, principal: Principal, incident_id: int, action: str, body: dict[str, Any]) -> int:
    """A staff ``split`` (body: document_id) or ``merge`` (body: incident_id) on an incident in the caller's scope;
    returns the incident that now holds the document(s)."""
    scope = department_ids(principal)
    now = container.clock.now()
    with container.session() as s:
        incident = _scoped(s, incident_id, scope)
        note = body.get("note") if isinstance(body.get("note"), str) else None
        if action == "split":
            document_id = body.get("document_id")
            if not isinstance(document_id, str) or not document_id:
                raise InvalidDecision("'document_id' is required", "document_id")
            return decisions.split(s, incident, document_id, principal.username, now, note).id
        other_id = body.get("incident_id")
        if not isinstance(other_id, int) or isinstance(other_id, bool):
            raise InvalidDecision("'incident_id' must be an incident number", "incident_id")
        other = _scoped(s, other_id, scope)
        return decisions.merge(s, incident, other, principal.username, now, merge_settings(container), note).id


class InvalidDecision(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def _scoped(session: Session, incident_id: int, scope: list[str] | None) -> IncidentRow:
    row = session.get(IncidentRow, incident_id)
    if row is None or (scope is not None and row.department_id not in scope):
        raise NotFound(f"incident {incident_id}")
    return row
