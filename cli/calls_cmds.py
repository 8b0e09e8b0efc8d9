"""Hotline subcommands: ``calls watch DIR`` turns recordings an exchange writes to a folder into hotline appeals;
``calls block`` / ``unblock`` / ``blocked`` keep the list of numbers whose calls the PBX is told to refuse."""

from __future__ import annotations

import argparse
import getpass
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from healthpulse.appeals.calls.blocklist import block, blocked_callers, unblock
from healthpulse.cli.common import EXIT_OK, CliError, add_config_args, open_container
from healthpulse.core.contacts import InvalidContact
from healthpulse.video_intake.drop_folder import scan
from healthpulse.video_intake.recording import RecordingRejected, recording_language


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
    w.add_argument("--language", metavar="CODE",
                   help="the language of the calls this folder receives (a PBX writing one folder per language "
                        "line): Whisper transcribes in it instead of detecting")
    w.set_defaults(func=cmd_watch)
    b = csub.add_parser("block", help="refuse calls from NUMBER (the PBX is answered 'busy'; audit-logged)")
    add_config_args(b)
    b.add_argument("number", metavar="NUMBER")
    b.add_argument("--reason", help="why, for the audit log (e.g. 'automated calls')")
    b.set_defaults(func=cmd_block)
    u = csub.add_parser("unblock", help="accept calls from NUMBER again (audit-logged)")
    add_config_args(u)
    u.add_argument("number", metavar="NUMBER")
    u.set_defaults(func=cmd_unblock)
    ls = csub.add_parser("blocked", help="list the blocked numbers as JSON")
    add_config_args(ls)
    ls.set_defaults(func=cmd_blocked)


def _actor() -> str:
    """Who ran the command, for the audit log: the operating-system account, marked as the command line."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def cmd_block(args: argparse.Namespace) -> int:
    return _change_block(args, lambda s, c: block(s, args.number, actor=_actor(), at=c.clock.now(), reason=args.reason),
                         done=f"blocked {args.number}", unchanged=f"{args.number} was already blocked")


def cmd_unblock(args: argparse.Namespace) -> int:
    return _change_block(args, lambda s, c: unblock(s, args.number, actor=_actor(), at=c.clock.now()),
                         done=f"unblocked {args.number}", unchanged=f"{args.number} was not blocked")


def _change_block(args: argparse.Namespace, change: Callable[[Any, Any], bool], *, done: str, unchanged: str) -> int:
    """Block or unblock one number in a session; a malformed number is a CLI error naming the argument."""
    c = open_container(args)
    try:
        with c.session() as s:
            changed = change(s, c)
    except InvalidContact as err:
        raise CliError(f"NUMBER: {err}") from None
    finally:
        c.close()
    print(done if changed else unchanged)
    return EXIT_OK


def cmd_blocked(args: argparse.Namespace) -> int:
    c = open_container(args)
    try:
        with c.session() as s:
            print(json.dumps(blocked_callers(s), ensure_ascii=False))
    finally:
        c.close()
    return EXIT_OK


def cmd_watch(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if not folder.is_dir():
        raise CliError(f"{folder}: not a folder")
    c = open_container(args)
    try:
        try:
            language = recording_language(args.language, c.settings.languages)
        except RecordingRejected as err:
            raise CliError(f"--language: {err.reason}") from None
        while True:
            report = scan(c, folder, settle_seconds=args.settle, language=language)
            if args.once:
                print(json.dumps({"accepted": report.accepted, "rejected": report.rejected,
                                  "waiting": report.waiting}, ensure_ascii=False))
                return EXIT_OK
            time.sleep(max(1.0, args.interval))
    finally:
        c.close()
