"""Turn alert/ticket events into outbox rows: one per recipient and channel, in its language.

Idempotency keys name the event (``alert:12:fire``, ``alert:12:escalation:high``,
``ticket:7:breach``…) plus the recipient, so announcing the same event twice
queues nothing new.  Departments listed under ``digest`` get their e-mails
held for the daily digest (webhooks still go at once).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.alerts.delivery.messages import LANGS, render_email, strings
from healthpulse.alerts.delivery.outbox import queue_notification
from healthpulse.alerts.delivery.routing import Recipient, department_recipients
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.core.models.alerts import AlertDocumentRow, AlertRow, NotificationRow
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.tickets import TicketRow
from healthpulse.text.shorten import shorten
from sqlalchemy import select
from sqlalchemy.orm import Session

DIGESTIBLE = ("alert", "escalation", "recovery", "appeal")
MAX_DOCS_IN_MESSAGE = 10


def _documents(session: Session, doc_ids: list[str]) -> list[dict[str, Any]]:
    if not doc_ids:
        return []
    rows = session.scalars(select(DocumentRow).where(DocumentRow.id.in_(doc_ids[:MAX_DOCS_IN_MESSAGE]))).all()
    return [{"id": r.id, "title": (r.title or shorten(r.text, 120)).strip(), "url": r.url, "channel": r.channel} for r in rows]


def alert_document_ids(session: Session, alert_id: int) -> list[str]:
    return list(session.scalars(select(AlertDocumentRow.document_id).where(AlertDocumentRow.alert_id == alert_id)
                                .order_by(AlertDocumentRow.id)))


def _queue(session: Session, rt: AlertsRuntime, recipients: list[Recipient], *, key: str, event: str, now: datetime,
           context: dict[str, Any], webhook: dict[str, Any], department_id: str | None,
           alert_id: int | None = None, ticket_id: int | None = None, force_language: str | None = None,
           digest: bool = False) -> int:
    n = 0
    hold_mail = (digest or department_id in rt.rules.digest.departments) and event in DIGESTIBLE
    dep = rt.departments.get(department_id)
    for r in recipients:
        lang = force_language or r.language
        if dep is not None and context.get("department"):  # the department's name in the recipient's language
            context = {**context, "department": dep.name.in_language(lang)}
        rkey = f"{key}:{r.channel}:{r.address}"
        if r.channel == "email":
            subject, text, html = render_email(event, lang, context)
            payload = {"text": text, "html": html}
        else:
            subject = f"{event}: {context.get('title', '')}"
            payload = {"event": event, "idempotency_key": rkey, "sent_for": now.isoformat(), **webhook}
        row = queue_notification(session, key=rkey, channel=r.channel, event=event, recipient=r.address, now=now,
                                 subject=subject, payload=payload, language=lang, department_id=department_id,
                                 alert_id=alert_id, ticket_id=ticket_id, hold=hold_mail and r.channel == "email")
        n += row is not None
    return n


def announce_alert(session: Session, rt: AlertsRuntime, alert: AlertRow, event: str, now: datetime,
                   ticket: TicketRow | None = None, digest: bool = False) -> int:
    """Queue ``alert`` / ``escalation`` / ``recovery`` notices for an alert's department (or triage);
    ``digest``: the rule asks for its e-mails to wait for the daily digest."""
    doc_ids = alert_document_ids(session, alert.id)
    docs = _documents(session, doc_ids)
    ctx = {
        "title": alert.title, "severity": alert.severity, "department": rt.department_name(alert.department_id),
        "topic": alert.topic, "rule": alert.rule_id, "reason": alert.reason, "documents": docs,
        "ticket_id": ticket.id if ticket else None, "due_at": ticket.due_at.strftime("%Y-%m-%d %H:%M UTC") if ticket else None,
        "link": rt.link(f"/department/tickets/{ticket.id}") if ticket else rt.link(f"/department/alerts/{alert.id}"),
    }
    hook = {
        "alert": {"id": alert.id, "rule": alert.rule_id, "rule_type": alert.rule_type, "kind": alert.kind,
                  "state": alert.state, "severity": alert.severity, "title": alert.title, "reason": alert.reason,
                  "department": alert.department_id, "topic": alert.topic, "story_id": alert.story_id,
                  "fired_at": alert.fired_at.isoformat(), "document_ids": doc_ids},
        "ticket": {"id": ticket.id, "due_at": ticket.due_at.isoformat(), "status": ticket.status} if ticket else None,
        "documents": docs,
    }
    suffix = {"alert": "fire", "escalation": f"escalation:{alert.severity}", "recovery": "recovery"}[event]
    n = _queue(session, rt, department_recipients(rt, alert.department_id), key=f"alert:{alert.id}:{suffix}",
               event=event, now=now, context=ctx, webhook=hook, department_id=alert.department_id,
               alert_id=alert.id, ticket_id=ticket.id if ticket else None, digest=digest)
    if n:
        alert.notifications_sent = (alert.notifications_sent or 0) + n
        alert.last_notified_at = now
        alert.notified_severity = alert.severity
    return n


def _ticket_hook(t: TicketRow, doc_ids: list[str]) -> dict[str, Any]:
    return {"ticket": {"id": t.id, "origin": t.origin, "severity": t.severity, "status": t.status,
                       "department": t.department_id, "due_at": t.due_at.isoformat(), "title": t.title,
                       "breached": t.breached, "document_ids": doc_ids}}


def announce_appeal(session: Session, rt: AlertsRuntime, t: TicketRow, appeal: AppealRow, doc_ids: list[str],
                    now: datetime) -> int:
    ctx = {"title": t.title, "severity": t.severity, "department": rt.department_name(t.department_id),
           "topic": t.topic, "tracking_code": appeal.tracking_code, "ticket_id": t.id,
           "due_at": t.due_at.strftime("%Y-%m-%d %H:%M UTC"), "documents": _documents(session, doc_ids),
           "link": rt.link(f"/department/tickets/{t.id}")}
    hook = {**_ticket_hook(t, doc_ids), "appeal": {"tracking_code": appeal.tracking_code, "channel": appeal.channel}}
    return _queue(session, rt, department_recipients(rt, t.department_id), key=f"ticket:{t.id}:appeal", event="appeal",
                  now=now, context=ctx, webhook=hook, department_id=t.department_id, ticket_id=t.id)


def _mail_citizen(session: Session, rt: AlertsRuntime, t: TicketRow, appeal: AppealRow | None, *, event: str,
                  key: str, now: datetime, context: dict[str, Any]) -> int:
    """One e-mail to the citizen behind an appeal, in the appeal's language, through the outbox (queued,
    retried, once per key); nothing when the appeal left no e-mail address. Every citizen e-mail carries
    the ticket's title and the tracking code, never the internal ticket number."""
    if appeal is None or not appeal.contact_email:
        return 0
    lang = _citizen_language(t, appeal)
    ctx = {"title": t.title, "tracking_code": appeal.tracking_code, **context}
    return _queue(session, rt, [Recipient("email", appeal.contact_email, lang)], key=key, event=event, now=now,
                  context=ctx, webhook={}, department_id=t.department_id, ticket_id=t.id)


def _citizen_language(t: TicketRow, appeal: AppealRow) -> str:
    return appeal.language or t.citizen_language or "en"


def _track_url(rt: AlertsRuntime, lang: str) -> str:
    return rt.link(f"/{lang if lang in LANGS else 'en'}/track")


def acknowledge_appeal(session: Session, rt: AlertsRuntime, t: TicketRow, appeal: AppealRow, now: datetime) -> int:
    """Tell a citizen who left an e-mail address that the appeal arrived, where it went and by when to expect
    an answer (the tracking code and link)."""
    lang = _citizen_language(t, appeal)
    dep = rt.departments.get(t.department_id)
    department = dep.name.in_language(lang) if dep else strings(lang)["labels"]["triage"]
    return _mail_citizen(session, rt, t, appeal, event="received", key=f"ticket:{t.id}:received", now=now,
                         context={"citizen_department": department, "answer_due": t.due_at.strftime("%Y-%m-%d"),
                                  "track_url": _track_url(rt, lang)})


def announce_breach(session: Session, rt: AlertsRuntime, t: TicketRow, now: datetime) -> int:
    ctx = {"title": t.title, "severity": t.severity, "department": rt.department_name(t.department_id) or "—",
           "ticket_id": t.id, "due_at": t.due_at.strftime("%Y-%m-%d %H:%M UTC"),
           "link": rt.link(f"/department/tickets/{t.id}"), "reason": f"status: {t.status}, assignee: {t.assignee or '—'}"}
    return _queue(session, rt, department_recipients(rt, t.department_id, escalation=True),
                  key=f"ticket:{t.id}:breach:{t.due_at.isoformat()}", event="breach", now=now, context=ctx,
                  webhook=_ticket_hook(t, []), department_id=t.department_id, ticket_id=t.id)


def send_survey(session: Session, rt: AlertsRuntime, t: TicketRow, appeal: AppealRow | None, url: str,
                expires_at: datetime, now: datetime, survey_id: int) -> int:
    """E-mail the survey link to the citizen when the appeal left an e-mail address."""
    return _mail_citizen(session, rt, t, appeal, event="survey", key=f"survey:{survey_id}", now=now,
                         context={"survey_url": url, "expires_at": expires_at.strftime("%Y-%m-%d")})


def send_reply(session: Session, rt: AlertsRuntime, t: TicketRow, appeal: AppealRow | None, text: str, now: datetime,
               event_id: int) -> int:
    """E-mail the department's public reply to the citizen when the appeal left an e-mail address."""
    lang = _citizen_language(t, appeal) if appeal is not None else "en"
    return _mail_citizen(session, rt, t, appeal, event="reply", key=f"reply:{event_id}", now=now,
                         context={"reply": text, "track_url": _track_url(rt, lang)})


def build_digests(session: Session, rt: AlertsRuntime, now: datetime) -> int:
    """Bundle held e-mails into one digest per recipient; returns how many digests were queued."""
    held = session.scalars(select(NotificationRow).where(NotificationRow.state == "held")
                           .order_by(NotificationRow.created_at)).all()
    by_recipient: dict[tuple[str, str | None, str], list[NotificationRow]] = {}
    for row in held:
        by_recipient.setdefault((row.recipient, row.department_id, row.language), []).append(row)
    queued = 0
    for (recipient, dep, lang), rows in by_recipient.items():
        ctx = {"department": rt.department_name(dep) or "—", "count": len(rows),
               "items": [{"subject": r.subject} for r in rows], "link": rt.link("/department/tickets")}
        key = f"digest:{dep}:{recipient}:{now.date().isoformat()}:{rows[-1].id}"
        queued += _queue(session, rt, [Recipient("email", recipient, lang)], key=key, event="digest", now=now,
                         context=ctx, webhook={}, department_id=None)
        for r in rows:
            r.state = "digested"
    return queued
