"""Incidents for the web, scoped to the caller like tickets (a department sees its own department's only)."""

from __future__ import annotations

from typing import Any

from healthpulse.core.models.incidents import IncidentRow
from healthpulse.incidents import decisions, service
from healthpulse.incidents.stage import merge_settings
from healthpulse.web.services.context import WebContext
from healthpulse.web.services.tickets import NotFound, department_ids
from healthpulse.web.services.users import Principal
from sqlalchemy.orm import Session


def list_incidents(container: WebContext, principal: Principal, *, limit: int = 100) -> list[dict[str, Any]]:
    with container.session() as s:
        return service.list_incidents(s, department_ids=department_ids(principal), limit=limit)


def get_incident(container: WebContext, principal: Principal, incident_id: int) -> dict[str, Any]:
    with container.session() as s:
        try:
            return service.get_incident(s, incident_id, department_ids=department_ids(principal))
        except service.IncidentNotFound:
            raise NotFound(f"incident {incident_id}") from None


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
