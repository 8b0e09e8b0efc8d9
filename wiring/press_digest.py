"""The daily digest: the day's top incidents per department and for the press office, by e-mail.

Each department with an ``email`` gets its own incidents with a report in the last 24 hours; the press
office (``press_digest_email``) gets those of every department.  They are ranked exactly as the incident
list ranks them (``web/services/incidents.rank_in_scope`` → ``top_stories.rank_incidents``: coverage × reach
× severity), one row per incident however many documents it holds, each with its title, department,
severity, documents, channels, reach, first report and a link to its page (``/department/incidents/<id>``
for a department, ``/press/incidents/<id>`` for the press office).  Mails go through the alerts outbox
(queued, retried, one per recipient and day: the idempotency key holds the date), in the recipient's
language.  The job ``press.digest`` runs daily at the rules file's ``digest.hour_utc`` and schedules its
next run; ``healthpulse digest send [--dry-run]`` runs it by hand.  It lives in wiring/ because it joins the
web layer's ranking with the alerts area's outbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from healthpulse.alerts.delivery.messages import render_email, strings
from healthpulse.alerts.delivery.outbox import queue_notification
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.alerts.scheduling import schedule_delivery
from healthpulse.core.context import CoreContext
from healthpulse.core.jobs import job_handler
from healthpulse.web.services.incidents import rank_in_scope

log = logging.getLogger(__name__)
PRESS = "press-office"
LIMIT = 10
PERIOD = timedelta(hours=24)


@dataclass
class DigestMail:
    recipient: str
    language: str
    department: str | None  # None: the press office's digest of every department
    subject: str
    text: str
    html: str
    incidents: list[dict[str, Any]] = field(default_factory=list)  # ranked, as ``rank_in_scope`` gives them


def build_digests(container: Any, now: datetime) -> list[DigestMail]:
    """One mail per department with an address and incidents today, and one for the press office (when
    configured; sent even on a quiet day, so silence never reads as a lost mail)."""
    rt = AlertsRuntime.of(container)
    deps = container.departments.departments
    targets: list[tuple[str | None, str, str]] = [(d.id, d.email, d.language) for d in deps if d.email]
    if container.settings.press_digest_email:
        targets.append((None, container.settings.press_digest_email, container.settings.press_digest_language))
    mails = []
    for dep, address, lang in targets:
        found = rank_in_scope(container, [dep] if dep else None, limit=LIMIT, since=now - PERIOD)
        if dep and not found:
            continue  # a quiet day in a department sends nothing; the press office always hears
        area = "department" if dep else "press"
        names = {d.id: d.name.in_language(lang) for d in deps}
        ctx = {"department": names.get(dep, dep) if dep else strings(lang)["labels"]["all_departments"],
               "count": len(found), "link": rt.link(f"/{area}/incidents"),
               "incidents": [digest_row(inc, names, rt.link(f"/{area}/incidents/{inc['id']}")) for inc in found]}
        subject, text, html = render_email("press_digest", lang, ctx)
        mails.append(DigestMail(address, lang, dep, subject, text, html, found))
    return mails


def digest_row(incident: dict[str, Any], names: dict[str, str], url: str) -> dict[str, Any]:
    """What the mail shows of one ranked incident (the template translates the severity)."""
    dep = incident.get("department")
    return {"id": incident["id"], "title": incident.get("title") or f"#{incident['id']}",
            "department": names.get(dep, dep) if dep else "", "severity": incident.get("severity"),
            "documents": len(incident["document_ids"]), "channels": len(incident["channels"]),
            "reach": incident["reach"], "first_seen": incident["first_seen_at"].strftime("%Y-%m-%d %H:%M UTC"),
            "url": url}


def queue_digests(container: Any, now: datetime) -> list[DigestMail]:
    """Build the digests and put them in the outbox (once per recipient and day), then schedule delivery."""
    mails = build_digests(container, now)
    with container.session() as s:
        queued = 0
        for m in mails:
            key = f"press-digest:{m.department or PRESS}:{m.recipient}:{now.date().isoformat()}"
            row = queue_notification(s, key=key, channel="email", event="press_digest", recipient=m.recipient, now=now,
                                     subject=m.subject, payload={"text": m.text, "html": m.html}, language=m.language,
                                     department_id=m.department)
            queued += row is not None
        if queued:
            schedule_delivery(s, container.jobs, now)
    return mails


def next_run(now: datetime, hour_utc: int) -> datetime:
    at = now.replace(hour=hour_utc, minute=0, second=0, microsecond=0)
    return at if at > now else at + timedelta(days=1)


def schedule_digest(container: CoreContext, now: datetime) -> None:
    """Make sure the next daily digest job is queued (one per day: the key holds its time)."""
    when = next_run(now, AlertsRuntime.of(container).rules.digest.hour_utc)
    container.jobs.enqueue("press.digest", {}, idempotency_key=f"press.digest@{when.isoformat()}", run_after=when)


@job_handler("press.digest")
def digest_job(container: Any, payload: dict[str, Any]) -> None:
    now = container.clock.now()
    mails = queue_digests(container, now)
    log.info("press.digest queued for %d recipients", len(mails))
    schedule_digest(container, now)
