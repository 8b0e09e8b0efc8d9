"""Staff corrections for the web (inbox form and API), scoped to the caller; admins confirm place aliases.

Who may correct a document (fails closed): an admin, any document; a
department user, a document of their own department — its analysis routes
it there, or a ticket of their department holds it.  Anything else (press,
another department, a missing id) is ``NotFound``, so ids leak nothing.
The work itself is ``ingest.corrections`` (validate, apply, outbox) and
``alerts.tickets.document_audit`` (the tickets' audit trail), in one
transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthpulse.alerts.tickets.document_audit import audit_corrections, ticket_departments
from healthpulse.core.models.documents import DocumentRow
from healthpulse.ingest import corrections as corr
from healthpulse.ingest import place_aliases
from healthpulse.web.labels import TOPICS
from healthpulse.web.services.context import WebContext
from healthpulse.web.services.tickets import NotFound
from healthpulse.web.services.users import Principal
from sqlalchemy.orm import Session

CorrectionInvalid = corr.CorrectionInvalid
AliasInvalid = place_aliases.AliasInvalid


def _may_correct(session: Session, principal: Principal, row: DocumentRow) -> bool:
    if principal.is_admin:
        return True
    if principal.role != "department" or not principal.department_id:
        return False
    return row.department == principal.department_id or principal.department_id in ticket_departments(session, row.id)


def _document(session: Session, principal: Principal, document_id: str, *, for_update: bool = False) -> DocumentRow:
    row = session.get(DocumentRow, document_id, with_for_update=for_update) if len(document_id) <= 128 else None
    if row is None or not _may_correct(session, principal, row):
        raise NotFound(f"document {document_id}")
    return row


def topic_ids(container: WebContext) -> list[str]:
    """The taxonomy's ids the UI knows (labels.TOPICS holds the default taxonomy's translated labels)."""
    return list(TOPICS)


def correct(container: WebContext, principal: Principal, document_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """Apply a correction (any subset of the correctable fields + note); returns the new values and the rows made."""
    changes, note = corr.parse_changes(body)
    now = container.clock.now()
    with container.session() as s:
        row = _document(s, principal, document_id, for_update=True)
        made = corr.apply_correction(s, row, changes, user=principal.username, now=now, note=note,
                                     topic_ids=topic_ids(container), department_ids=container.departments.ids)
        audit_corrections(s, row.id, [(c.field, c.old_value, c.new_value) for c in made], principal.username, now, note)
        result = {"document_id": row.id, "changed": [c.field for c in made], "current": corr.current_values(row),
                  "corrections": [corr.correction_json(c) for c in made]}
    return result  # the index follows through the outbox (the worker drains it), like any stored change


def history(container: WebContext, principal: Principal, document_id: str) -> dict[str, Any]:
    with container.session() as s:
        row = _document(s, principal, document_id)
        return {"document_id": row.id, "current": corr.current_values(row),
                "corrections": [corr.correction_json(c) for c in corr.list_corrections(s, row.id)]}


def may_correct(container: WebContext, principal: Principal, document_id: str) -> bool:
    try:
        with container.session() as s:
            _document(s, principal, document_id)
    except NotFound:
        return False
    return True


# -- place aliases (admins) ----------------------------------------------------------
def alias_page(container: WebContext) -> dict[str, Any]:
    with container.session() as s:
        return {"candidates": place_aliases.candidates(s),
                "aliases": [{"id": a.id, "department": a.department_id, "place": a.place, "by": a.confirmed_by,
                             "at": a.confirmed_at} for a in place_aliases.confirmed(s)]}


def confirm_alias(container: WebContext, principal: Principal, department_id: str, place: str,
                  document_id: str | None = None) -> None:
    if not principal.is_admin:
        raise NotFound("aliases")
    with container.session() as s:
        place_aliases.confirm(s, department_id=department_id, place=place, user=principal.username,
                              now=container.clock.now(), department_ids=container.departments.ids,
                              document_id=document_id)
    container.refresh_places()


def remove_alias(container: WebContext, principal: Principal, alias_id: int) -> None:
    if not principal.is_admin:
        raise NotFound("aliases")
    with container.session() as s:
        if not place_aliases.remove(s, alias_id):
            raise NotFound(f"alias {alias_id}")
    container.refresh_places()


# -- the inbox's document panel ------------------------------------------------------
def decorate_documents(container: WebContext, principal: Principal, documents: list[dict[str, Any]]) -> None:
    """Add each document's correction history, current values and whether this user may correct it."""
    with container.session() as s:
        for d in documents:
            row = s.get(DocumentRow, d["id"])
            d["may_correct"] = row is not None and _may_correct(s, principal, row)
            d["current"] = corr.current_values(row) if row is not None else {}
            d["corrections"] = [{**corr.correction_json(c), "at": c.created_at}
                                for c in corr.list_corrections(s, d["id"])] if row else []


def evidence_view(extract: str, incident_text: str | None) -> dict[str, Any] | None:
    """How to show the incident evidence: ``parts`` (before, mark, after) when it occurs verbatim in the
    shown text, else ``why`` (a quoted block); None when there is none.  Plain strings: the template escapes."""
    text = (incident_text or "").strip()
    if not text:
        return None
    i = extract.find(text)
    if i < 0:
        return {"parts": None, "why": text}
    return {"parts": (extract[:i], text, extract[i + len(text):]), "why": None}
