"""``healthpulse crawl``: run the news sources once or on their schedules and ingest new articles."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path
from typing import IO, Any

from healthpulse.cli.common import (
    EXIT_OK,
    CliError,
    CliUnavailable,
    add_config_args,
    load_cli_settings,
    open_container,
)
from healthpulse.core.settings import Settings
from healthpulse.crawlers.sources import load_sources
from tqdm import tqdm


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("crawl", help="crawl news sources (RSS, Atom, sitemaps, HTML listings) and ingest new articles")
    add_config_args(p)
    p.add_argument("--sources", metavar="FILE", help="sources YAML (default: the sources_file setting)")
    p.add_argument("--once", action="store_true", help="run every source once, print per-source stats and exit")
    p.add_argument("--jsonl", metavar="OUT", help="also write one JSON line per new document to OUT ('-' = stdout)")
    p.add_argument("--only", action="append", metavar="ID", help="crawl only this source id (repeatable)")
    p.add_argument("--user-agent", metavar="UA", help="User-Agent header (default: the healthpulse bot string)")
    p.add_argument(
        "--workers", type=int, default=default_workers(), metavar="N",
        help="extraction worker processes (0 = extract in the crawler thread; default: %(default)s)",
    )
    p.set_defaults(func=cmd_crawl)


def default_workers() -> int:
    """Extraction processes: none on ≤ 2 CPUs (the reactor and the hand-off thread use them), else CPUs − 1, at most 4."""
    cpus = os.cpu_count() or 2
    return 0 if cpus <= 2 else min(4, cpus - 1)


class _Progress:
    """A live counter on stderr when it is a terminal (tqdm), silent otherwise."""

    def __init__(self) -> None:
        self.bar = tqdm(desc="crawl", unit="doc", disable=not sys.stderr.isatty(), file=sys.stderr)
        self.seen = 0

    def __call__(self, run_id: str, stats: dict[str, dict[str, int]]) -> None:
        new = sum(s.get("new", 0) for s in stats.values())
        self.bar.update(max(0, new - self.seen))
        self.seen = new
        self.bar.set_postfix(
            duplicates=sum(s.get("duplicates", 0) for s in stats.values()),
            errors=sum(s.get("errors", 0) for s in stats.values()),
        )

    def reset(self) -> None:
        self.seen = 0

    def close(self) -> None:
        self.bar.close()


def format_stats(report: Any) -> str:
    columns = ("fetched", "new", "duplicates", "not_modified", "errors")
    width = max([len("source"), *(len(s.source_id) for s in report.sources)])
    lines = ["source".ljust(width) + "  " + "  ".join(c.rjust(10) for c in columns)]
    for s in report.sources:
        lines.append(s.source_id.ljust(width) + "  " + "  ".join(str(getattr(s, c)).rjust(10) for c in columns))
    lines.append("total".ljust(width) + "  " + "  ".join(str(report.total(c)).rjust(10) for c in columns))
    return "\n".join(lines)


def _transcriber(settings: Settings) -> Any:
    """YouTube sources with ``transcribe: true``: their media through the appeals' Whisper path."""
    # Deferred: faster-whisper and ffmpeg bindings load only when a source asks for transcripts.
    from healthpulse.video_intake.media_transcript import transcribe_media

    return lambda path, language: transcribe_media(settings, path, language)


def _sources_path(args: argparse.Namespace, settings: Settings) -> Path:
    path = Path(args.sources) if args.sources else settings.sources_file
    if path is None:
        raise CliError("no sources file: pass --sources FILE or set HEALTHPULSE_SOURCES_FILE")
    if not Path(path).is_file():
        raise CliError(f"sources file not found: {path}")
    return Path(path)


def cmd_crawl(args: argparse.Namespace, settings: Settings | None = None) -> int:
    # Deferred: Scrapy and Twisted (and their reactor) load only for `healthpulse crawl`.
    from healthpulse.crawlers.runner import CrawlRunner

    settings = settings or load_cli_settings(args)
    path = _sources_path(args, settings)
    container = open_container(args, settings=settings)
    out: IO[str] | None = None
    runner: CrawlRunner | None = None
    progress = _Progress()
    try:
        sources = load_sources(path, set(container.departments.ids)).sources
        if args.only:
            unknown = sorted(set(args.only) - {s.id for s in sources})
            if unknown:
                raise CliError(f"{path}: no source with id {', '.join(unknown)}")
            sources = [s for s in sources if s.id in args.only]
        try:  # fail before crawling, not on every hand-off, when the analyser cannot load
            container.analyzer  # noqa: B018
        except Exception as exc:  # noqa: BLE001
            raise CliUnavailable(f"cannot analyse documents, nothing crawled: {type(exc).__name__}: {exc}") from exc
        if args.jsonl == "-":
            out = sys.stdout
        elif args.jsonl:
            out = open(args.jsonl, "a", encoding="utf-8")  # noqa: SIM115 - closed in finally
        runner = CrawlRunner(
            container.engine,
            container.pipeline.ingest_many,
            now=container.clock.now,
            jsonl=out,
            scrapy_settings={"USER_AGENT": args.user_agent} if args.user_agent else None,
            on_progress=progress,
            extract_workers=max(0, args.workers),
            crawl_settings=settings.crawl,
            transcribe=_transcriber(settings) if any(s.transcribe for s in sources) else None,
        )

        def show(report: Any) -> None:
            progress.reset()
            print(format_stats(report), file=sys.stderr, flush=True)

        if args.once:
            show(runner.run_once(sources))
            return EXIT_OK
        stop = threading.Event()
        try:
            runner.run_forever(sources, stop, on_report=show)
        except KeyboardInterrupt:
            stop.set()
            print("healthpulse: crawl stopped", file=sys.stderr)
        return EXIT_OK
    finally:
        if runner is not None:
            runner.close()
        progress.close()
        if out is not None and out is not sys.stdout:
            out.close()
        container.close()
