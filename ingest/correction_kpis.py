"""The share of analyses staff corrected, per department and period (a KPI of the NLP's usefulness).

Definitions, over documents stored in [start, end) with an analysis:
- a document belongs to the department the *analysis* routed it to: the
  ``department_before`` of its first correction, else its current department
  (so a document moved away by a correction still counts against the
  department that received it, and not against the one it moved to);
- ``analyses``: those documents; ``analyses_corrected``: those with at least
  one correction (any field, at any time up to now); ``analyses_corrected_pct``.
Only corrected documents are read row by row; the rest is one COUNT.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.core.models.corrections import CorrectionRow
from healthpulse.core.models.documents import DocumentRow
from sqlalchemy import func, select
from sqlalchemy.orm import Session


def correction_share(session: Session, department_id: str | None, start: datetime, end: datetime) -> dict[str, Any]:
    """``{"analyses", "analyses_corrected", "analyses_corrected_pct"}`` for one department (None = no department)."""
    in_period = (DocumentRow.created_at >= start, DocumentRow.created_at < end, DocumentRow.analysis.is_not(None))
    dep = DocumentRow.department.is_(None) if department_id is None else DocumentRow.department == department_id
    current = session.scalar(select(func.count()).select_from(DocumentRow).where(dep, *in_period)) or 0
    first: dict[str, tuple[int, str | None, str | None]] = {}  # doc → (first correction id, routed to, now)
    rows = session.execute(select(CorrectionRow.id, CorrectionRow.document_id, CorrectionRow.department_before,
                                  DocumentRow.department)
                           .join(DocumentRow, DocumentRow.id == CorrectionRow.document_id).where(*in_period))
    for cid, doc_id, before, now_dep in rows:
        if doc_id not in first or cid < first[doc_id][0]:
            first[doc_id] = (cid, before, now_dep)
    routed_here = [now_dep for _cid, before, now_dep in first.values() if before == department_id]
    moved_in = sum(1 for _cid, before, now_dep in first.values() if now_dep == department_id and before != department_id)
    moved_out = sum(1 for now_dep in routed_here if now_dep != department_id)
    total = current - moved_in + moved_out
    corrected = len(routed_here)
    return {"analyses": total, "analyses_corrected": corrected,
            "analyses_corrected_pct": round(100.0 * corrected / total, 1) if total else None}
