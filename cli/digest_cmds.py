"""``healthpulse digest send [--dry-run]``: the daily digest of top incidents by hand (the worker sends it daily)."""

from __future__ import annotations

import argparse
import json

from healthpulse.cli.common import EXIT_OK, add_config_args, open_container
from healthpulse.wiring.press_digest import build_digests, queue_digests


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("digest", help="the daily e-mail of the top incidents (departments and press office)")
    dsub = p.add_subparsers(dest="digest_command", metavar="ACTION")
    dsub.required = True
    s = dsub.add_parser("send", help="queue today's digests in the mail outbox (once per recipient and day)")
    add_config_args(s)
    s.add_argument("--dry-run", action="store_true", help="print the digests as JSON; queue and send nothing")
    s.set_defaults(func=cmd_digest_send)


def cmd_digest_send(args: argparse.Namespace) -> int:
    container = open_container(args)
    try:
        now = container.clock.now()
        if args.dry_run:
            mails = build_digests(container, now)
        else:
            mails = queue_digests(container, now)
            container.worker.run_until_idle(kinds=["alerts.deliver"])
        print(json.dumps([{"recipient": m.recipient, "language": m.language, "department": m.department,
                           "subject": m.subject, "incidents": len(m.incidents), "text": m.text} for m in mails],
                         ensure_ascii=False, indent=2))
    finally:
        container.close()
    return EXIT_OK
