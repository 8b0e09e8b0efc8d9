"""``labels export``: every corrected document as one labelled line in the training-data schema.

The line carries the document's labels *after* correction: corrected fields
take the staff's values, the others the stored analysis' values (what the
model said and nobody disputed).  Invariants the training code relies on: a
corrected ``incident: true`` implies ``health_related: true``; ``severity`` is
null unless ``incident``.  ``corrected_fields`` lists what a person changed,
``corrected_by``/``corrected_at`` the latest correction.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from healthpulse.core.models.corrections import CorrectionRow
from healthpulse.core.models.documents import DocumentRow
from sqlalchemy import select
from sqlalchemy.orm import Session

SOURCE = "staff_correction"


def labelled_line(row: DocumentRow, corrections: list[CorrectionRow]) -> dict[str, Any]:
    a = row.analysis or {}
    incident = bool(a.get("incident"))
    latest = max(corrections, key=lambda c: (c.created_at, c.id))
    sentiment = (a.get("sentiment") or {}).get("label") or "neutral"  # no letters → no sentiment head ran
    return {
        "id": row.id, "lang": a.get("language") or row.language or "und", "channel": row.channel, "title": row.title,
        "text": row.text, "health_related": True if incident else bool(a.get("health_related")),
        "incident": incident, "severity": a.get("severity") if incident else None, "sentiment": sentiment,
        "topics": [t.get("id") for t in a.get("topics") or []], "department": a.get("department"),
        "source": SOURCE, "corrected_fields": sorted({c.field for c in corrections}),
        "corrected_by": latest.user, "corrected_at": latest.created_at.isoformat(),
    }


def export_labels(session: Session, *, department_id: str | None = None, since: datetime | None = None,
                  batch_size: int = 200) -> Iterator[dict[str, Any]]:
    """Corrected documents (optionally: now in ``department_id``; corrected at or after ``since``), by id."""
    q = select(CorrectionRow.document_id).distinct()
    if since is not None:
        q = q.where(CorrectionRow.created_at >= since)
    if department_id is not None:
        q = q.join(DocumentRow, DocumentRow.id == CorrectionRow.document_id).where(DocumentRow.department == department_id)
    ids = sorted(session.scalars(q))
    for i in range(0, len(ids), batch_size):
        chunk = ids[i:i + batch_size]
        docs = {d.id: d for d in session.scalars(select(DocumentRow).where(DocumentRow.id.in_(chunk)))}
        by_doc: dict[str, list[CorrectionRow]] = {}
        for c in session.scalars(select(CorrectionRow).where(CorrectionRow.document_id.in_(chunk))):
            by_doc.setdefault(c.document_id, []).append(c)
        for doc_id in chunk:
            if doc_id in docs and by_doc.get(doc_id):
                yield labelled_line(docs[doc_id], by_doc[doc_id])
