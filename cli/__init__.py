"""The ``healthpulse`` command: each area's subcommands live in cli/<area>_cmds.py; errors become exit codes here."""

from __future__ import annotations

import argparse
import logging
import sys

from healthpulse import __version__
from healthpulse.cli import (
    alerts_cmds,
    calls_cmds,
    core_cmds,
    crawl_cmds,
    demo_cmds,
    digest_cmds,
    incidents_cmds,
    jobs_cmds,
    labels_cmds,
    nlp_cmds,
    search_cmds,
    video_cmds,
    web_cmds,
)
from healthpulse.cli.common import EXIT_CODES, EXIT_INTERNAL, setup_logging
from healthpulse.core.errors import HealthpulseError

# Each area's subcommands, in the order `healthpulse --help` lists them.
COMMAND_MODULES = (core_cmds, alerts_cmds, calls_cmds, crawl_cmds, demo_cmds, digest_cmds, incidents_cmds, jobs_cmds, labels_cmds, nlp_cmds, search_cmds, video_cmds, web_cmds)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="healthpulse",
        description="Healthcare media monitoring, citizen appeals, NLP, alerts and tickets for health authorities.",
    )
    parser.add_argument("--version", action="version", version=f"healthpulse {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    parser.add_argument("--log-json", action="store_true", help="log as one JSON object per line")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.verbose, args.log_json)
    try:
        return int(args.func(args) or 0)
    except HealthpulseError as exc:
        prefix = "configuration error:\n" if exc.error_code == "config" else ""
        print(f"healthpulse: {prefix}{exc}", file=sys.stderr)
        return EXIT_CODES[exc.error_code]
    except KeyboardInterrupt:
        print("healthpulse: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - last line of defence: a message, not a traceback
        logging.getLogger("healthpulse").debug("internal error", exc_info=True)
        print(f"healthpulse: internal error: {type(exc).__name__}: {exc} (run with -vv for details)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
