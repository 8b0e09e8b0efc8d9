"""The service layer the web app (department inbox, admin pages, REST API) calls.

Conventions (stable names; the web helper builds on them):
- Every function takes an open SQLAlchemy ``session`` (e.g. from
  ``container.session()``); the caller's transaction commits.
- Results are plain dicts (JSON-ready: datetimes as aware ``datetime``
  objects — the API serialises them with ``.isoformat()``).
- Every mutating call takes ``actor`` (user name/id, written to the audit
  log) and ``now`` (pass ``container.clock.now()``; default: system time).
- ``department_ids`` scopes access: ``None`` = all departments, including
  the triage queue (admins); a list = only tickets/alerts of those
  departments (a by-id call outside the scope raises ``TicketNotFound``).
  The triage desk lists with ``triage=True`` and routes with ``route_ticket``
  (``alerts/triage_service.py``), which reaches only tickets still unrouted.
- Errors: ``TicketNotFound``/``AlertNotFound`` (→ 404), ``TicketError`` and
  its subclasses ``InvalidTransition`` and ``ClosureRefused`` (→ 409/422,
  ``str(exc)`` is a message for the user), ``SurveyNotFound``/``SurveyUsed``/
  ``SurveyExpired`` (→ 404/410), ``ValueError`` for bad input.
- Optimistic locking: ``assign_ticket``, ``set_status``, ``close_ticket`` and
  ``reopen_ticket`` take ``version`` (the ticket's ``version`` the caller
  saw); a different stored version raises ``TicketChanged`` (→ 409) and
  writes nothing.  ``version=None`` skips that check (last writer wins), but
  two writers that read the same row at once still cannot both commit: the
  loser's flush finds the row changed and raises ``TicketChanged`` too.
  Notes, replies and contacts (appended) take no version.
- ``close_ticket``/``reopen_ticket`` need the alerts runtime for survey
  links and notifications: pass ``runtime=AlertsRuntime.of(container)``.
- Survey links are ``{base_url}/survey/<token>``; ticket links in e-mails are
  ``{base_url}/department/tickets/<id>``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from healthpulse.alerts.alert_service import (
    AlertNotFound,
    acknowledge_alert,
    get_alert,
    list_alerts,
    resolve_alert,
)
from healthpulse.alerts.delivery import notify
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.alerts.scheduling import schedule_delivery
from healthpulse.alerts.scope import as_list, in_scope, now_or_system
from healthpulse.alerts.tickets import csat
from healthpulse.alerts.tickets import kpis as kpis_mod
from healthpulse.alerts.tickets import lifecycle as T
from healthpulse.alerts.tickets.csat import SurveyExpired, SurveyNotFound, SurveyUsed
from healthpulse.alerts.tickets.lifecycle import (
    CONTACT_CHANNELS,
    CONTACT_OUTCOMES,
    TRANSITIONS,
    ClosureRefused,
    InvalidTransition,
    TicketChanged,
    TicketError,
    TicketNotFound,
)
from healthpulse.alerts.tickets.search import ticket_search_condition
from healthpulse.alerts.tickets.sla import set_sla_hours, sla_hours
from healthpulse.alerts.triage_service import route_ticket
from healthpulse.core.departments import load_departments
from healthpulse.core.domain import SEVERITY_ORDER, TicketStatus
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.tickets import CitizenContactRow, SurveyRow, TicketDocumentRow, TicketEventRow, TicketRow
from healthpulse.core.resources import bundled_departments_path
from healthpulse.core.settings import Settings, load_settings
from healthpulse.text.shorten import shorten
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

__all__ = [
    "CONTACT_CHANNELS", "CONTACT_OUTCOMES", "AlertNotFound", "ClosureRefused", "InvalidTransition", "SurveyExpired",
    "SurveyNotFound", "SurveyUsed", "TicketChanged", "TicketError", "TicketNotFound", "acknowledge_alert", "add_note",
    "assign_ticket", "close_ticket", "get_alert", "get_sla_settings", "get_survey", "get_ticket", "kpis",
    "list_alerts", "list_tickets", "record_contact", "reopen_ticket", "reply_to_citizen", "resolve_alert", "route_ticket",
    "set_sla_settings", "set_status", "submit_survey", "ticket_counters", "ticket_for_appeal",
]

OPEN_STATUSES = [s.value for s in TicketStatus if s != TicketStatus.CLOSED]
SORTS = {"due_at", "created_at", "updated_at", "severity", "status", "id"}


def _runtime(runtime: AlertsRuntime | None) -> AlertsRuntime:
    if runtime is not None:
        return runtime

    settings = load_settings()
    return AlertsRuntime.build(settings, load_departments(settings.departments_file or bundled_departments_path()))


def _load(session: Session, ticket_id: int, department_ids: list[str] | None, version: int | None = None) -> TicketRow:
    """The ticket in scope; with ``version``, only if that is still the stored version (else ``TicketChanged``)."""
    t = session.get(TicketRow, int(ticket_id))
    if t is None or not in_scope(t.department_id, department_ids):
        raise TicketNotFound(f"ticket #{ticket_id} does not exist")
    T.check_version(t, version)
    return t


def _refuses_stale(change: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Turn a lost compare-and-set into ``TicketChanged``, wherever in ``change`` the ticket is flushed.

    The UPDATE compares the version read (``version_id_col``): on PostgreSQL the second writer waits for
    the first's row lock and then matches no row; on SQLite it waits for the write lock, likewise.  An
    autoflush (a query after the change, e.g. the appeal's history) can be where that happens, so the
    whole change is covered.  The failed transaction is rolled back, so the error can name the version
    now stored.
    """
    @wraps(change)
    def guarded(session: Session, ticket_id: int, *args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            return change(session, ticket_id, *args, **kwargs)
        except StaleDataError:
            session.rollback()
            current = session.scalar(select(TicketRow.version).where(TicketRow.id == int(ticket_id)))
            raise TicketChanged(int(ticket_id), kwargs.get("version"), current) from None
    return guarded


# -- reading tickets ---------------------------------------------------------
def _ticket_doc_ids(session: Session, ticket_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {i: [] for i in ticket_ids}
    if ticket_ids:
        for tid, did in session.execute(select(TicketDocumentRow.ticket_id, TicketDocumentRow.document_id)
                                        .where(TicketDocumentRow.ticket_id.in_(ticket_ids)).order_by(TicketDocumentRow.id)):
            out[tid].append(did)
    return out


def ticket_summary(t: TicketRow, document_ids: list[str], now: datetime | None = None) -> dict[str, Any]:
    """The list view of a ticket (also what ``healthpulse tickets list`` prints)."""
    return {
        "id": t.id, "origin": t.origin, "department": t.department_id, "severity": t.severity, "status": t.status,
        "title": t.title, "channel": t.channel, "topic": t.topic, "assignee": t.assignee,
        "created_at": t.created_at, "updated_at": t.updated_at, "due_at": t.due_at, "breached": t.breached,
        "overdue": t.status != TicketStatus.CLOSED.value and now_or_system(now) > t.due_at,
        "has_citizen": t.has_citizen, "alert_id": t.alert_id, "appeal_id": t.appeal_id,
        "first_response_at": t.first_response_at, "closed_at": t.closed_at, "reopen_count": t.reopen_count,
        "document_ids": document_ids, "version": t.version,
    }


def list_tickets(session: Session, *, department_ids: list[str] | None = None, status: str | list[str] | None = None,
                 severity: str | list[str] | None = None, breached: bool | None = None,
                 due_before: datetime | None = None, topic: str | None = None, channel: str | None = None,
                 origin: str | None = None, assignee: str | None = None, triage: bool | None = None,
                 search: str | None = None, sort: str = "due_at", limit: int = 50,
                 offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Tickets matching the filters → ``(items, total)``.

    ``status`` may be a status, a list, or ``"open"`` (every status but closed).
    ``triage=True`` → only tickets without a department.  ``search``: text in the
    title, the documents or the tracking code, or ``#<number>``.  ``sort``: one of
    due_at, created_at, updated_at, severity, status, id; prefix ``-`` for
    descending (severity sorts by rank: ``-severity`` = critical first).
    """
    q = select(TicketRow)
    if department_ids is not None:
        q = q.where(TicketRow.department_id.in_(department_ids))
    if triage is True:
        q = q.where(TicketRow.department_id.is_(None))
    statuses = as_list(status)
    if statuses == ["open"]:
        statuses = OPEN_STATUSES
    if statuses:
        q = q.where(TicketRow.status.in_(statuses))
    if severity:
        q = q.where(TicketRow.severity.in_(as_list(severity) or []))
    if breached is not None:
        q = q.where(TicketRow.breached.is_(bool(breached)))
    if due_before is not None:
        q = q.where(TicketRow.due_at < due_before)
    if topic:
        q = q.where(TicketRow.topic == topic)
    if channel:
        q = q.where(TicketRow.channel == channel)
    if origin:
        q = q.where(TicketRow.origin == origin)
    if assignee:
        q = q.where(TicketRow.assignee == assignee)
    if search and search.strip():
        q = q.where(ticket_search_condition(search))
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; one of {', '.join(sorted(SORTS))} (prefix - for descending)")
    col: Any = (case(SEVERITY_ORDER, value=TicketRow.severity, else_=0) if key == "severity"
                else getattr(TicketRow, key))
    q = q.order_by(col.desc() if desc else col.asc(), TicketRow.id.asc())
    rows = session.scalars(q.limit(max(1, min(int(limit), 1000))).offset(max(0, int(offset)))).all()
    docs = _ticket_doc_ids(session, [t.id for t in rows])
    return [ticket_summary(t, docs[t.id]) for t in rows], total


def ticket_counters(session: Session, department_ids: list[str] | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Counts for the inbox header: open, new, breached, due within 24 h, by status and by severity."""
    base = select(TicketRow.status, TicketRow.severity, TicketRow.breached, TicketRow.due_at)
    if department_ids is not None:
        base = base.where(TicketRow.department_id.in_(department_ids))
    now = now_or_system(now)
    by_status: dict[str, int] = {}
    by_severity: dict[str, int] = {}
    open_n = breached = due_soon = 0
    for status, severity, is_breached, due_at in session.execute(base):
        by_status[status] = by_status.get(status, 0) + 1
        if status != TicketStatus.CLOSED.value:
            open_n += 1
            by_severity[severity] = by_severity.get(severity, 0) + 1
            breached += bool(is_breached)
            due_soon += (not is_breached) and (due_at - now).total_seconds() < 86400
    triage = None
    if department_ids is None:
        triage = session.scalar(select(func.count()).select_from(TicketRow).where(
            TicketRow.department_id.is_(None), TicketRow.status != TicketStatus.CLOSED.value)) or 0
    return {"open": open_n, "new": by_status.get("new", 0), "breached": breached, "due_within_24h": due_soon,
            "by_status": by_status, "by_severity_open": by_severity, "triage_open": triage}


def get_ticket(session: Session, ticket_id: int, *, department_ids: list[str] | None = None) -> dict[str, Any]:
    """Everything about one ticket: summary + documents, audit events, notes, public replies,
    citizen contacts, appeal (tracking code and contact details), surveys, allowed next statuses
    and ``closure_blocked`` (the reason closing would be refused, or None)."""
    t = _load(session, ticket_id, department_ids)
    doc_ids = _ticket_doc_ids(session, [t.id])[t.id]
    docs = session.scalars(select(DocumentRow).where(DocumentRow.id.in_(doc_ids))).all() if doc_ids else []
    events = session.scalars(select(TicketEventRow).where(TicketEventRow.ticket_id == t.id).order_by(TicketEventRow.id)).all()
    contacts = session.scalars(select(CitizenContactRow).where(CitizenContactRow.ticket_id == t.id)
                               .order_by(CitizenContactRow.at)).all()
    surveys = session.scalars(select(SurveyRow).where(SurveyRow.ticket_id == t.id).order_by(SurveyRow.id)).all()
    appeal = session.get(AppealRow, t.appeal_id) if t.appeal_id else None
    out = ticket_summary(t, doc_ids)
    out.update(
        resolution=t.resolution, public_reply=t.public_reply, first_closed_at=t.first_closed_at,
        breached_at=t.breached_at, contact_count=t.contact_count,
        documents=[{"id": d.id, "title": d.title or shorten(d.text, 160), "url": d.url, "channel": d.channel,
                    "language": d.language, "source": d.source, "published_at": d.published_at,
                    "severity": d.severity, "text": d.text[:2000]} for d in docs],
        events=[{"at": e.at, "actor": e.actor, "action": e.action, "field": e.field, "old": e.old_value,
                 "new": e.new_value, "text": e.text, "public": e.public} for e in events],
        notes=[{"at": e.at, "actor": e.actor, "text": e.text} for e in events if e.action == "note"],
        replies=[{"at": e.at, "actor": e.actor, "text": e.text} for e in events if e.action == "public_reply"],
        contacts=[{"at": c.at, "channel": c.channel, "outcome": c.outcome, "actor": c.actor, "note": c.note}
                  for c in contacts],
        surveys=[{"created_at": s.created_at, "expires_at": s.expires_at, "answered_at": s.used_at, "score": s.score,
                  "comment": s.comment} for s in surveys],
        appeal=None if appeal is None else {
            "id": appeal.id, "tracking_code": appeal.tracking_code, "channel": appeal.channel,
            "language": appeal.language, "status": appeal.status, "contact_name": appeal.contact_name,
            "contact_phone": appeal.contact_phone, "contact_email": appeal.contact_email},
        allowed_statuses=sorted(TRANSITIONS[TicketStatus(t.status)]),
        closure_blocked=T.closure_problem(session, t),
        contact_channels=list(CONTACT_CHANNELS), contact_outcomes=list(CONTACT_OUTCOMES),
    )
    return out


def ticket_for_appeal(session: Session, appeal_id: str) -> dict[str, Any] | None:
    """What the citizen's tracking page may show: status, deadline, public replies (no internal notes)."""
    t = session.scalar(select(TicketRow).where(TicketRow.appeal_id == appeal_id))
    if t is None:
        return None
    replies = session.scalars(select(TicketEventRow).where(TicketEventRow.ticket_id == t.id,
                                                           TicketEventRow.public.is_(True)).order_by(TicketEventRow.id)).all()
    return {"ticket_id": t.id, "status": t.status, "due_at": t.due_at, "closed_at": t.closed_at,
            "resolution": t.resolution if t.status == TicketStatus.CLOSED.value else None,
            "replies": [{"at": e.at, "text": e.text} for e in replies]}


# -- changing tickets ----------------------------------------------------------
def _full(session: Session, t: TicketRow) -> dict[str, Any]:
    session.flush()
    return get_ticket(session, t.id)


@_refuses_stale
def assign_ticket(session: Session, ticket_id: int, assignee: str, actor: str, *, now: datetime | None = None,
                  department_ids: list[str] | None = None, version: int | None = None) -> dict[str, Any]:
    if not assignee or not assignee.strip():
        raise TicketError("assignee is required")
    t = _load(session, ticket_id, department_ids, version)
    T.assign(session, t, assignee.strip(), actor, now_or_system(now))
    return _full(session, t)


@_refuses_stale
def set_status(session: Session, ticket_id: int, status: str, actor: str, *, note: str | None = None,
               now: datetime | None = None, department_ids: list[str] | None = None,
               version: int | None = None) -> dict[str, Any]:
    """Move to assigned / in_progress / awaiting_citizen (use close_ticket / reopen_ticket for those)."""
    t = _load(session, ticket_id, department_ids, version)
    T.set_status(session, t, status, actor, now_or_system(now), note)
    return _full(session, t)


@_refuses_stale
def add_note(session: Session, ticket_id: int, text: str, actor: str, *, now: datetime | None = None,
             department_ids: list[str] | None = None) -> dict[str, Any]:
    """An internal note (never shown to the citizen)."""
    t = _load(session, ticket_id, department_ids)
    T.add_note(session, t, text, actor, now_or_system(now))
    return _full(session, t)


@_refuses_stale
def reply_to_citizen(session: Session, ticket_id: int, text: str, actor: str, *, now: datetime | None = None,
                     runtime: AlertsRuntime | None = None, department_ids: list[str] | None = None) -> dict[str, Any]:
    """A public reply, shown on the citizen's tracking page (``ticket_for_appeal``) and e-mailed to the citizen
    when the appeal left an address (through the outbox: queued and retried)."""
    now = now_or_system(now)
    t = _load(session, ticket_id, department_ids)
    ev = T.reply_to_citizen(session, t, text, actor, now)
    appeal = session.get(AppealRow, t.appeal_id) if t.appeal_id else None
    if appeal is not None and appeal.contact_email:
        rt = _runtime(runtime)
        session.flush()  # the event's id keys the mail: one per reply
        if notify.send_reply(session, rt, t, appeal, ev.text or "", now, ev.id):
            _schedule_if_possible(session, rt, now, schedule_delivery)
    return _full(session, t)


@_refuses_stale
def record_contact(session: Session, ticket_id: int, channel: str, outcome: str, actor: str, at: datetime | None = None,
                   *, note: str | None = None, now: datetime | None = None,
                   department_ids: list[str] | None = None) -> dict[str, Any]:
    """Record a call-back/message to the citizen: ``channel`` in CONTACT_CHANNELS, ``outcome`` in
    CONTACT_OUTCOMES, ``at`` when it happened (default now), by ``actor``."""
    t = _load(session, ticket_id, department_ids)
    T.record_contact(session, t, channel, outcome, actor, now_or_system(now), at=at, note=note)
    return _full(session, t)


@_refuses_stale
def close_ticket(session: Session, ticket_id: int, actor: str, resolution: str, *, now: datetime | None = None,
                 runtime: AlertsRuntime | None = None, department_ids: list[str] | None = None,
                 version: int | None = None) -> dict[str, Any]:
    """Close with a resolution; raises ``ClosureRefused`` (message for the user) when the ticket has a
    citizen and no contact was recorded. A citizen gets a one-use CSAT survey (e-mailed when the
    appeal has an e-mail; the link is also in ``result["survey_url"]`` for the tracking page)."""
    now = now_or_system(now)
    rt = _runtime(runtime)
    t = _load(session, ticket_id, department_ids, version)
    T.close(session, t, actor, resolution, now)
    url = None
    if t.has_citizen:
        appeal = session.get(AppealRow, t.appeal_id) if t.appeal_id else None
        lang = (appeal.language if appeal else None) or t.citizen_language or "en"
        survey, token = csat.issue_survey(session, t, now, rt.rules.tickets.survey_days, lang)
        url = rt.link(f"/survey/{token}")
        T.audit(session, t, "system", "survey", now, text=f"survey sent, expires {survey.expires_at.isoformat()}")
        if notify.send_survey(session, rt, t, appeal, url, survey.expires_at, now, survey.id):
            _schedule_if_possible(session, rt, now, schedule_delivery)
    out = _full(session, t)
    out["survey_url"] = url
    return out


def _schedule_if_possible(session: Session, rt: AlertsRuntime, now: datetime, schedule: Any) -> None:
    """Queue a delivery job when a container (job queue) is around; the sweep picks rows up otherwise."""
    jobs = getattr(rt, "jobs", None)
    if jobs is not None:
        schedule(session, jobs, now)


@_refuses_stale
def reopen_ticket(session: Session, ticket_id: int, actor: str, reason: str, *, now: datetime | None = None,
                  department_ids: list[str] | None = None, version: int | None = None) -> dict[str, Any]:
    """Reopen a closed ticket (a new citizen contact is then needed to close it again)."""
    if not reason or not reason.strip():
        raise TicketError("a reason is required to reopen a ticket")
    t = _load(session, ticket_id, department_ids, version)
    T.reopen(session, t, actor, reason.strip(), now_or_system(now))
    return _full(session, t)


# -- surveys -------------------------------------------------------------------
def get_survey(session: Session, token: str, *, now: datetime | None = None) -> dict[str, Any]:
    """The survey behind a link (for the form page); raises SurveyNotFound / SurveyUsed / SurveyExpired."""
    s = csat.find_survey(session, token, now_or_system(now))
    t = session.get(TicketRow, s.ticket_id)
    return {"ticket_id": s.ticket_id, "title": t.title if t else "", "language": s.language,
            "expires_at": s.expires_at}


def submit_survey(session: Session, token: str, score: int, comment: str | None = None, *,
                  now: datetime | None = None) -> dict[str, Any]:
    """Answer once (score 1–5, optional comment); a second use raises SurveyUsed."""
    s = csat.submit_survey(session, token, score, comment, now_or_system(now))
    t = session.get(TicketRow, s.ticket_id)
    if t is not None:
        T.audit(session, t, "citizen", "csat", now_or_system(now), field="csat", new=score, text=s.comment)
    return {"ticket_id": s.ticket_id, "score": s.score, "answered_at": s.used_at}


# -- KPIs and SLA settings -------------------------------------------------------
def kpis(session: Session, department_id: str | None, start: datetime, end: datetime) -> dict[str, Any]:
    """KPIs of one department (None = triage) for [start, end); definitions in ``alerts.kpis``."""
    return kpis_mod.kpis(session, department_id, start, end)


def get_sla_settings(session: Session, settings: Settings) -> dict[str, float]:
    """Effective SLA hours per severity (admin overrides > settings.sla_hours > defaults)."""
    return sla_hours(session, settings)


def set_sla_settings(session: Session, hours: dict[str, float], actor: str, *, now: datetime | None = None,
                     settings: Settings | None = None) -> dict[str, float]:
    """Set SLA hours for some severities (applies to tickets opened afterwards); returns the effective table."""
    set_sla_hours(session, hours, actor, now_or_system(now), settings)
    return sla_hours(session, settings) if settings is not None else {k: float(v) for k, v in hours.items()}
