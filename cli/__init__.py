"""The ``healthpulse`` command. Each area registers its subcommands from core/cli/<area>_cmds.py."""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

from healthpulse import __version__
from healthpulse.cli.common import EXIT_INTERNAL, EXIT_USAGE, CliError, setup_logging
from healthpulse.core.config_files import ConfigError


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
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: (m.name != "core_cmds", m.name)):
        if mod.name.endswith("_cmds"):
            importlib.import_module(f"{__name__}.{mod.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.verbose, args.log_json)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"healthpulse: configuration error:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    except CliError as exc:
        print(f"healthpulse: {exc}", file=sys.stderr)
        return exc.code
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
