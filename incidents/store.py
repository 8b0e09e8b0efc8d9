"""Reading and writing incidents: the open incidents near a document, and a document's membership."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from healthpulse.core.domain import SEVERITY_ORDER, Analysis
from healthpulse.core.models.incidents import IncidentDocumentRow, IncidentRow
from healthpulse.incidents.known import KnownIncidents
from healthpulse.incidents.member_vectors import READ_CHUNK, MemberVectors
from healthpulse.incidents.merge import IncidentState, MergeDocument, MergeScore, MergeSettings, reach_days
from healthpulse.text.shorten import shorten
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

OPEN = "open"
# An incident's latest reports stand for it when a document is scored against it: an outbreak followed for weeks
# gathers hundreds, and every batch read them all (benchmarks/scale.py: the largest incidents had 200+ members
# and reading members was 40 % of ingest). 64 is above every incident of the event set merging was tuned on.
MEMBERS_READ = 64


def open_near(session: Session, docs: list[MergeDocument], settings: MergeSettings,
              vectors: MemberVectors | None = None, known: KnownIncidents | None = None) -> dict[int, IncidentState]:
    """The open incidents any of ``docs`` could join (their time windows and departments), with their
    latest ``MEMBERS_READ`` members' vectors (``merge.score``'s hard rules then pick per document).

    ``known`` and ``vectors`` are the caller's, kept across batches: the window's incidents are listed with
    their revisions, and only those not held at that revision are read whole (columns, then memberships,
    then the members' vectors not remembered). Columns, not ORM rows: a national crawl holds thousands of
    open incidents in a merge window and every batch joins few of them."""
    if not docs:
        return {}
    window = timedelta(days=settings.window_days)
    reach = timedelta(days=min(reach_days(settings), 100 * 365.0))  # the day penalty's own window (merge.reach_days)
    first, last = min(d.event_at for d in docs), max(d.event_at for d in docs)
    revisions: dict[int, int] = dict(iter(session.execute(select(IncidentRow.id, IncidentRow.revision).where(
        IncidentRow.status == OPEN,
        IncidentRow.last_seen_at >= first - min(window, reach),
        IncidentRow.last_seen_at <= last + reach,
        IncidentRow.first_seen_at <= last + window,
        IncidentRow.department_id.in_(sorted({d.department for d in docs if d.department})))).tuples()))
    if not revisions:
        return {}
    known = known if known is not None else KnownIncidents()
    held = known.held(revisions)
    fresh = _read_incidents(session, sorted(set(revisions) - set(held)), vectors or MemberVectors())
    known.read += len(fresh)
    known.keep(((revisions[key], state) for key, state in fresh.items()), quiet_before=first - window)
    return {key: held.get(key) or fresh[key] for key in sorted(revisions) if key in held or key in fresh}


def _read_incidents(session: Session, ids: list[int], vectors: MemberVectors) -> dict[int, IncidentState]:
    """``ids``' incidents whole: span, topics and their latest ``MEMBERS_READ`` members with vectors."""
    if not ids:
        return {}
    out: dict[int, IncidentState] = {}
    for start in range(0, len(ids), READ_CHUNK):
        chunk = ids[start:start + READ_CHUNK]
        out.update((key, IncidentState(key=key, department=department, topics=set(topics or []), first_at=first_at,
                                       last_at=last_at))
                   for key, department, topics, first_at, last_at in session.execute(
                       select(IncidentRow.id, IncidentRow.department_id, IncidentRow.topics,
                              IncidentRow.first_seen_at, IncidentRow.last_seen_at).where(IncidentRow.id.in_(chunk))))
    member = IncidentDocumentRow
    memberships: list[tuple[int, str]] = []
    for start in range(0, len(ids), READ_CHUNK):
        latest = select(member.incident_id, member.document_id, member.event_at, func.row_number().over(
            partition_by=member.incident_id, order_by=(member.event_at.desc(), member.document_id.desc())
        ).label("nth")).where(member.incident_id.in_(ids[start:start + READ_CHUNK])).subquery()
        memberships.extend(session.execute(
            select(latest.c.incident_id, latest.c.document_id).where(latest.c.nth <= MEMBERS_READ)
            .order_by(latest.c.incident_id, latest.c.event_at, latest.c.document_id)).tuples())
    carried = vectors.of(session, [doc_id for _, doc_id in memberships])
    for inc_id, doc_id in memberships:
        if doc_id not in carried or inc_id not in out:
            continue
        vec, facilities = carried[doc_id]
        state = out[inc_id]
        state.members.append(doc_id)
        state.facilities.update(facilities)
        if vec is not None:
            state.vectors.append(vec)
    return out


def bump_revisions(session: Session, incident_ids: Iterable[int]) -> None:
    """Move these incidents' revisions (in SQL, so two processes' bumps both count): their members or span
    changed, and ingest processes holding them (``KnownIncidents``) must read them again."""
    ids = sorted(set(incident_ids))
    for start in range(0, len(ids), READ_CHUNK):
        session.execute(update(IncidentRow).where(IncidentRow.id.in_(ids[start:start + READ_CHUNK]))
                        .values(revision=IncidentRow.revision + 1).execution_options(synchronize_session=False))


def incident_title(title: str | None, text: str) -> str:
    """An incident's name from one of its reports: its title, else its first words."""
    return title or shorten(text, 200)


def open_incident(session: Session, doc: MergeDocument, analysis: Analysis, title: str | None,
                  now: datetime) -> IncidentRow:
    row = IncidentRow(department_id=doc.department, status=OPEN, topics=sorted(doc.topics),
                      severity=analysis.severity, title=(title or "")[:300] or None, first_seen_at=doc.event_at,
                      last_seen_at=doc.event_at, created_at=now, updated_at=now)
    session.add(row)  # no flush: its id comes with the batch's flush (add_member links through the relationship)
    add_member(session, row, doc, analysis, None, "opened", now)
    return row


def add_member(session: Session, incident: IncidentRow, doc: MergeDocument, analysis: Analysis,
               scored: MergeScore | None, linked_by: str, now: datetime) -> None:
    """Record ``doc`` in ``incident`` with the signals that linked it; widen the incident's span and topics."""
    signals = scored.signals if scored is not None else {"opened": True}
    session.add(IncidentDocumentRow(document_id=doc.id, incident=incident, event_at=doc.event_at,
                                    score=scored.score if scored is not None else None, signals=signals,
                                    linked_by=linked_by, added_at=now))
    incident.first_seen_at = min(incident.first_seen_at, doc.event_at)
    incident.last_seen_at = max(incident.last_seen_at, doc.event_at)
    incident.topics = sorted(set(incident.topics or []) | doc.topics)
    if incident.department_id is None and doc.department:
        incident.department_id = doc.department
    if analysis.severity and SEVERITY_ORDER[analysis.severity] > SEVERITY_ORDER.get(incident.severity or "", 0):
        incident.severity = analysis.severity
    incident.updated_at = now


def incident_by_document(session: Session, document_ids: list[str]) -> dict[str, int]:
    """Which of ``document_ids`` are already in an incident, and which."""
    if not document_ids:
        return {}
    rows = session.execute(select(IncidentDocumentRow.document_id, IncidentDocumentRow.incident_id)
                           .where(IncidentDocumentRow.document_id.in_(document_ids)))
    return {doc_id: incident_id for doc_id, incident_id in rows}


def incidents_of(session: Session, document_ids: list[str]) -> list[int]:
    """The incidents holding any of ``document_ids``, lowest id first."""
    if not document_ids:
        return []
    return sorted(set(session.scalars(select(IncidentDocumentRow.incident_id)
                                      .where(IncidentDocumentRow.document_id.in_(document_ids)))))
