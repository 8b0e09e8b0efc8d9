"""Staff corrections of a stored analysis: validate, apply, record (old → new), re-index.

Why here: the ingest area owns stored documents and their index outbox, so a
correction changes the document exactly as ingest would — the analysis JSON
and its denormalised columns in one transaction with an outbox row — and the
lists, alert/ticket filters and the search index all see the corrected values.

Rules (each refusal is a ``CorrectionInvalid`` naming the field, nothing is
written then):
- only ``incident``, ``severity``, ``sentiment``, ``topics``, ``department``;
- topics must be taxonomy ids, department a known department id (or null);
- a severity needs an incident: a severity on a non-incident is refused, and
  correcting ``incident`` to false clears the severity (recorded as its own
  correction, so the audit trail says so);
- ``incident: true`` implies the text is health-related (the analysis says so
  from then on).
Applying the same correction twice changes nothing and records nothing
(idempotent: a retried API call or a double-submitted form is harmless).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from healthpulse.core.domain import SEVERITY_ORDER
from healthpulse.core.errors import HealthpulseError
from healthpulse.core.models.corrections import CORRECTABLE_FIELDS, CorrectionRow
from healthpulse.core.models.documents import DocumentRow, IndexOutboxRow
from sqlalchemy import select
from sqlalchemy.orm import Session

SENTIMENT_LABELS = ("negative", "neutral", "positive")
MAX_NOTE = 2000
STAFF_SCORE = 1.0  # a person's label: full confidence


class CorrectionInvalid(HealthpulseError, ValueError):
    """A correction that cannot be applied; ``field`` names the offending field."""

    error_code = "invalid"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def parse_changes(body: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """(changes, note) from a request body; types checked, unknown keys refused."""
    unknown = sorted(set(body) - {*CORRECTABLE_FIELDS, "note"})
    if unknown:
        raise CorrectionInvalid(f"unknown field(s): {', '.join(unknown)}; correctable: "
                                f"{', '.join(CORRECTABLE_FIELDS)} (and note)", unknown[0])
    changes: dict[str, Any] = {}
    if "incident" in body:
        if not isinstance(body["incident"], bool):
            raise CorrectionInvalid("'incident' must be true or false", "incident")
        changes["incident"] = body["incident"]
    if "severity" in body:
        sev = body["severity"]
        if sev is not None and sev not in SEVERITY_ORDER:
            raise CorrectionInvalid(f"'severity' must be one of {', '.join(SEVERITY_ORDER)} or null", "severity")
        changes["severity"] = sev
    if "sentiment" in body:
        if body["sentiment"] not in SENTIMENT_LABELS:
            raise CorrectionInvalid(f"'sentiment' must be one of {', '.join(SENTIMENT_LABELS)}", "sentiment")
        changes["sentiment"] = body["sentiment"]
    if "topics" in body:
        topics = body["topics"]
        if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
            raise CorrectionInvalid("'topics' must be a list of topic ids", "topics")
        changes["topics"] = list(dict.fromkeys(topics))
    if "department" in body:
        dep = body["department"]
        if dep is not None and (not isinstance(dep, str) or not dep):
            raise CorrectionInvalid("'department' must be a department id or null", "department")
        changes["department"] = dep
    note = body.get("note")
    if note is not None and not isinstance(note, str):
        raise CorrectionInvalid("'note' must be a string", "note")
    if note is not None and len(note) > MAX_NOTE:
        raise CorrectionInvalid(f"'note' is longer than {MAX_NOTE} characters", "note")
    return changes, (note or "").strip() or None


def current_values(row: DocumentRow) -> dict[str, Any]:
    """The correctable fields as the stored analysis has them now."""
    a = row.analysis or {}
    sentiment = a.get("sentiment") or {}
    return {"incident": a.get("incident"), "severity": a.get("severity"), "sentiment": sentiment.get("label"),
            "topics": [t.get("id") for t in a.get("topics") or []], "department": a.get("department")}


def _validate(changes: dict[str, Any], current: dict[str, Any], topic_ids: Collection[str],
              department_ids: Collection[str]) -> dict[str, Any]:
    """The full set of field changes to make (may add a cleared severity), or ``CorrectionInvalid``."""
    bad = [t for t in changes.get("topics", []) if t not in topic_ids]
    if bad:
        raise CorrectionInvalid(f"unknown topic id(s): {', '.join(bad)}; known: {', '.join(sorted(topic_ids))}", "topics")
    dep = changes.get("department")
    if dep is not None and dep not in department_ids:
        raise CorrectionInvalid(f"unknown department '{dep}'; known: {', '.join(sorted(department_ids))}", "department")
    final = {**current, **changes}
    if final["severity"] is not None and final["incident"] is not True:
        if "severity" in changes:
            raise CorrectionInvalid("a severity needs an incident: set 'incident': true, or 'severity': null",
                                    "severity")
        changes = {**changes, "severity": None}  # incident corrected to false: its severity goes with it
    return {k: v for k, v in changes.items() if v != current[k]}


def apply_correction(session: Session, row: DocumentRow, changes: dict[str, Any], *, user: str, now: datetime,
                     topic_ids: Collection[str], department_ids: Collection[str],
                     note: str | None = None) -> list[CorrectionRow]:
    """Apply ``changes`` to the stored analysis; one ``CorrectionRow`` per field that really changed.

    Nothing changed (same values again) → no rows, no outbox write.
    """
    if not changes:
        raise CorrectionInvalid("nothing to correct: give at least one of " + ", ".join(CORRECTABLE_FIELDS))
    current = current_values(row)
    diff = _validate(dict(changes), current, topic_ids, department_ids)
    if not diff:
        return []
    department_before = current["department"]
    analysis = _corrected_analysis(dict(row.analysis or {}), diff)
    row.analysis = analysis  # a new dict: the JSON column sees the change
    row.incident = analysis.get("incident")
    row.severity = analysis.get("severity")
    row.health_related = analysis.get("health_related")
    row.sentiment = (analysis.get("sentiment") or {}).get("label")
    row.department = analysis.get("department")
    row.updated_at = now
    session.add(IndexOutboxRow(document_id=row.id, op="upsert", attempts=0, next_attempt_at=now, rejected=False,
                               created_at=now))
    out = [CorrectionRow(document_id=row.id, field=f, old_value=current[f], new_value=diff[f],
                         department_before=department_before, user=user, note=note, created_at=now)
           for f in CORRECTABLE_FIELDS if f in diff]
    session.add_all(out)
    session.flush()
    return out


def _corrected_analysis(a: dict[str, Any], diff: dict[str, Any]) -> dict[str, Any]:
    if "incident" in diff:
        a["incident"] = diff["incident"]
        if diff["incident"]:
            a["health_related"] = True
    if "severity" in diff:
        a["severity"] = diff["severity"]
    if "sentiment" in diff:
        a["sentiment"] = {"label": diff["sentiment"], "score": STAFF_SCORE}
    if "topics" in diff:
        scores = {t.get("id"): t.get("score") for t in a.get("topics") or []}
        a["topics"] = [{"id": t, "score": scores.get(t, STAFF_SCORE)} for t in diff["topics"]]
    if "department" in diff:
        a["department"] = diff["department"]
    a.setdefault("language", "und")
    return a


def list_corrections(session: Session, document_id: str) -> list[CorrectionRow]:
    return list(session.scalars(select(CorrectionRow).where(CorrectionRow.document_id == document_id)
                                .order_by(CorrectionRow.id)))


def correction_json(r: CorrectionRow) -> dict[str, Any]:
    return {"id": r.id, "document_id": r.document_id, "field": r.field, "old": r.old_value, "new": r.new_value,
            "user": r.user, "at": r.created_at.isoformat(), "note": r.note}
