"""Incident subcommands: list and show (the contract of issue 20: the same fields as /api/v1/incidents)."""

from __future__ import annotations

import argparse
from typing import Any

from healthpulse.cli.common import (
    EXIT_OK,
    CliError,
    add_config_args,
    dump_json,
    list_limit,
    open_container,
    show_record,
)
from healthpulse.core.models.incidents import IncidentDecisionRow
from healthpulse.incidents import service
from healthpulse.incidents.decisions import tune_threshold
from sqlalchemy import select


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("incidents", help="incidents: the documents of every channel that report one event")
    isub = p.add_subparsers(dest="incidents_command", metavar="ACTION")
    isub.required = True
    li = isub.add_parser("list", help="list incidents (latest first)")
    add_config_args(li)
    li.add_argument("--department", metavar="ID", help="only this department")
    li.add_argument("--limit", type=list_limit, default=100)
    li.add_argument("--format", choices=["json", "table"], default="table")
    li.set_defaults(func=cmd_incidents_list)
    sh = isub.add_parser("show", help="one incident with its timeline and the signals that linked each document")
    add_config_args(sh)
    sh.add_argument("id", type=int)
    sh.add_argument("--format", choices=["json", "text"], default="text")
    sh.set_defaults(func=cmd_incidents_show)
    tu = isub.add_parser("tune", help="re-choose the merge threshold from staff split/merge decisions")
    add_config_args(tu)
    tu.add_argument("--format", choices=["json", "text"], default="text")
    tu.set_defaults(func=cmd_incidents_tune)


def cmd_incidents_list(args: argparse.Namespace) -> int:
    c = open_container(args)
    try:
        deps = None
        if args.department is not None:
            if c.departments.get(args.department) is None:
                raise CliError(f"unknown department '{args.department}' "
                               f"(known: {', '.join(c.departments.ids) or 'none'})")
            deps = [args.department]
        with c.session() as s:
            items = service.list_incidents(s, department_ids=deps, limit=args.limit)
    finally:
        c.close()
    if args.format == "json":
        print(dump_json(items))
        return EXIT_OK
    for i in items:
        cov = i["coverage"]
        print(f"#{i['id']}\t{i['department'] or '-'}\t{i['severity'] or '-'}\t{','.join(i['topics'])}\t"
              f"{len(i['document_ids'])} docs\t{','.join(i['channels'])}\t{','.join(i['languages'])}\t"
              f"{i['first_seen_at']:%Y-%m-%d %H:%M}\tbefore/after {cov['before_per_day']}/{cov['after_per_day']} per day")
    return EXIT_OK


def cmd_incidents_show(args: argparse.Namespace) -> int:
    return show_record(args, lambda s: service.get_incident(s, args.id), service.IncidentNotFound, _render_incident)


def _render_incident(inc: dict[str, Any]) -> list[str]:
    cov = inc["coverage"]
    out = [f"Incident #{inc['id']} [{inc['severity'] or '-'}] {inc['status']} — {inc['title'] or ''}",
           f"  department: {inc['department'] or '-'}   topics: {', '.join(inc['topics']) or '-'}",
           f"  first seen: {inc['first_seen_at']:%Y-%m-%d %H:%M}   last seen: {inc['last_seen_at']:%Y-%m-%d %H:%M}"
           f"   response: {_response_line(inc.get('response'))}",
           f"  coverage per day: before {cov['before_per_day']}, after {cov['after_per_day']}", "  timeline:"]
    for d in inc["documents"]:
        sig = d["signals"]
        why = "opened it" if d["linked_by"] == "opened" else (
            f"score {d['score']:.3f}: cosine {sig.get('cosine')}, department {sig.get('department')}, "
            f"topics {','.join(sig.get('topics') or []) or '-'}, {sig.get('days_apart')} days apart")
        out.append(f"    {d['event_at']:%Y-%m-%d %H:%M}  {d['channel']:<12} {d['language'] or '-':<3} "
                   f"reach {d['reach'] or 0:<7} {d['id']}  ({why})")
    return out


def _response_line(response: dict[str, Any] | None) -> str:
    """When, how and (for a statement) in which report and words the department responded."""
    if not response:
        return "-"
    line = f"{response['at']:%Y-%m-%d %H:%M} ({response['kind'].replace('_', ' ')}"
    if response["document_id"]:
        line += f" in {response['document_id']}: \"{response['statement']}\""
    return line + ")"


def cmd_incidents_tune(args: argparse.Namespace) -> int:
    c = open_container(args)
    try:
        current = c.settings.jobs.incident_merge_threshold
        with c.session() as s:
            rows = [(d.action, d.score) for d in s.scalars(select(IncidentDecisionRow))]
    finally:
        c.close()
    scored = [(a, sc) for a, sc in rows if sc is not None]
    chosen = tune_threshold(scored, current)
    result = {"decisions": len(rows), "scored": len(scored), "current_threshold": current, "threshold": chosen,
              "setting": f"HEALTHPULSE_INCIDENT_MERGE_THRESHOLD={chosen}"}
    if args.format == "json":
        print(dump_json(result))
    else:
        print(f"{len(rows)} staff decisions ({len(scored)} with a score): threshold {current} → {chosen}; "
              f"set {result['setting']} to use it")
    return EXIT_OK
