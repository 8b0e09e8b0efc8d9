"""Incidents for the web, scoped to the caller like tickets (a department sees its own department's only)."""

from __future__ import annotations

from typing import Any

from healthpulse.incidents import service
from healthpulse.web.services.context import WebContext
from healthpulse.web.services.tickets import NotFound, department_ids
from healthpulse.web.services.users import Principal


def list_incidents(container: WebContext, principal: Principal, *, limit: int = 100) -> list[dict[str, Any]]:
    with container.session() as s:
        return service.list_incidents(s, department_ids=department_ids(principal), limit=limit)


def get_incident(container: WebContext, principal: Principal, incident_id: int) -> dict[str, Any]:
    with container.session() as s:
        try:
            return service.get_incident(s, incident_id, department_ids=department_ids(principal))
        except service.IncidentNotFound:
            raise NotFound(f"incident {incident_id}") from None
