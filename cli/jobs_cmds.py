"""``healthpulse jobs list|retry``: the background jobs and their dead letters, for the operator on call.

A job that failed its last attempt is ``dead`` with its error (in embedded and in distributed mode
alike: the job table is the truth); once the cause is fixed, ``retry`` queues it again at once.
"""

from __future__ import annotations

import argparse
import sys

from healthpulse.cli.common import EXIT_OK, EXIT_USAGE, add_config_args, dump_json, list_limit, open_container

STATES = ("queued", "running", "done", "dead")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("jobs", help="background jobs: counts, dead letters with their errors, retry")
    jsub = p.add_subparsers(dest="jobs_command", metavar="ACTION")
    jsub.required = True
    s = jsub.add_parser("list", help="jobs newest first (default: the dead ones) and the counts per state")
    add_config_args(s, departments=False)
    s.add_argument("--state", choices=STATES, default="dead")
    s.add_argument("--kind", help="only jobs of this kind (e.g. video.transcribe)")
    s.add_argument("--limit", type=list_limit, default=50)
    s.add_argument("--format", choices=("text", "json"), default="text")
    s.set_defaults(func=cmd_jobs_list)
    s = jsub.add_parser("retry", help="queue dead jobs again (these ids, or every dead job of --kind, or --all)")
    add_config_args(s, departments=False)
    s.add_argument("ids", nargs="*", type=int, metavar="ID")
    s.add_argument("--kind")
    s.add_argument("--all", action="store_true", help="every dead job")
    s.set_defaults(func=cmd_jobs_retry)


def cmd_jobs_list(args: argparse.Namespace) -> int:
    container = open_container(args, index=None)
    try:
        jobs = container.jobs.list_jobs(args.state, args.kind, args.limit)
        counts = container.jobs.counts()
    finally:
        container.close()
    rows = [{"id": j.id, "kind": j.kind, "state": j.state, "attempts": j.attempts, "max_attempts": j.max_attempts,
             "updated_at": j.updated_at.isoformat(), "error": j.last_error} for j in jobs]
    if args.format == "json":
        print(dump_json({"counts": counts, "jobs": rows}))
        return EXIT_OK
    print("jobs: " + ", ".join(f"{state} {counts.get(state, 0)}" for state in STATES))
    for job in jobs:
        error = (job.last_error or "").strip().splitlines()
        print(f"#{job.id} {job.kind} {job.state} attempts {job.attempts}/{job.max_attempts} "
              f"{job.updated_at.isoformat()}" + (f"\n    {error[0]}" if error else ""))
    return EXIT_OK


def cmd_jobs_retry(args: argparse.Namespace) -> int:
    if not (args.ids or args.kind or args.all):
        print("healthpulse jobs retry: name job ids, --kind KIND or --all", file=sys.stderr)
        return EXIT_USAGE
    container = open_container(args, index=None)
    try:
        n = container.jobs.requeue_dead(args.kind, args.ids or None)
    finally:
        container.close()
    print(f"{n} dead job(s) queued again", file=sys.stderr)
    return EXIT_OK
