"""Social posts by reach for the press office: which posts about health reached the most people.

Read from the store (``documents.reach_score``, the views or else the interactions), not the search
index: reach changes nothing about a document's text, and the dashboard's date, department, language,
sentiment, severity and incident filters are all columns there.  Text and topic filters do not apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from healthpulse.core.domain import Channel
from healthpulse.core.models.documents import DocumentRow
from healthpulse.web.services.dashboard import Filters
from sqlalchemy import func, select
from sqlalchemy.orm import Session

PostSort = Literal["reach", "newest"]


@dataclass(frozen=True)
class PostRow:
    published_at: datetime | None
    source: str | None
    author: str | None
    title: str | None
    text: str
    url: str | None
    reach: dict[str, Any]
    language: str | None = None


def posts_by_reach(session: Session, f: Filters, *, sort: PostSort = "reach", min_reach: int | None = None,
                   limit: int = 50) -> list[PostRow]:
    when = func.coalesce(DocumentRow.published_at, DocumentRow.fetched_at)
    q = select(DocumentRow).where(DocumentRow.channel == Channel.SOCIAL.value, when >= f.start, when < f.end)
    for column, values in ((DocumentRow.department, f.departments), (DocumentRow.language, f.languages),
                           (DocumentRow.sentiment, f.sentiments), (DocumentRow.severity, f.severities)):
        if values:
            q = q.where(column.in_(values))
    if f.incident is not None:
        q = q.where(DocumentRow.incident.is_(f.incident))
    if min_reach is not None:
        q = q.where(DocumentRow.reach_score >= min_reach)
    order: list[Any] = [when.desc(), DocumentRow.id.asc()]
    if sort == "reach":
        order = [func.coalesce(DocumentRow.reach_score, -1).desc(), *order]
    rows = session.scalars(q.order_by(*order).limit(max(1, min(limit, 500)))).all()
    empty = {"views": None, "reactions": None, "forwards": None, "comments": None}
    return [PostRow(r.published_at or r.fetched_at, r.source, r.author, r.title, r.text[:300],
                    r.url if r.url and r.url.startswith(("https://", "http://")) else None,
                    {**empty, **(r.reach or {})}, r.language)
            for r in rows]
