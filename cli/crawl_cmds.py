"""``healthpulse crawl``: run the sources once or on their schedules and ingest new documents;
``healthpulse sources check``: fetch each source once and say what it holds."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path
from typing import IO, Any

from healthpulse.cli.common import (
    EXIT_INTERNAL,
    EXIT_OK,
    CliError,
    CliUnavailable,
    add_config_args,
    load_cli_settings,
    open_container,
)
from healthpulse.core.settings import Settings
from healthpulse.crawlers.sources import load_sources
from healthpulse.wiring.crawl_jobs import crawl_transcriber
from tqdm import tqdm


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("crawl", help="crawl the sources file (RSS, Atom, sitemaps, HTML listings, Telegram channels, "
                                     "VK walls, YouTube channels) and ingest new documents",
                       description="With HEALTHPULSE_BROKER_URL=redis://… any number of crawl processes (on any machines) "
                                   "run on one sources file and split it: each source is crawled by one process at a "
                                   "time, an article once, and each host gets one request per download_delay from all "
                                   "of them together.")
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

    b = sub.add_parser("beat", help="with HEALTHPULSE_BROKER_URL: Celery beat for the crawl schedules (the workers "
                                    "consuming the 'crawl' queue crawl each source when due)",
                       description="Every --tick seconds a worker looks at the sources file's schedules and queues a "
                                   "crawl job for each due source; workers started with the 'crawl' queue run them. "
                                   "One beat per deployment is enough; a second one changes nothing.")
    add_config_args(b)
    b.add_argument("--sources", metavar="FILE", help="sources YAML (default: the sources_file setting); the workers "
                                                     "read it at the same path")
    b.add_argument("--tick", type=float, default=30.0, metavar="SECONDS",
                   help="how often the schedules are looked at (default: %(default)s)")
    b.set_defaults(func=cmd_beat)

    sp = sub.add_parser("sources", help="sources files: check that each source answers")
    ssub = sp.add_subparsers(dest="sources_cmd", required=True)
    c = ssub.add_parser("check", help="validate FILE, fetch each source once (nothing stored) and print a table")
    add_config_args(c)
    c.add_argument("file", metavar="FILE", help="sources YAML")
    c.add_argument("--only", action="append", metavar="ID", help="check only this source id (repeatable)")
    c.set_defaults(func=cmd_sources_check)


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
        note = "  (another crawler process has it now)" if s.details.get("source_claimed_elsewhere") else ""
        lines.append(s.source_id.ljust(width) + "  " + "  ".join(str(getattr(s, c)).rjust(10) for c in columns) + note)
    lines.append("total".ljust(width) + "  " + "  ".join(str(report.total(c)).rjust(10) for c in columns))
    return "\n".join(lines)


def _sources_path(args: argparse.Namespace, settings: Settings) -> Path:
    path = Path(args.sources) if args.sources else settings.sources_file
    if path is None:
        raise CliError("no sources file: pass --sources FILE or set HEALTHPULSE_SOURCES_FILE")
    if not Path(path).is_file():
        raise CliError(f"sources file not found: {path}")
    return Path(path)


def cmd_crawl(args: argparse.Namespace, settings: Settings | None = None) -> int:
    # Deferred: Scrapy and Twisted (and their reactor) load only for `healthpulse crawl`.
    from healthpulse.crawlers.coordination import coordination_for
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
            transcribe=crawl_transcriber(settings) if any(s.transcribe for s in sources) else None,
            # several crawler processes of one deployment split the sources through its Redis broker
            coordination=coordination_for(settings.broker_url),
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
            runner.coordination.close()
        progress.close()
        if out is not None and out is not sys.stdout:
            out.close()
        container.close()


def cmd_beat(args: argparse.Namespace, settings: Settings | None = None) -> int:
    settings = settings or load_cli_settings(args)
    if not settings.broker_url:
        raise CliError("healthpulse beat needs HEALTHPULSE_BROKER_URL (distributed mode); without a broker, "
                       "`healthpulse crawl` runs the schedules itself")
    if args.tick < 1:
        raise CliError(f"--tick {args.tick:g}: at least 1 second")
    path = _sources_path(args, settings).resolve()
    container = open_container(args, settings=settings)
    try:
        load_sources(path, set(container.departments.ids))  # a mistake stops beat here, with file, line and key
        # Deferred: celery loads only in distributed mode.
        from healthpulse.wiring.celery_jobs import serve_beat

        print(f"healthpulse beat: crawl schedules of {path} every {args.tick:g}s on the 'crawl' queue "
              "(Ctrl-C to stop)", file=sys.stderr)
        serve_beat(container, path, args.tick)
    finally:
        container.close()
    return EXIT_OK


def check_table(report: Any, kinds: dict[str, str]) -> tuple[str, bool]:
    """``source  kind  status  found  problems``: ok when the fetch answered and nothing was counted as an error."""
    rows, all_ok = [], True
    for s in report.sources:
        problems = [f"{k}={v}" for k, v in sorted(s.details.items())
                    if k not in ("found", "listings", "retry_count") and (k.startswith(("http_", "error_", "vk_"))
                                                                           or k in PROBLEM_KEYS)]
        ok = s.errors == 0 and s.fetched > 0
        all_ok &= ok
        rows.append((s.source_id, kinds[s.source_id], "ok" if ok else "error", str(s.details.get("found", 0)),
                     " ".join(problems) or ("-" if ok else f"errors={s.errors}")))
    header = ("source", "kind", "status", "found", "problems")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4] for r in [header, *rows]]
    return "\n".join(lines), all_ok


PROBLEM_KEYS = ("no_public_preview", "no_posts", "malformed_posts", "not_html", "robots_disallowed",
                "redirect_loop", "ignored", "start_failed")


def cmd_sources_check(args: argparse.Namespace, settings: Settings | None = None) -> int:
    # Deferred: Scrapy and Twisted load only for crawl commands.
    from healthpulse.crawlers.runner import CrawlRunner

    settings = settings or load_cli_settings(args)
    if not Path(args.file).is_file():
        raise CliError(f"sources file not found: {args.file}")
    container = open_container(args, settings=settings)
    try:
        sources = load_sources(args.file, set(container.departments.ids)).sources
        if args.only:
            sources = [s for s in sources if s.id in args.only]
        with CrawlRunner(container.engine, lambda docs: None, now=container.clock.now,
                         crawl_settings=settings.crawl) as runner:
            report = runner.run_once(sources, dry_run=True)
    finally:
        container.close()
    table, ok = check_table(report, {s.id: s.kind for s in sources})
    print(table)
    return EXIT_OK if ok else EXIT_INTERNAL  # a source that does not answer: "a service down" (exit 1)
