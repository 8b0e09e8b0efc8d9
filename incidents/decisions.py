"""Staff corrections of merging: split a document out of an incident, merge two incidents.

Each is stored in ``incident_decisions`` (who, when, what, and the merge score the machine had for
the pair), which is both the audit trail and the training signal: ``tune_threshold`` re-chooses the
merge threshold so that it would have agreed with as many decisions as possible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import ClassVar

from healthpulse.core.domain import Analysis
from healthpulse.core.errors import ErrorCode, HealthpulseError
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.incidents import IncidentDecisionRow, IncidentDocumentRow, IncidentRow
from healthpulse.core.vectors import unpack_array
from healthpulse.incidents.member_vectors import unit
from healthpulse.incidents.merge import IncidentState, MergeDocument, MergeSettings, score
from healthpulse.incidents.store import bump_revisions, incident_title
from sqlalchemy import select
from sqlalchemy.orm import Session


class DecisionRefused(HealthpulseError, ValueError):
    """A split or merge that cannot be done; the message says why."""
    error_code: ClassVar[ErrorCode] = "conflict"


def split(session: Session, incident: IncidentRow, document_id: str, actor: str, now: datetime,
          note: str | None = None) -> IncidentRow:
    """Move ``document_id`` out of ``incident`` into an incident of its own (linked_by ``staff``)."""
    member = session.get(IncidentDocumentRow, document_id)
    if member is None or member.incident_id != incident.id:
        raise DecisionRefused(f"document '{document_id}' is not in incident #{incident.id}")
    others = session.scalars(select(IncidentDocumentRow).where(IncidentDocumentRow.incident_id == incident.id,
                                                               IncidentDocumentRow.document_id != document_id)).all()
    if not others:
        raise DecisionRefused(f"document '{document_id}' is the only one in incident #{incident.id}")
    docs = {d.id: d for d in session.scalars(select(DocumentRow).where(
        DocumentRow.id.in_([document_id, *(o.document_id for o in others)])))}
    moved = docs.get(document_id)
    # Each side keeps the topics and the name of its own documents (a browser review: after a split the
    # incident still listed the topic only the moved report had, and the new one carried the old name).
    new = IncidentRow(department_id=incident.department_id, status="open", topics=_topics(docs, [document_id]),
                      severity=(moved.severity if moved is not None else None) or incident.severity,
                      title=_title(moved) or incident.title, first_seen_at=member.event_at,
                      last_seen_at=member.event_at, created_at=now, updated_at=now)
    session.add(new)
    session.flush()
    session.add(IncidentDecisionRow(at=now, actor=actor, action="split", incident_id=incident.id,
                                    other_incident_id=new.id, document_id=document_id, score=member.score, note=note))
    member.incident_id, member.linked_by = new.id, "staff"
    incident.first_seen_at = min(o.event_at for o in others)
    incident.last_seen_at = max(o.event_at for o in others)
    incident.topics = _topics(docs, [o.document_id for o in others])
    if moved is not None and incident.title == _title(moved):  # it was named after the report that left
        first = min(others, key=lambda o: (o.event_at, o.document_id))
        incident.title = _title(docs.get(first.document_id)) or incident.title
    incident.updated_at = now
    session.flush()
    bump_revisions(session, [incident.id])  # ingest processes holding it read its members again
    return new


def _topics(docs: dict[str, DocumentRow], ids: list[str]) -> list[str]:
    return sorted({t for i in ids if i in docs and docs[i].analysis
                   for t in Analysis.model_validate(docs[i].analysis).topic_ids})


def _title(doc: DocumentRow | None) -> str | None:
    return incident_title(doc.title, doc.text) if doc is not None else None


def merge(session: Session, incident: IncidentRow, other: IncidentRow, actor: str, now: datetime,
          settings: MergeSettings, note: str | None = None) -> IncidentRow:
    """Move every document of ``other`` into ``incident``; ``other`` stays on record as ``merged``."""
    if incident.id == other.id or other.status == "merged":
        raise DecisionRefused(f"incident #{other.id} cannot be merged into #{incident.id}")
    pair_score = _pair_score(session, incident, other, settings)
    session.add(IncidentDecisionRow(at=now, actor=actor, action="merge", incident_id=incident.id,
                                    other_incident_id=other.id, score=pair_score, note=note))
    for m in session.scalars(select(IncidentDocumentRow).where(IncidentDocumentRow.incident_id == other.id)):
        m.incident_id, m.linked_by = incident.id, "staff"
    incident.first_seen_at = min(incident.first_seen_at, other.first_seen_at)
    incident.last_seen_at = max(incident.last_seen_at, other.last_seen_at)
    incident.topics = sorted(set(incident.topics or []) | set(other.topics or []))
    incident.updated_at = now
    other.status, other.merged_into, other.updated_at = "merged", incident.id, now
    session.flush()
    bump_revisions(session, [incident.id, other.id])  # ingest processes holding them read them again
    return incident


def tune_threshold(decisions: Sequence[tuple[str, float | None]], current: float) -> float:
    """The threshold that agrees with most decisions: a merge says its score should have passed, a split that
    its score should not have; ties go to the value nearest ``current``."""
    scored: list[tuple[str, float]] = [(a, s) for a, s in decisions if s is not None]
    if not scored:
        return current
    values: set[float] = {current}
    for _, s in scored:
        values.update((s, s + 1e-4))

    def errors(t: float) -> int:
        return sum(1 for a, s in scored if (a == "merge" and s < t) or (a == "split" and s >= t))

    best: float = min(sorted(values), key=lambda t: (errors(t), abs(t - current)))
    return round(best, 4)


def _pair_score(session: Session, incident: IncidentRow, other: IncidentRow, settings: MergeSettings) -> float | None:
    """The best score any document of ``other`` had against ``incident``, ignoring the time window."""
    state = IncidentState(key=incident.id, department=incident.department_id, topics=set(incident.topics or []),
                          first_at=incident.first_seen_at, last_at=incident.last_seen_at)
    others: list[MergeDocument] = []
    for inc_id, doc_id, at, blob in session.execute(
            select(IncidentDocumentRow.incident_id, DocumentRow.id, IncidentDocumentRow.event_at, DocumentRow.embedding)
            .join(DocumentRow, DocumentRow.id == IncidentDocumentRow.document_id)
            .where(IncidentDocumentRow.incident_id.in_([incident.id, other.id]))):
        vec = unit(unpack_array(blob)) if blob else None
        if inc_id == incident.id:
            if vec is not None:
                state.vectors.append(vec)
        else:
            others.append(MergeDocument(id=doc_id, event_at=at, department=other.department_id,
                                        topics=frozenset(other.topics or []), vector=vec))
    wide = replace(settings, window_days=36500.0)
    scores = [s.score for d in others if (s := score(d, state, wide)) is not None]
    return max(scores) if scores else None
