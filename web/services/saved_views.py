"""Saved press dashboard views: a user's named filters, reopened as the same dashboard URL.

The stored query is what ``Filters.to_args`` wrote after validation, so reopening a view is
validated again like any dashboard URL (a view saved before a department was removed reads as a 400
naming that parameter, never a 500).  Views are per user: another user's id reads as missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from healthpulse.core.models.press import SavedViewRow
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

MAX_VIEWS = 50  # per user: a saved view is a bookmark, not storage
NAME_MAX = 80


class SavedViewError(ValueError):
    """A name that cannot be saved (empty, too long) or too many views; the message is shown on the page."""


@dataclass(frozen=True)
class SavedView:
    id: int
    name: str
    query: str


def list_views(session: Session, user_id: int) -> list[SavedView]:
    rows = session.scalars(select(SavedViewRow).where(SavedViewRow.user_id == user_id).order_by(SavedViewRow.name))
    return [SavedView(r.id, r.name, r.query) for r in rows]


def save_view(session: Session, user_id: int, name: str, args: list[tuple[str, str]]) -> SavedView:
    """Save (or overwrite, by name) the filters ``args`` under ``name`` for this user."""
    name = " ".join(name.split())
    if not name:
        raise SavedViewError("empty")
    if len(name) > NAME_MAX:
        raise SavedViewError("too_long")
    query = urlencode(args)
    row = session.scalar(select(SavedViewRow).where(SavedViewRow.user_id == user_id, SavedViewRow.name == name))
    if row is None:
        if len(list_views(session, user_id)) >= MAX_VIEWS:
            raise SavedViewError("too_many")
        row = SavedViewRow(user_id=user_id, name=name, query=query)
        session.add(row)
    else:
        row.query = query
    session.flush()
    return SavedView(row.id, row.name, row.query)


def get_view(session: Session, user_id: int, view_id: int) -> SavedView | None:
    row = session.get(SavedViewRow, view_id)
    return SavedView(row.id, row.name, row.query) if row is not None and row.user_id == user_id else None


def delete_view(session: Session, user_id: int, view_id: int) -> bool:
    res = session.execute(delete(SavedViewRow).where(SavedViewRow.id == view_id, SavedViewRow.user_id == user_id))
    return bool(getattr(res, "rowcount", 0))
