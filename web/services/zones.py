"""Which time zone a department's people read and type times in (the departments file's ``timezone``)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo


def zone_of(departments: Any, instance_timezone: str, department_id: str | None) -> ZoneInfo:
    """``department_id``'s zone from the departments file; ``instance_timezone`` when it sets none or is unknown."""
    dep = departments.get(department_id) if department_id else None
    return ZoneInfo(dep.timezone if dep is not None and dep.timezone else instance_timezone)
