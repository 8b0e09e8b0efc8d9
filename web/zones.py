"""The time zone a page shows and takes times in: the reader's department's, else the instance's.

A Tehran officer reads due dates and types a call-back time in Tehran time even when the instance runs
on UTC; a citizen tracking an appeal reads its history in the time of the department handling it (the
view names it with ``use_department_zone``). Press, admin and triage, who look at every department,
read the instance's zone (``HEALTHPULSE_TIMEZONE``). Every time on a page names its zone.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app, g, has_request_context
from healthpulse.web.context import container, current_principal
from healthpulse.web.services.zones import zone_of


def instance_zone() -> ZoneInfo:
    """The instance's time zone (``HEALTHPULSE_TIMEZONE``; validated when the settings load)."""
    settings = current_app.extensions.get("healthpulse.settings")
    return ZoneInfo(str(getattr(settings, "timezone", None) or "UTC"))


def department_zone(department_id: str | None) -> ZoneInfo:
    """``department_id``'s zone (see ``zone_of``)."""
    if not department_id:
        return instance_zone()
    return zone_of(container().departments, instance_zone().key, department_id)


def use_department_zone(department_id: str | None) -> None:
    """This page shows times in ``department_id``'s zone (the citizen's tracking page: the appeal's)."""
    g.page_zone = department_zone(department_id)


def page_zone() -> ZoneInfo:
    """The zone of this request's page: one a view chose, the logged-in reader's department's, the instance's."""
    if not has_request_context():
        return instance_zone()
    chosen = g.get("page_zone")
    if chosen is not None:
        return chosen  # type: ignore[no-any-return]
    principal = current_principal()
    return department_zone(principal.department_id) if principal is not None else instance_zone()
