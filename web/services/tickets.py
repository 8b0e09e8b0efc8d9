"""Tickets, alerts, KPIs and surveys for the web, always scoped to the caller.

A thin layer over the alerts area's service (``healthpulse.alerts.service``):
it turns the logged-in ``Principal`` into the service's ``department_ids``
scope, so a department user only ever reaches its own department's tickets,
alerts, documents and media.  A ticket outside the scope raises ``NotFound``
exactly like a missing one, so ids leak nothing.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict

from healthpulse.alerts import praise
from healthpulse.alerts import service as alerts
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.alerts.scope import in_scope
from healthpulse.alerts.tickets import csat
from healthpulse.alerts.tickets import lifecycle as alert_tickets
from healthpulse.alerts.tickets.callback_retry import callbacks_requeued, schedule_retry
from healthpulse.alerts.tickets.search import MAX_QUERY_CHARS
from healthpulse.appeals.lifecycle import get_by_code
from healthpulse.core.errors import HealthpulseError
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.tickets import SurveyRow, TicketRow
from healthpulse.core.models.uploads import VideoMediaRow
from healthpulse.video_intake.privacy import can_view_video, transcript_for
from healthpulse.web.labels import CHANNELS, SEVERITIES, TICKET_STATUSES, TOPICS
from healthpulse.web.query_params import QueryParamError
from healthpulse.web.services.context import WebContext
from healthpulse.web.services.users import Principal, assignable_usernames
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE = 100_000
SORTS = {"due": "due_at", "-due": "-due_at", "created": "created_at", "-created": "-created_at",
         "severity": "severity", "-severity": "-severity"}
DUE_SOON = timedelta(hours=24)
KPI_WINDOW = timedelta(days=30)


class Scope(TypedDict):
    """Who acts and when: passed to every ticket action of the alerts service."""

    department_ids: list[str] | None
    now: datetime


class NotFound(HealthpulseError, LookupError):
    """Missing, or outside the caller's scope (indistinguishable on purpose)."""
    error_code = "not_found"


class ActionRefused(HealthpulseError, ValueError):
    """The alerts area refused the change (closing without citizen contact, bad transition...)."""
    error_code = "conflict"


class TicketConflict(ActionRefused):
    """The caller acted on an older version of the ticket (someone else changed it): nothing was written."""

    def __init__(self, message: str, current_version: int | None):
        super().__init__(message)
        self.current_version = current_version


class AssigneeRefused(ActionRefused):
    """The chosen person may not work on the ticket (unknown, inactive, another department, not staff)."""


class SurveyRefused(HealthpulseError, ValueError):
    """The survey cannot be answered (not offered, already answered, expired)."""
    error_code = "conflict"


ALL_DEPARTMENTS_ROLES = ("admin", "press")
NO_DEPARTMENT = "(none)"  # matches no department: the scope of a role that may see no department's data


def scope_of(principal: Principal) -> str | None:
    """The department a principal is limited to; None means all departments (press, admin).

    Fails closed: any other role (the triage desk, or one added later) is
    limited to a department that does not exist, so it sees nothing here.
    """
    if principal.role == "department":
        return principal.department_id or NO_DEPARTMENT
    return None if principal.role in ALL_DEPARTMENTS_ROLES else NO_DEPARTMENT


def department_ids(principal: Principal) -> list[str] | None:
    scope = scope_of(principal)
    return None if scope is None else [scope]


@dataclass
class TicketFilters:
    """The inbox's filters, all from the query string (so a filtered page can be bookmarked and shared)."""

    status: str | None = None
    severity: str | None = None
    sla: str | None = None  # due | breached
    topic: str | None = None
    channel: str | None = None
    q: str | None = None  # text in the title, the documents, the tracking code; or #<number>
    mine: bool = False  # only tickets assigned to the caller
    sort: str = "due"
    page: int = 1
    limit: int = 50  # tickets per page

    @classmethod
    def from_args(cls, args: Any) -> TicketFilters:
        """Parse and check every argument; a bad one raises ``QueryParamError`` naming it (the views answer 400)."""
        def pick(name: str, allowed: Any) -> str | None:
            value = args.get(name) or None
            if value is not None and value not in allowed:
                raise QueryParamError(name, f"unknown {name} '{value}'")
            return value

        sort = args.get("sort") or "due"
        if sort not in SORTS:
            raise QueryParamError("sort", f"unknown sort '{sort}'")
        q = (args.get("q") or "").strip() or None
        if q is not None and len(q) > MAX_QUERY_CHARS:
            raise QueryParamError("q", f"'q' is longer than {MAX_QUERY_CHARS} characters")
        mine = pick("mine", ("1",)) == "1"
        per_page = int(pick("per_page", [str(n) for n in PAGE_SIZES]) or DEFAULT_PAGE_SIZE)
        page_arg = args.get("page") or "1"
        if not (page_arg.isascii() and page_arg.isdigit()) or not 1 <= int(page_arg) <= MAX_PAGE:
            raise QueryParamError("page", f"'page' must be a number from 1 to {MAX_PAGE}")
        return cls(status=pick("status", (*TICKET_STATUSES, "open")), severity=pick("severity", SEVERITIES),
                   sla=pick("sla", ("due", "breached")), topic=pick("topic", TOPICS),
                   channel=pick("channel", CHANNELS), q=q, mine=mine, sort=sort, page=int(page_arg), limit=per_page)

    def query(self, **changes: Any) -> dict[str, Any]:
        """These filters as query arguments (defaults left out), with ``changes`` applied: for links."""
        args: dict[str, Any] = {"status": self.status, "severity": self.severity, "sla": self.sla, "topic": self.topic,
                                "channel": self.channel, "q": self.q, "mine": "1" if self.mine else None,
                                "sort": None if self.sort == "due" else self.sort,
                                "per_page": None if self.limit == DEFAULT_PAGE_SIZE else self.limit,
                                "page": None if self.page == 1 else self.page}
        args.update(changes)
        if args.get("page") == 1:
            args["page"] = None
        return {k: v for k, v in args.items() if v is not None and v != ""}



@dataclass
class TicketPage:
    rows: list[dict[str, Any]]
    counters: dict[str, Any]
    total: int  # tickets matching the filters, on every page
    pages: int


def list_tickets(container: WebContext, principal: Principal, f: TicketFilters) -> TicketPage:
    """One page of the caller's tickets matching ``f``, with the inbox counters."""
    now = container.clock.now()
    scope = department_ids(principal)
    kw: dict[str, Any] = {"department_ids": scope, "status": f.status, "severity": f.severity, "topic": f.topic,
                          "channel": f.channel, "search": f.q, "assignee": principal.username if f.mine else None,
                          "sort": SORTS[f.sort], "limit": f.limit, "offset": (f.page - 1) * f.limit}
    if f.sla == "breached":  # past the deadline, whether or not the breach sweep has flagged it yet
        kw.update(status="open", due_before=now)
    elif f.sla == "due":
        kw.update(status="open", breached=False, due_before=now + DUE_SOON)
    with container.session() as s:
        rows, total = alerts.list_tickets(s, **kw)
        counters = alerts.ticket_counters(s, scope, now=now)
        counters["closed"] = counters.get("by_status", {}).get("closed", 0)
        counters["overdue"] = alerts.list_tickets(s, department_ids=scope, status="open", due_before=now, limit=1)[1]
        counters["mine"] = alerts.list_tickets(s, department_ids=scope, status="open", assignee=principal.username,
                                               limit=1)[1]
        requeued = callbacks_requeued(s, [r["id"] for r in rows if r.get("channel") == "hotline"])
    for r in rows:
        r["late"] = _late(r, now)
        r["callback_due"] = requeued.get(r["id"])  # the attempt now due, after an unanswered callback
    return TicketPage(rows, counters, total, max(1, -(-total // f.limit)))


def get_ticket(container: WebContext, principal: Principal, ticket_id: int) -> dict[str, Any]:
    """Everything the ticket page shows, plus each document's media (video + transcript) and analysis."""
    with container.session() as s:
        try:
            detail = alerts.get_ticket(s, ticket_id, department_ids=department_ids(principal))
        except alerts.TicketNotFound:
            raise NotFound(f"ticket {ticket_id}") from None
        doc_ids = [d["id"] for d in detail["documents"]]
        appeal = detail.get("appeal")
        if appeal is not None:
            row = s.get(AppealRow, appeal["id"])
            appeal["document_id"] = row.document_id if row is not None else None
            if row is not None and row.document_id and row.document_id not in doc_ids:
                doc_ids.insert(0, row.document_id)
        rows = {r.id: r for r in s.scalars(select(DocumentRow).where(DocumentRow.id.in_(doc_ids)))} if doc_ids else {}
        detail["documents"] = [document_view(rows[i]) for i in doc_ids if i in rows]
        probe = s.get(VideoMediaRow, appeal["id"]) if appeal is not None else None
        if appeal is not None and probe is not None and not probe.video_codec:  # ffprobe saw no picture: a sound
            for d in detail["documents"]:
                if d["id"] == appeal["document_id"] and d["has_video"]:
                    d["audio_only"] = True
    answered = [sv for sv in detail.get("surveys", []) if sv.get("answered_at")]
    detail["survey"] = answered[-1] if answered else None
    detail["late"] = _late(detail, container.clock.now())
    return detail


def _late(t: dict[str, Any], now: datetime) -> bool:
    """Breached (flagged by the sweep) or past its deadline while open, by the container's clock."""
    return bool(t.get("breached")) or (t.get("status") != "closed" and t["due_at"] is not None and t["due_at"] < now)


def document_view(r: DocumentRow) -> dict[str, Any]:
    analysis = r.analysis or {}
    media = r.media or {}
    return {
        "id": r.id, "channel": r.channel, "source": r.source, "url": r.url, "title": r.title,
        "extract": r.text[:3000], "truncated": len(r.text) > 3000, "published_at": r.published_at or r.fetched_at,
        "language": r.language, "sentiment": r.sentiment, "severity": r.severity, "incident": r.incident,
        "topics": [t.get("id") for t in analysis.get("topics", [])], "places": analysis.get("places", []),
        "department": r.department, "health_related": r.health_related,
        "has_video": bool(media.get("path")), "duration": media.get("duration"),
        "audio_only": r.channel == "hotline" or _audio_file(media.get("path")),
        "segments": media.get("segments") or [],
        "needs_review": bool(analysis.get("needs_review")), "review_reasons": analysis.get("review_reasons") or [],
        "evidence": analysis.get("evidence") or {},
    }


def _audio_file(path: str | None) -> bool:
    """A stored sound file (a call's recording), which plays in an audio player, not a blank video frame."""
    return bool(path) and (mimetypes.guess_type(str(path))[0] or "").startswith("audio/")


def visible_text(principal: Principal, appeal: Any, text: str | None) -> str:
    """Appeal text as this viewer may see it: contacts masked except for the assigned department."""
    return transcript_for(principal, appeal, text)


def ticket_json(detail: dict[str, Any]) -> dict[str, Any]:
    def conv(v: Any) -> Any:
        if isinstance(v, datetime):
            return v.isoformat()
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [conv(x) for x in v]
        return v

    return conv(detail)  # type: ignore[no-any-return]


def media_path(container: WebContext, principal: Principal, ticket_id: int, document_id: str) -> str:
    """The stored video of a document of a ticket in scope (else NotFound).

    Two checks: the ticket is in the principal's scope, and the video area's
    rule (``privacy.can_view_video``: the assigned department or an admin)
    allows this viewer to see the citizen's video.
    """
    detail = get_ticket(container, principal, ticket_id)
    appeal = detail.get("appeal")
    if appeal is not None and not can_view_video(principal, {"department_id": detail.get("department")}):
        raise NotFound(document_id)
    for d in detail["documents"]:
        if d["id"] == document_id and d["has_video"]:
            with container.session() as s:
                row = s.get(DocumentRow, document_id)
                path = (row.media or {}).get("path") if row is not None else None
            if path:
                return str(path)
    raise NotFound(document_id)


# -- actions -------------------------------------------------------------------
VERSIONED_ACTIONS = ("take", "assign", "status", "close", "reopen")  # they change the ticket's state
APPENDED_ACTIONS = ("note", "reply", "contact")  # they only add to its history: no version needed


def act(container: WebContext, principal: Principal, ticket_id: int, action: str, *, version: int | None = None,
        **kw: Any) -> dict[str, Any]:
    """Run one ticket action (take, assign, status, note, reply, contact, close, reopen) for the principal.

    ``version``: the ticket version the caller saw, for the state-changing actions; when the ticket has
    moved on since (or a concurrent request commits first) → ``TicketConflict`` and nothing is written.
    ``None`` → last writer wins (API clients that send no version).
    """
    try:
        return _act(container, principal, ticket_id, action, version, kw)
    except alerts.TicketChanged as err:
        raise TicketConflict(str(err), err.current_version) from None
    except StaleDataError:  # a write after the service's own flush lost the race: the same answer
        raise TicketConflict(f"ticket #{ticket_id} was changed by someone else", _current_version(container, ticket_id)) from None


def _current_version(container: WebContext, ticket_id: int) -> int | None:
    with container.session() as s:
        return s.scalar(select(TicketRow.version).where(TicketRow.id == int(ticket_id)))


def _act(container: WebContext, principal: Principal, ticket_id: int, action: str, version: int | None,
         kw: dict[str, Any]) -> dict[str, Any]:
    now = container.clock.now()
    actor = principal.username
    scope = Scope(department_ids=department_ids(principal), now=now)
    with container.session() as s:
        try:
            if action == "take":
                return alerts.assign_ticket(s, ticket_id, actor, actor, version=version, **scope)
            if action == "assign":
                if kw["assignee"] not in _assignable(s, ticket_id, scope["department_ids"]):
                    raise AssigneeRefused(f"{kw['assignee']!r} may not work on ticket #{ticket_id}")
                return alerts.assign_ticket(s, ticket_id, kw["assignee"], actor, version=version, **scope)
            if action == "status":
                return alerts.set_status(s, ticket_id, kw["status"], actor, note=kw.get("note"), version=version,
                                         **scope)
            if action == "note":
                return alerts.add_note(s, ticket_id, kw["text"], actor, **scope)
            if action == "reply":
                return alerts.reply_to_citizen(s, ticket_id, kw["text"], actor, runtime=AlertsRuntime.of(container),
                                               **scope)
            if action == "contact":
                done = alerts.record_contact(s, ticket_id, kw["channel"], kw["outcome"], actor, kw.get("at"),
                                             note=kw.get("note"), **scope)
                ticket = s.get(TicketRow, ticket_id)
                if ticket is not None:  # an unanswered hotline callback comes back to the queue by itself
                    schedule_retry(s, container.jobs, ticket, container.settings)
                return done
            if action == "close":
                if kw.get("internal_note"):  # kept only if the ticket closes (one transaction)
                    alerts.add_note(s, ticket_id, kw["internal_note"], actor, **scope)
                return alerts.close_ticket(s, ticket_id, actor, kw["resolution"], runtime=AlertsRuntime.of(container),
                                           version=version, **scope)
            if action == "reopen":
                return alerts.reopen_ticket(s, ticket_id, actor, kw["reason"], version=version, **scope)
        except alerts.TicketNotFound:
            raise NotFound(f"ticket {ticket_id}") from None
        except alerts.TicketChanged:
            raise
        except (alerts.TicketError, ValueError) as err:
            raise ActionRefused(str(err)) from None
    raise ActionRefused(f"unknown action {action}")


def _assignable(session: Any, ticket_id: int, scope: list[str] | None) -> list[str]:
    t = session.get(TicketRow, int(ticket_id))
    if t is None or not in_scope(t.department_id, scope):
        raise alerts.TicketNotFound(f"ticket {ticket_id}")
    return assignable_usernames(session, t.department_id)


def assignees(container: WebContext, principal: Principal, ticket_id: int) -> list[str]:
    """Who the caller may hand this ticket to: the ticket department's active officers and the admins."""
    with container.session() as s:
        try:
            return _assignable(s, ticket_id, department_ids(principal))
        except alerts.TicketNotFound:
            raise NotFound(f"ticket {ticket_id}") from None


def ensure_in_scope(container: WebContext, principal: Principal, ticket_id: int) -> None:
    """``NotFound`` unless the ticket exists within the principal's scope (checked before reading a form)."""
    assignees(container, principal, ticket_id)


def contact_choices() -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(alerts.CONTACT_CHANNELS), tuple(alerts.CONTACT_OUTCOMES)


# -- praise ----------------------------------------------------------------------------
def list_praise(container: WebContext, principal: Principal, limit: int = 100) -> tuple[list[dict[str, Any]], int]:
    """Citizens' thanks to the principal's department (all departments for admins), contacts masked as on tickets."""
    with container.session() as s:
        items, total = praise.list_praise(s, department_ids=department_ids(principal), limit=limit)
    for item in items:
        item["text"] = visible_text(principal, {"department_id": item["department"]}, item["text"])
    return items, total


# -- KPIs ----------------------------------------------------------------------------
def kpis(container: WebContext, principal: Principal, days: int = 30) -> dict[str, Any]:
    """KPIs of the last ``days`` days: the own department, or every department for press/admin."""
    end = container.clock.now()
    start = end - timedelta(days=days)
    scope = scope_of(principal)
    deps = [scope] if scope is not None else container.departments.ids
    with container.session() as s:
        per = {d: ticket_json(alerts.kpis(s, d, start, end)) for d in deps}
    return {"from": start.isoformat(), "to": end.isoformat(), "departments": per}


# -- the citizen's survey (proved by the tracking code) --------------------------------
def survey_for_appeal(session: Any, appeal_row: AppealRow) -> dict[str, Any] | None:
    """Survey state for the tracking page: offered once the appeal's ticket is closed."""
    t = session.scalar(select(TicketRow).where(TicketRow.appeal_id == appeal_row.id))
    if t is None or t.status != "closed":
        return None
    answered = session.scalar(select(SurveyRow).where(SurveyRow.ticket_id == t.id, SurveyRow.used_at.is_not(None))
                              .order_by(SurveyRow.used_at.desc()).limit(1))
    if answered is not None:
        return {"available": False, "answered": True, "score": answered.score}
    return {"available": True, "answered": False, "score": None}


def submit_survey_for_code(container: WebContext, code: str, score: int, comment: str | None) -> None:
    """Answer the CSAT survey of a closed appeal's ticket from the tracking page.

    The tracking code proves the citizen (as the e-mailed token does); the
    answer goes into the ticket's open survey (one is issued if the e-mail
    link was never sent), once, with the same audit event as the link.
    """
    if not 1 <= score <= 5:
        raise SurveyRefused("score must be 1-5")
    now = container.clock.now()
    with container.session() as s:
        appeal = get_by_code(s, code)
        if appeal is None:
            raise NotFound(code)
        t = s.scalar(select(TicketRow).where(TicketRow.appeal_id == appeal.id))
        state = survey_for_appeal(s, appeal)
        if t is None or state is None or not state["available"]:
            raise SurveyRefused("there is no open survey for this appeal")
        row = s.scalar(select(SurveyRow).where(SurveyRow.ticket_id == t.id, SurveyRow.used_at.is_(None),
                                               SurveyRow.expires_at > now).order_by(SurveyRow.id.desc()).limit(1))
        if row is None:
            row, _token = csat.issue_survey(s, t, now, 30, appeal.language or "en")
        row.score, row.comment, row.used_at = score, (comment or "").strip()[:4000] or None, now
        alert_tickets.audit(s, t, "citizen", "csat", now, field="csat", new=score, text=row.comment)
