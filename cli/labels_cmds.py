"""``healthpulse labels export``: staff corrections as labelled JSONL for ``healthpulse train --extra FILE``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

from healthpulse.cli.common import EXIT_OK, CliError, add_config_args, open_container, write_json_line
from healthpulse.ingest.labels_export import export_labels


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("labels", help="labelled data from staff corrections")
    lsub = p.add_subparsers(dest="labels_command", metavar="ACTION")
    lsub.required = True
    e = lsub.add_parser("export", help="every corrected document as one labelled JSONL line (training-data schema)")
    add_config_args(e)
    e.add_argument("--department", metavar="ID", help="only documents now in this department")
    e.add_argument("--since", metavar="YYYY-MM-DD", help="only documents corrected on or after this day (UTC)")
    e.add_argument("output", nargs="?", default="-", metavar="OUT|-", help="output file (default: stdout)")
    e.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    since = None
    if args.since:
        try:
            since = datetime.combine(date.fromisoformat(args.since), time(0), tzinfo=UTC)
        except ValueError:
            raise CliError(f"--since must be YYYY-MM-DD, got {args.since!r}") from None
    c = open_container(args, analyzer=None)
    try:
        if args.department and c.departments.get(args.department) is None:
            raise CliError(f"unknown department '{args.department}' (known: {', '.join(c.departments.ids) or 'none'})")
        n = 0
        with c.session() as s:
            lines = export_labels(s, department_id=args.department, since=since)
            if args.output == "-":
                for line in lines:
                    write_json_line(line)
                    n += 1
            else:
                out = Path(args.output)
                tmp = out.with_name(out.name + ".part")
                with tmp.open("w", encoding="utf-8") as fh:
                    for line in lines:
                        write_json_line(line, fh)
                        n += 1
                tmp.replace(out)  # a reader never sees half a file
    finally:
        c.close()
    print(f"labels: {n} corrected document(s) exported", file=sys.stderr)
    return EXIT_OK
