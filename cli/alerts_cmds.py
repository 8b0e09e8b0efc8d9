"""Alert and ticket subcommands: rules validate, alerts list, tickets list/show, report."""

from __future__ import annotations

import argparse
import csv
import html
import io
import sys
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from healthpulse.alerts import service
from healthpulse.alerts.delivery.outbox import dead_notifications, outbox_counts, requeue_dead
from healthpulse.alerts.rules_file import load_rules
from healthpulse.alerts.scheduling import schedule_delivery
from healthpulse.cli.common import (
    EXIT_OK,
    CliError,
    add_config_args,
    dump_json,
    list_limit,
    load_cli_settings,
    open_container,
    show_record,
)
from healthpulse.core.context import CoreContext
from healthpulse.core.departments import load_departments
from healthpulse.core.resources import bundled_departments_path

PERIODS = {"week": 7, "month": 30}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("rules", help="alert rules files")
    rsub = p.add_subparsers(dest="rules_command", metavar="ACTION")
    rsub.required = True
    v = rsub.add_parser("validate", help="check a rules file (errors name file, line, rule and field)")
    add_config_args(v)
    v.add_argument("file", metavar="FILE")
    v.set_defaults(func=cmd_rules_validate)

    p = sub.add_parser("alerts", help="alerts raised by the rules")
    asub = p.add_subparsers(dest="alerts_command", metavar="ACTION")
    asub.required = True
    a = asub.add_parser("list", help="list alerts, newest first (or --sort priority)")
    add_config_args(a)
    a.add_argument("--department", metavar="ID", help="only this department ('triage' = no department)")
    a.add_argument("--state", choices=["open", "acknowledged", "resolved", "past"])
    a.add_argument("--include-past", action="store_true",
                   help="also past episodes: found in late or backfilled data, recorded but never paged")
    a.add_argument("--sort", choices=["newest", "priority"], default="newest",
                   help="priority: most severe first, then the widest reach (views of its posts)")
    a.add_argument("--limit", type=list_limit, default=100)
    a.add_argument("--format", choices=["json", "table"], default="table")
    a.set_defaults(func=cmd_alerts_list)

    o = asub.add_parser("outbox", help="notification outbox: counts by state and the dead ones")
    add_config_args(o)
    o.add_argument("--requeue-dead", action="store_true", help="retry dead notifications (after fixing the cause)")
    o.set_defaults(func=cmd_alerts_outbox)

    p = sub.add_parser("tickets", help="tickets opened from alerts and citizen appeals")
    tsub = p.add_subparsers(dest="tickets_command", metavar="ACTION")
    tsub.required = True
    t = tsub.add_parser("list", help="list tickets (by deadline)")
    add_config_args(t)
    t.add_argument("--department", metavar="ID", help="only this department ('triage' = no department)")
    t.add_argument("--status", help="a status, or 'open' for all but closed")
    t.add_argument("--severity", choices=["low", "medium", "high", "critical"])
    t.add_argument("--breached", action="store_true", help="only tickets past their SLA")
    t.add_argument("--limit", type=list_limit, default=100)
    t.add_argument("--format", choices=["json", "table"], default="table")
    t.set_defaults(func=cmd_tickets_list)
    s = tsub.add_parser("show", help="one ticket with its documents, contacts and audit log")
    add_config_args(s)
    s.add_argument("id", type=int)
    s.add_argument("--format", choices=["json", "text"], default="text")
    s.set_defaults(func=cmd_tickets_show)

    r = sub.add_parser("report", help="department KPIs for the last week or month")
    add_config_args(r)
    r.add_argument("--department", required=True, metavar="ID", help="department id ('triage' = no department)")
    r.add_argument("--period", choices=sorted(PERIODS), default="week")
    r.add_argument("--end", metavar="YYYY-MM-DD", help="last day of the period (default: today, UTC)")
    r.add_argument("--format", choices=["json", "csv", "html"], default="json")
    r.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    r.set_defaults(func=cmd_report)


def _dep_scope(container: CoreContext, dep: str | None) -> tuple[list[str] | None, bool]:
    """(department_ids, triage) for a --department value."""
    if dep is None:
        return None, False
    if dep == "triage":
        return None, True
    if container.departments.get(dep) is None:
        raise CliError(f"unknown department '{dep}' (known: {', '.join(container.departments.ids) or 'none'})")
    return [dep], False


def _table(rows: list[dict[str, Any]], cols: list[str]) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, datetime):
            return v.strftime("%Y-%m-%d %H:%M")
        if isinstance(v, list):
            return ",".join(map(str, v))
        return "-" if v is None else str(v)

    data = [[cell(r.get(c)) for c in cols] for r in rows]
    widths = [max([len(c)] + [len(d[i]) for d in data]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(d, widths, strict=True)) for d in data]
    return "\n".join(lines)


def cmd_rules_validate(args: argparse.Namespace) -> int:
    settings = load_cli_settings(args)
    deps = load_departments(settings.departments_file or bundled_departments_path())
    rs = load_rules(args.file, deps)
    kinds = ", ".join(f"{r.id} ({r.type})" for r in rs.rules) or "none enabled"
    print(f"{args.file}: OK — {len(rs.config.rules)} rules: {kinds}")
    return EXIT_OK


def _list(args: argparse.Namespace, fetch: Any, cols: list[str]) -> int:
    """Open the store, run ``fetch(session, department_ids, triage)`` → (items, total), print json or a table."""
    c = open_container(args)
    try:
        deps, triage = _dep_scope(c, args.department)
        with c.session() as s:
            items, total = fetch(s, deps, triage)
    finally:
        c.close()
    if args.format == "json":
        print(dump_json(items))
    else:
        print(_table(items, cols))
        print(f"({len(items)} of {total})", file=sys.stderr)
    return EXIT_OK


def cmd_alerts_list(args: argparse.Namespace) -> int:
    return _list(args, lambda s, deps, triage: service.list_alerts(s, deps, args.state, triage=triage, limit=args.limit,
                                                                 include_past=args.include_past, sort=args.sort),
                 ["id", "rule", "department", "topic", "severity", "state", "event_start", "fired_at", "reach",
                  "ticket_id",
                  "document_ids"])


def cmd_alerts_outbox(args: argparse.Namespace) -> int:
    c = open_container(args)
    try:
        with c.session() as s:
            if args.requeue_dead:
                n = requeue_dead(s, c.clock.now())
                if n:
                    schedule_delivery(s, c.jobs, c.clock.now())
                print(f"requeued {n} dead notifications", file=sys.stderr)
            counts = outbox_counts(s)
            dead = [{"id": r.id, "channel": r.channel, "event": r.event, "recipient": r.recipient,
                     "attempts": r.attempts, "last_error": r.last_error} for r in dead_notifications(s)]
    finally:
        c.close()
    print(dump_json({"counts": counts, "dead": dead}))
    return EXIT_OK


def cmd_tickets_list(args: argparse.Namespace) -> int:
    def fetch(s: Any, deps: list[str] | None, triage: bool) -> Any:
        return service.list_tickets(s, department_ids=deps, triage=triage or None, status=args.status,
                                    severity=args.severity, breached=True if args.breached else None, limit=args.limit)

    return _list(args, fetch, ["id", "department", "severity", "status", "origin", "due_at", "breached", "assignee",
                               "document_ids"])


def cmd_tickets_show(args: argparse.Namespace) -> int:
    return show_record(args, lambda s: service.get_ticket(s, args.id), service.TicketNotFound, _render_ticket)


def _render_ticket(t: dict[str, Any]) -> list[str]:
    out = [f"Ticket #{t['id']} [{t['severity']}] {t['status']} — {t['title']}",
           f"  department: {t['department'] or 'triage'}   origin: {t['origin']}   assignee: {t['assignee'] or '-'}",
           f"  created: {t['created_at']:%Y-%m-%d %H:%M}   due: {t['due_at']:%Y-%m-%d %H:%M}"
           + ("   BREACHED" if t["breached"] else ""),
           f"  documents: {', '.join(t['document_ids']) or '-'}"]
    if t["appeal"]:
        out.append(f"  appeal: {t['appeal']['tracking_code']} ({t['appeal']['channel']})")
    if t["closure_blocked"]:
        out.append(f"  closing blocked: {t['closure_blocked']}")
    out.append("  contacts:" if t["contacts"] else "  contacts: none")
    out += [f"    {c['at']:%Y-%m-%d %H:%M} {c['channel']} → {c['outcome']} by {c['actor']}" for c in t["contacts"]]
    out.append("  audit log:")
    for e in t["events"]:
        change = f" {e['field']}: {e['old'] or '-'} → {e['new']}" if e["field"] else ""
        out.append(f"    {e['at']:%Y-%m-%d %H:%M} {e['actor']}: {e['action']}{change}{' — ' + e['text'] if e['text'] else ''}")
    return out


def _flatten(d: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out += _flatten(v, key + ".")
        else:
            out.append((key, v))
    return out


def render_report(k: dict[str, Any], fmt: str, title: str) -> str:
    if fmt == "json":
        return dump_json(k)
    rows = _flatten(k)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["metric", "value"])
        w.writerows([(m, "" if v is None else v) for m, v in rows])
        return buf.getvalue()
    body = "\n".join(f"<tr><th>{html.escape(m)}</th><td>{html.escape('—' if v is None else str(v))}</td></tr>"
                     for m, v in rows)
    return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>th{{text-align:start;padding-right:1em}}</style></head>\n<body><h1>{html.escape(title)}</h1>\n"
            f"<table>\n{body}\n</table></body></html>\n")


def cmd_report(args: argparse.Namespace) -> int:
    if args.end:
        try:
            last = date.fromisoformat(args.end)
        except ValueError:
            raise CliError(f"--end must be YYYY-MM-DD, got {args.end!r}") from None
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=timezone.utc)  # noqa: UP017
    else:
        end = None
    c = open_container(args)
    try:
        deps, triage = _dep_scope(c, args.department)
        dep = None if triage else deps[0] if deps else None
        end = end or datetime.combine(c.clock.now().date() + timedelta(days=1), time(0), tzinfo=timezone.utc)  # noqa: UP017
        start = end - timedelta(days=PERIODS[args.period])
        with c.session() as s:
            k = service.kpis(s, dep, start, end)
    finally:
        c.close()
    text = render_report(k, args.format, f"healthpulse KPIs — {args.department} — {start:%Y-%m-%d} to {end:%Y-%m-%d}")
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK
