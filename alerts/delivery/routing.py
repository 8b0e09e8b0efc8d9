"""Who hears about what: a department's contacts, its escalation contact, or the triage queue.

An alert or ticket without a department (``department_id`` NULL) sits in the
admins' triage queue; its notifications go to the rules file's ``triage``
contacts when configured.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthpulse.alerts.runtime import AlertsRuntime


@dataclass(frozen=True)
class Recipient:
    channel: str  # email | webhook
    address: str
    language: str


def department_recipients(rt: AlertsRuntime, department_id: str | None, *, escalation: bool = False) -> list[Recipient]:
    """Contacts for a department (its escalation contact when ``escalation``); triage contacts for None."""
    if department_id is None or rt.departments.get(department_id) is None:
        tri = rt.rules.triage
        out = []
        if tri.email:
            out.append(Recipient("email", tri.email, tri.language))
        if tri.webhook:
            out.append(Recipient("webhook", tri.webhook, tri.language))
        return out
    dep = rt.departments.get(department_id)
    assert dep is not None
    out = []
    email = (dep.escalation_email or dep.email) if escalation else dep.email
    if email:
        out.append(Recipient("email", email, dep.language))
    if dep.webhook:
        out.append(Recipient("webhook", dep.webhook, dep.language))
    return out


def route_department(rt: AlertsRuntime, candidate: str | None) -> str | None:
    """A known department id, or None (triage) for a missing/unknown one."""
    return candidate if candidate and rt.departments.get(candidate) is not None else None
