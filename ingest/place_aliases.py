"""Place aliases learnt from department corrections, confirmed by an admin.

A department correction on a document whose analysis matched no place, or
matched another department's place, is a candidate: the document names a
place the gazetteer does not route to the department staff chose.  An admin
confirms it (picks or edits the place text, picks the department); confirmed
aliases are merged by ``wiring`` into the departments the NLP analyzer is
built with, so the next document naming that place is routed there.  Nothing
is learnt without a person confirming it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from healthpulse.core.errors import HealthpulseError
from healthpulse.core.models.corrections import CorrectionRow, PlaceAliasRow
from healthpulse.core.models.documents import DocumentRow
from sqlalchemy import func, select
from sqlalchemy.orm import Session

MAX_PLACE = 200


class AliasInvalid(HealthpulseError, ValueError):
    error_code = "invalid"


def candidates(session: Session, limit: int = 100) -> list[dict[str, Any]]:
    """Department corrections not yet turned into an alias, newest first, with the place texts to choose from."""
    done = {(a.document_id, a.department_id) for a in session.scalars(select(PlaceAliasRow))}
    rows = session.execute(select(CorrectionRow, DocumentRow).join(DocumentRow, DocumentRow.id == CorrectionRow.document_id)
                           .where(CorrectionRow.field == "department", CorrectionRow.new_value.is_not(None))
                           .order_by(CorrectionRow.id.desc()).limit(limit * 4)).all()
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for c, doc in rows:
        key = (doc.id, str(c.new_value))
        if key in done or key in seen or doc.department != c.new_value:
            continue  # already confirmed, listed, or corrected again since
        seen.add(key)
        suggestions = place_texts(doc.analysis or {}, str(c.new_value))
        out.append({"correction_id": c.id, "document_id": doc.id, "department": c.new_value, "from": c.old_value,
                    "title": doc.title, "extract": doc.text[:300], "suggestions": suggestions, "user": c.user,
                    "at": c.created_at})
        if len(out) >= limit:
            break
    return out


def place_texts(analysis: dict[str, Any], department_id: str) -> list[str]:
    """Place texts of the analysis not already routed to ``department_id`` (what the admin may confirm)."""
    texts = [m.get("text") for m in analysis.get("place_matches") or [] if m.get("department") != department_id]
    texts += list((analysis.get("evidence") or {}).get("places") or [])
    return [t for t in dict.fromkeys(t.strip() for t in texts if t) if t]


def confirm(session: Session, *, department_id: str, place: str, user: str, now: datetime,
            department_ids: Collection[str], document_id: str | None = None) -> PlaceAliasRow:
    """Add ``place`` to ``department_id``'s aliases (idempotent: an existing pair is returned as is)."""
    place = " ".join(place.split())
    if not place or len(place) > MAX_PLACE:
        raise AliasInvalid(f"the place text must be 1-{MAX_PLACE} characters")
    if not any(ch.isalpha() for ch in place):
        raise AliasInvalid("the place text must contain letters")
    if department_id not in department_ids:
        raise AliasInvalid(f"unknown department '{department_id}'")
    row = session.scalar(select(PlaceAliasRow).where(PlaceAliasRow.department_id == department_id,
                                                     PlaceAliasRow.place == place))
    if row is None:
        row = PlaceAliasRow(department_id=department_id, place=place, document_id=document_id, confirmed_by=user,
                            confirmed_at=now)
        session.add(row)
        session.flush()
    return row


def remove(session: Session, alias_id: int) -> bool:
    row = session.get(PlaceAliasRow, alias_id)
    if row is None:
        return False
    session.delete(row)
    return True


def confirmed(session: Session) -> list[PlaceAliasRow]:
    return list(session.scalars(select(PlaceAliasRow).order_by(PlaceAliasRow.department_id, PlaceAliasRow.place)))


def aliases_by_department(session: Session) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for a in confirmed(session):
        out.setdefault(a.department_id, []).append(a.place)
    return out


def stamp(session: Session) -> tuple[int, int]:
    """(count, highest id): changes whenever an alias is added or removed (cheap to poll)."""
    n, top = session.execute(select(func.count(), func.max(PlaceAliasRow.id)).select_from(PlaceAliasRow)).one()
    return int(n or 0), int(top or 0)
