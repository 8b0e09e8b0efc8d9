"""Hotline subcommands: ``calls watch DIR`` turns recordings an exchange writes to a folder into hotline appeals."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from healthpulse.cli.common import EXIT_OK, CliError, add_config_args, open_container
from healthpulse.video_intake.drop_folder import scan


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("calls", help="hotline calls")
    csub = p.add_subparsers(dest="calls_command", metavar="ACTION")
    csub.required = True
    w = csub.add_parser("watch", help="take recordings from a folder an exchange writes (FreePBX-style names); "
                                      "refused files go to DIR/rejected/ with a reason file")
    add_config_args(w)
    w.add_argument("folder", metavar="DIR")
    w.add_argument("--once", action="store_true", help="one scan, print a JSON summary, exit")
    w.add_argument("--interval", type=float, default=10.0, help="seconds between scans (default 10)")
    w.add_argument("--settle", type=float, default=5.0,
                   help="leave files younger than this many seconds for the next scan (default 5)")
    w.set_defaults(func=cmd_watch)


def cmd_watch(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if not folder.is_dir():
        raise CliError(f"{folder}: not a folder")
    c = open_container(args)
    try:
        while True:
            report = scan(c, folder, settle_seconds=args.settle)
            if args.once:
                print(json.dumps({"accepted": report.accepted, "rejected": report.rejected,
                                  "waiting": report.waiting}, ensure_ascii=False))
                return EXIT_OK
            time.sleep(max(1.0, args.interval))
    finally:
        c.close()
