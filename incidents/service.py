"""Incidents as callers see them (CLI, API, pages): the contract's fields, coverage before vs after the response.

The response is the first thing the department did about the event: the earliest first response on a
ticket holding one of its documents, the first ticket event by a person (not ``system:*``), or the
first official statement a later report carries (``official_statement``).
Coverage is documents and reach per day of event time, before and after that moment: the measure
of whether the response worked.  Scoped like tickets: ``department_ids=None`` is everything, an
incident outside the list is reported missing.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from healthpulse.core.errors import HealthpulseError
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.incidents import IncidentDocumentRow, IncidentRow
from healthpulse.core.models.tickets import TicketDocumentRow, TicketEventRow, TicketRow
from healthpulse.incidents.statements import STATEMENTS
from healthpulse.nlp.official import official_statements, sentences
from healthpulse.text.normalize import tokens
from healthpulse.text.shorten import shorten
from sqlalchemy import func, select
from sqlalchemy.orm import Session

DAY_SECONDS = 86400.0
MAIN_TOPIC_SHARE = 1 / 3  # a topic shown as the incident's is carried by at least this share of its reports
REPRINT_OVERLAP = 0.6  # share of words two statement sentences share when one repeats the other


class IncidentNotFound(HealthpulseError, LookupError):
    """Missing, or outside the caller's scope (indistinguishable on purpose)."""
    error_code = "not_found"


def list_incidents(session: Session, *, department_ids: list[str] | None = None, limit: int = 100,
                   since: datetime | None = None) -> list[dict[str, Any]]:
    """The ``limit`` latest incidents (last report first), not merged away; ``since``: only those with a report
    at or after it (the daily digest's last 24 hours)."""
    q = select(IncidentRow).where(IncidentRow.status != "merged")
    if department_ids is not None:
        q = q.where(IncidentRow.department_id.in_(department_ids))
    if since is not None:
        q = q.where(IncidentRow.last_seen_at >= since)
    rows = session.scalars(q.order_by(IncidentRow.last_seen_at.desc(), IncidentRow.id.desc()).limit(limit))
    return [incident_json(session, row) for row in rows]


def get_incident(session: Session, incident_id: int, *, department_ids: list[str] | None = None) -> dict[str, Any]:
    row = session.get(IncidentRow, incident_id)
    if row is None or (department_ids is not None and row.department_id not in department_ids):
        raise IncidentNotFound(f"no incident #{incident_id}")
    out = incident_json(session, row)
    out["merged_into"] = row.merged_into
    out["documents"] = _timeline(session, row.id)
    return out


def incident_json(session: Session, row: IncidentRow) -> dict[str, Any]:
    docs = _documents(session, row.id)
    response = first_response(session, docs)
    response_at = response["at"] if response else None
    return {
        "id": row.id, "department": row.department_id, "topics": main_topics(docs, list(row.topics or [])),
        "severity": row.severity,
        "status": row.status, "title": row.title,
        "document_ids": [d.id for d, _ in docs],
        "channels": sorted({d.channel for d, _ in docs}),
        "languages": sorted({d.language for d, _ in docs if d.language}),
        "first_seen_at": row.first_seen_at, "last_seen_at": row.last_seen_at, "response_at": response_at,
        "response": response,
        "coverage": coverage([(m.event_at, d.reach_score or 0) for d, m in docs], response_at, row.last_seen_at),
    }


def main_topics(docs: list[tuple[DocumentRow, IncidentDocumentRow]], stored: list[str]) -> list[str]:
    """What the incident is about: the topics at least ``MAIN_TOPIC_SHARE`` of its reports carry, most
    carried first (the stored union, which merging compares, lists every topic any report touched: an
    insulin shortage also read "waiting times" and "digital services" from one appeal each)."""
    counts: dict[str, int] = {}
    for doc, _ in docs:
        for topic in {t.get("id") for t in (doc.analysis or {}).get("topics") or [] if isinstance(t, dict)}:
            if topic in stored:
                counts[topic] = counts.get(topic, 0) + 1
    if not counts:
        return stored
    ranked = sorted(counts, key=lambda t: (-counts[t], t))
    need = MAIN_TOPIC_SHARE * len(docs)
    return [t for t in ranked if counts[t] >= need] or ranked[:1]


def coverage(points: list[tuple[datetime, int]], response_at: datetime | None, last_seen_at: datetime) -> dict[str, Any]:
    """Documents and reach per day before and after the response (None on a side with no time span)."""
    if not points:
        return {"before_per_day": None, "after_per_day": None, "reach_before_per_day": None,
                "reach_after_per_day": None}
    first = min(t for t, _ in points)
    split = response_at or last_seen_at
    before = [(t, r) for t, r in points if t < split] if response_at else points
    after = [(t, r) for t, r in points if t >= split] if response_at else []
    days_before = max((split - first).total_seconds() / DAY_SECONDS, 1.0)
    days_after = max((last_seen_at - split).total_seconds() / DAY_SECONDS, 1.0) if response_at else None

    def per_day(values: list[tuple[datetime, int]], days: float | None, reach: bool) -> float | None:
        if days is None:
            return None
        return round(sum(r if reach else 1 for _, r in values) / days, 2)

    return {"before_per_day": per_day(before, days_before, False), "after_per_day": per_day(after, days_after, False),
            "reach_before_per_day": per_day(before, days_before, True),
            "reach_after_per_day": per_day(after, days_after, True)}


def _documents(session: Session, incident_id: int) -> list[tuple[DocumentRow, IncidentDocumentRow]]:
    return [(d, m) for d, m in session.execute(
        select(DocumentRow, IncidentDocumentRow).join(IncidentDocumentRow, IncidentDocumentRow.document_id == DocumentRow.id)
        .where(IncidentDocumentRow.incident_id == incident_id).order_by(IncidentDocumentRow.event_at, DocumentRow.id))]


def _timeline(session: Session, incident_id: int) -> list[dict[str, Any]]:
    return [{"id": d.id, "channel": d.channel, "language": d.language, "title": d.title or shorten(d.text, 160),
             "event_at": m.event_at, "reach": d.reach_score, "linked_by": m.linked_by, "score": m.score,
             "signals": m.signals} for d, m in _documents(session, incident_id)]


def first_response(session: Session, docs: list[tuple[DocumentRow, IncidentDocumentRow]]) -> dict[str, Any] | None:
    """The earliest response of the three kinds: ``{at, kind, document_id, statement}`` or None."""
    found = [r for r in (*_ticket_responses(session, [d.id for d, _ in docs]), official_statement(docs)) if r]
    return min(found, key=lambda r: r["at"]) if found else None


def official_statement(docs: list[tuple[DocumentRow, IncidentDocumentRow]]) -> dict[str, Any] | None:
    """The first report after the first one that carries a new statement or action of the authority.

    The first report's own official comment does not count: news asks the department for a word when
    it breaks the story, so that comment is part of the report, and counting it would leave no time
    "before the response". A reprint repeating what an earlier report said (a sentence sharing most of
    its words with one of an earlier report) is not a new statement either. The statements are the
    model's, read when the report joined (``incidents.statements``); a report stored before that reads
    through the lexicon rule.
    """
    for index, (doc, member) in enumerate(docs):
        if index == 0:
            continue
        for sentence in _statements_of(doc, member):
            words = frozenset(tokens(sentence))
            if not any(_mostly_same(words, said) for earlier, _ in docs[:index]
                       for said in _sentence_words(earlier.title, earlier.text or "")):
                return {"at": member.event_at, "kind": "official_statement", "document_id": doc.id,
                        "statement": shorten(sentence, 300)}
    return None


def _statements_of(doc: DocumentRow, member: IncidentDocumentRow) -> list[str] | tuple[str, ...]:
    stored = (member.signals or {}).get(STATEMENTS)
    if stored is not None:
        return [str(s) for s in stored]
    # the body's own words first: a headline ("… promises to sort it out") is the newsroom's summary
    return official_statements(doc.text or "", doc.language) or official_statements(doc.title or "", doc.language)


@lru_cache(maxsize=4096)
def _sentence_words(title: str | None, text: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(tokens(s)) for s in sentences(title, text))


def _mostly_same(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= REPRINT_OVERLAP


def _ticket_responses(session: Session, document_ids: list[str]) -> list[dict[str, Any] | None]:
    if not document_ids:
        return []
    ticket_ids = select(TicketDocumentRow.ticket_id).where(TicketDocumentRow.document_id.in_(document_ids))
    first_response = session.scalar(select(func.min(TicketRow.first_response_at)).where(TicketRow.id.in_(ticket_ids)))
    first_action = session.scalar(select(func.min(TicketEventRow.at)).where(
        TicketEventRow.ticket_id.in_(ticket_ids), ~TicketEventRow.actor.like("system:%"),
        TicketEventRow.action != "created"))
    return [{"at": at, "kind": kind, "document_id": None, "statement": None} if at else None
            for at, kind in ((first_response, "ticket_response"), (first_action, "department_action"))]
