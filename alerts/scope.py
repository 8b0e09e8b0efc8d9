"""Small helpers the alerts service modules share: department scope, the default clock, list arguments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def now_or_system(now: datetime | None) -> datetime:
    """``now`` when the caller passes its clock's time, else the system time."""
    return now or datetime.now(UTC)


def in_scope(department_id: str | None, department_ids: list[str] | None) -> bool:
    """``None`` = every department (admins, triage included); a list = only those departments."""
    return department_ids is None or (department_id is not None and department_id in department_ids)


def as_list(v: Any) -> list[Any] | None:
    if v is None:
        return None
    return list(v) if isinstance(v, (list, tuple, set)) else [v]
