"""Write and read the audit log of admin-edited configuration (``core.models.audit``): who, when, what changed."""

from __future__ import annotations

import difflib
from datetime import datetime
from typing import Any

from healthpulse.core.models.audit import ConfigChangeRow
from sqlalchemy import select
from sqlalchemy.orm import Session


def record_change(session: Session, *, target: str, actor: str, at: datetime, summary: str,
                  diff: str | None = None, details: dict[str, Any] | None = None) -> ConfigChangeRow:
    """One audit row, in the caller's transaction (it commits with the change or not at all)."""
    row = ConfigChangeRow(target=target, actor=actor, at=at, summary=summary, diff=diff, details=details)
    session.add(row)
    session.flush()
    return row


def recent_changes(session: Session, target: str, limit: int = 20) -> list[dict[str, Any]]:
    rows = session.scalars(select(ConfigChangeRow).where(ConfigChangeRow.target == target)
                           .order_by(ConfigChangeRow.at.desc(), ConfigChangeRow.id.desc()).limit(limit))
    return [{"at": r.at, "actor": r.actor, "summary": r.summary, "diff": r.diff, "details": r.details or {}}
            for r in rows]


def text_change(old: str, new: str, name: str) -> tuple[str, str, dict[str, int]]:
    """(summary, unified diff, counts) of a text edit; ``name`` labels the diff instead of a server path."""
    lines = list(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                      fromfile=f"{name} (before)", tofile=f"{name} (after)"))
    added = sum(1 for ln in lines if ln.startswith("+") and not ln.startswith("+++"))
    removed = sum(1 for ln in lines if ln.startswith("-") and not ln.startswith("---"))
    summary = f"{name}: {added} line{'s' * (added != 1)} added, {removed} removed"
    return summary, "".join(lines), {"added": added, "removed": removed}
