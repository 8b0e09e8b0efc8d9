"""The daily press digest: the day's top negative stories per department and for the press office, by e-mail.

Each department with an ``email`` gets its own top stories of the last 24 hours; the press office
(``press_digest_email``) gets the top stories of all departments.  Stories are the press dashboard's
(``web/services/top_stories``: grouped, ranked by coverage × reach × severity), so the digest says
what the dashboard says.  Mails go through the alerts outbox (queued, retried, one per recipient and
day: the idempotency key holds the date), in the recipient's language with links to the dashboard.
The job ``press.digest`` runs daily at the rules file's ``digest.hour_utc`` and schedules its next run;
``healthpulse digest send [--dry-run]`` runs it by hand.  It lives in wiring/ because it joins the web
layer's ranking with the alerts area's outbox.
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
from healthpulse.web.query_params import SearchParams
from healthpulse.web.services import dashboard as dash
from healthpulse.web.services import top_stories

log = logging.getLogger(__name__)
PRESS = "press-office"
LIMIT = 10


@dataclass
class DigestMail:
    recipient: str
    language: str
    department: str | None  # None: the press office's digest of every department
    subject: str
    text: str
    html: str
    stories: list[list[Any]] = field(default_factory=list)


def build_digests(container: Any, now: datetime) -> list[DigestMail]:
    """One mail per department with an address and one for the press office (when configured)."""
    rt = AlertsRuntime.of(container)
    deps = container.departments.departments
    targets: list[tuple[str | None, str, str]] = [(d.id, d.email, d.language) for d in deps if d.email]
    if container.settings.press_digest_email:
        targets.append((None, container.settings.press_digest_email, container.settings.press_digest_language))
    mails = []
    for dep, address, lang in targets:
        params = SearchParams.model_validate({"period": "24h", "department": [dep] if dep else []},
                                             context={"departments": container.departments.ids})
        f = dash.Filters.from_params(params, now.date(), now)

        def reach_of(ids: list[str]) -> dict[str, int]:
            with container.session() as s:
                return top_stories.reach_scores(s, ids)

        rows = dash.top_negative_stories(container.index, f, reach_of, limit=LIMIT).rows
        names = {d.id: d.name.in_language(lang) for d in deps}
        query = "?period=24h" + (f"&department={dep}" if dep else "")
        if dep and not rows:
            continue  # a quiet day in a department sends nothing; the press office always hears
        ctx = {"department": names.get(dep, dep) if dep else strings(lang)["labels"]["all_departments"],
               "count": len(rows), "link": rt.link(f"/press/{query}"),
               "documents": [{"id": r[0], "title": f"{r[1]} ({r[2]})" + (f" — {names.get(r[4], r[4])}" if not dep and r[4] else ""),
                              "url": r[8]} for r in rows]}
        subject, text, html = render_email("press_digest", lang, ctx)
        mails.append(DigestMail(address, lang, dep, subject, text, html, rows))
    return mails


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
