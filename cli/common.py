"""Shared CLI plumbing: settings from --config, containers, progress bars, logging, JSONL input."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, ClassVar, TypeVar

from healthpulse.core.errors import ErrorCode, HealthpulseError
from healthpulse.core.settings import Settings, load_settings
from healthpulse.indexes.base import SearchIndex
from healthpulse.wiring.container import Container, build_container
from tqdm import tqdm

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE = 0, 1, 2
# The one translation of error codes into exit statuses: 2 for what the user can fix, 1 for the rest.
EXIT_CODES: dict[ErrorCode, int] = {
    "invalid": EXIT_USAGE, "not_found": EXIT_USAGE, "forbidden": EXIT_USAGE, "conflict": EXIT_USAGE,
    "config": EXIT_USAGE, "unavailable": EXIT_INTERNAL, "internal": EXIT_INTERNAL,
}
T = TypeVar("T")


class CliError(HealthpulseError):
    """An error in how the command was called (a missing file, a bad argument); printed without a traceback."""

    error_code: ClassVar[ErrorCode] = "invalid"


class CliUnavailable(CliError):
    """Something the command needs is down (a search node, the models); exit 1, try again later."""

    error_code = "unavailable"


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": self.formatTime(record), "level": record.levelname, "logger": record.name, "msg": record.getMessage()}
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


MAX_LIST_LIMIT = 10_000


def list_limit(value: str) -> int:
    """``--limit`` of the list commands: 1 to MAX_LIST_LIMIT, so a typo cannot ask the database for
    everything (or for nothing: a limit of 0 or below printed an empty list as if there were no rows)."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= n <= MAX_LIST_LIMIT:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_LIST_LIMIT:,}, got {n}")
    return n


def setup_logging(verbose: int = 0, as_json: bool = False) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_JsonFormatter() if as_json else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def add_config_args(p: argparse.ArgumentParser, departments: bool = True) -> None:
    p.add_argument("--config", metavar="FILE", help="YAML settings file (else HEALTHPULSE_* environment only)")
    if departments:
        p.add_argument("--departments", metavar="FILE", help="departments YAML (default: the bundled one)")


def load_cli_settings(args: argparse.Namespace, **overrides: Any) -> Settings:
    if getattr(args, "departments", None):
        path = Path(args.departments)
        if not path.is_file():
            raise CliError(f"departments file not found: {path}")
        overrides["departments_file"] = path
    return load_settings(getattr(args, "config", None), **overrides)


def open_container(args: argparse.Namespace, **kwargs: Any) -> Container:
    settings = kwargs.pop("settings", None) or load_cli_settings(args)
    container = build_container(settings, **kwargs)
    try:
        container.check_config()  # every config file up front, each mistake with its file, line and key
    except HealthpulseError:
        container.close()
        raise
    return container


def _json_default(o: Any) -> Any:
    if isinstance(o, (datetime, date)):
        return o.isoformat()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def dump_json(obj: Any) -> str:
    """Pretty JSON for `--format json` output (dates as ISO strings, non-Latin text kept readable)."""
    return json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default)


def show_record(args: argparse.Namespace, fetch: Callable[[Any], dict[str, Any]],
                not_found: type[Exception], render: Callable[[dict[str, Any]], list[str]]) -> int:
    """One `… show ID` command: fetch in a session, a missing id as a CLI error, JSON or rendered text lines."""
    c = open_container(args)
    try:
        with c.session() as s:
            try:
                record = fetch(s)
            except not_found as exc:
                raise CliError(str(exc)) from None
    finally:
        c.close()
    print(dump_json(record) if args.format == "json" else "\n".join(render(record)))
    return EXIT_OK


def require_index(container: Container) -> SearchIndex:
    """The container's search index (the CLI always builds one; None only where a caller asked for none)."""
    if container.index is None:
        raise CliError("no search index in this configuration")
    return container.index


def progress(iterable: Iterable[T], total: int | None = None, desc: str = "", unit: str = "doc") -> Iterator[T]:
    """A progress bar on stderr when it is a terminal; silent otherwise."""

    yield from tqdm(iterable, total=total, desc=desc, unit=unit, disable=not sys.stderr.isatty(), file=sys.stderr)


@dataclass
class JsonlLine:
    lineno: int
    obj: dict[str, Any] | None
    error: str | None
    raw_id: str | None = None


def read_jsonl(stream: IO[bytes], *, blank_lines: bool = False) -> Iterator[JsonlLine]:
    """Each line parsed alone: a bad line yields an error naming its number, never stops the run.

    Blank lines are skipped, unless ``blank_lines``: then each is an error line too, so that output
    line N answers input line N (``analyze``).
    """
    for lineno, raw in enumerate(stream, start=1):
        if not raw.strip():
            if blank_lines:
                yield JsonlLine(lineno, None, f"line {lineno}: blank line (expected a JSON object)")
            continue
        try:
            text = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield JsonlLine(lineno, None, f"line {lineno}: invalid UTF-8 at byte {exc.start}")
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield JsonlLine(lineno, None, f"line {lineno}: malformed JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield JsonlLine(lineno, None, f"line {lineno}: expected a JSON object, got {type(obj).__name__}")
            continue
        rid = obj.get("id")
        yield JsonlLine(lineno, obj, None, str(rid) if isinstance(rid, (str, int)) else None)


def open_input(path: str | None) -> IO[bytes]:
    if path in (None, "-"):
        return sys.stdin.buffer
    p = Path(path)
    if not p.is_file():
        raise CliError(f"input file not found: {p}")
    return p.open("rb")


def write_json_line(obj: dict[str, Any], out: IO[str] | None = None) -> None:
    out = out or sys.stdout
    out.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
