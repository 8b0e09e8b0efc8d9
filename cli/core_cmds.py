"""Core subcommands: analyze, ingest, worker, migrate."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import IO, Any

from healthpulse.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    JsonlLine,
    add_config_args,
    load_cli_settings,
    open_container,
    open_input,
    progress,
    read_jsonl,
    write_json_line,
)
from healthpulse.core.domain import Analysis, Document, utcnow
from healthpulse.ingest.jsonl_input import InputError, document_from_json
from healthpulse.wiring.container import Container
from healthpulse.wiring.press_digest import schedule_digest
from healthpulse.wiring.worker import WorkerStopping, stop_on_signals


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("analyze", help="analyse JSONL texts (id, text[, title, lang, url]) → one JSONL result per line")
    add_config_args(p)
    p.add_argument("input", nargs="?", default="-", metavar="INPUT|-", help="JSONL file, or - for stdin (default)")
    p.add_argument("--batch-size", type=int, default=64)
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("ingest", help="analyse, store, index and run alert rules on JSONL documents")
    add_config_args(p)
    p.add_argument("input", metavar="FILE|-")
    p.add_argument("--batch-size", type=int, default=64)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("worker", help="run background jobs (transcription, notifications, index outbox) until stopped")
    add_config_args(p)
    p.add_argument("--once", action="store_true", help="run the jobs that are due now, then exit")
    p.add_argument("--queues", default="default,transcribe,crawl",
                   help="with HEALTHPULSE_BROKER_URL: the Celery queues this worker consumes, comma-separated "
                        "(default: default,transcribe,crawl; a small machine: default)")
    p.add_argument("--hostname", help="with HEALTHPULSE_BROKER_URL: the Celery worker's name (default: celery@host)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", help="create or upgrade the database schema")
    add_config_args(p, departments=False)
    p.set_defaults(func=cmd_migrate)


def analysis_output(doc_id: str, a: Analysis) -> dict[str, Any]:
    """The `analyze` contract of ARCHITECTURE.md."""
    out: dict[str, Any] = {
        "id": doc_id,
        "language": a.language,
        "health_related": a.health_related,
        "sentiment": a.sentiment.model_dump() if a.sentiment else None,
        "topics": a.topic_ids,
        "department": a.department,
        "incident": a.incident,
        "severity": a.severity,
        "places": a.places,
        # Additions (issue 14): calibrated scores, the evidence behind an incident, low-confidence flag.
        "health_score": a.health_score,
        "incident_score": a.incident_score,
        "evidence": a.evidence.model_dump() if a.evidence else None,
        "needs_review": a.needs_review,
    }
    if a.warnings:
        out["warnings"] = a.warnings
    return out


def _parsed(lines: Iterator[JsonlLine]) -> Iterator[tuple[JsonlLine, Document | None, str | None]]:
    now = utcnow()
    for line in lines:
        if line.error:
            yield line, None, line.error
            continue
        try:
            yield line, document_from_json(line.obj or {}, now=now), None
        except InputError as exc:
            yield line, None, f"line {line.lineno}: {exc}"


def cmd_analyze(args: argparse.Namespace) -> int:
    # analyze touches no database: no migrations, no index.
    container = open_container(args, settings=load_cli_settings(args), index=None, run_migrations=False)
    limit = container.settings.max_text_chars
    stream = open_input(args.input)
    batch: list[tuple[JsonlLine, Document | None, str | None]] = []
    bad = 0

    def flush() -> None:
        docs = [d for _, d, _ in batch if d is not None]
        analyses = iter(container.pipeline.analyse(docs)) if docs else iter(())
        for line, d, err in batch:
            if d is None:
                write_json_line({"id": line.raw_id, "error": err})
                continue
            analysed = next(analyses)
            write_json_line(analysis_output(d.id, analysed.analysis or Analysis()))
        sys.stdout.flush()
        batch.clear()

    for line, doc, err in progress(_parsed(read_jsonl(stream, blank_lines=True)), desc="analyze"):
        if doc is not None and len(doc.text) > limit:
            print(f"healthpulse: line {line.lineno}: text of {len(doc.text)} characters truncated to {limit} for analysis",
                  file=sys.stderr)
        if err:
            bad += 1
            print(f"healthpulse: {err}", file=sys.stderr)
        batch.append((line, doc, err))
        if len(batch) >= args.batch_size:
            flush()
    flush()
    return EXIT_USAGE if bad else EXIT_OK


def ingest_jsonl(container: Container, stream: IO[bytes], batch_size: int = 64) -> dict[str, int]:
    """What ``healthpulse ingest`` does with its input: bad lines reported on stderr, the good ones ingested,
    then the jobs they queued run; returns the summary counts."""
    counts = {"ingested": 0, "created": 0, "updated": 0, "unchanged": 0, "errors": 0}
    docs: list[Document] = []
    for _line, doc, err in _parsed(read_jsonl(stream)):
        if err:
            counts["errors"] += 1
            print(f"healthpulse: {err}", file=sys.stderr)
        elif doc is not None:
            docs.append(doc)
    batches = [docs[i:i + batch_size] for i in range(0, len(docs), batch_size)]
    for results in container.pipeline.ingest_batches(progress(batches, total=len(batches), desc="ingest",
                                                              unit="batch")):
        for r in results:
            counts["ingested"] += 1
            counts["created" if r.created else "updated" if r.changed else "unchanged"] += 1
    container.worker.run_until_idle()
    counts.update({f"index_{k}": v for k, v in container.pipeline.outbox_pending().items()})
    return counts


def cmd_ingest(args: argparse.Namespace) -> int:
    container = open_container(args)
    counts = ingest_jsonl(container, open_input(args.input), args.batch_size)
    write_json_line(counts)
    container.close()
    return EXIT_USAGE if counts["errors"] else EXIT_OK


def cmd_worker(args: argparse.Namespace) -> int:
    container = open_container(args)
    worker = container.worker
    if container.celery is not None and not args.once:
        from healthpulse.wiring.celery_jobs import serve_worker  # distributed mode only: imports celery

        queues = [q.strip() for q in args.queues.split(",") if q.strip()]
        print(f"healthpulse worker: Celery worker on queues {', '.join(queues)} (Ctrl-C to stop)", file=sys.stderr)
        schedule_digest(container, container.clock.now())
        try:
            serve_worker(container, queues, hostname=args.hostname,
                         sweep_seconds=max(1.0, 5 * container.settings.jobs.poll_seconds))
        finally:
            container.close()
        return EXIT_OK
    try:
        with stop_on_signals(worker):  # SIGTERM/Ctrl-C: the running job is released for another worker at once
            if args.once:
                container.pipeline.drain_outbox()
                n = worker.run_until_idle()
                print(f"ran {n} job(s)", file=sys.stderr)
                return EXIT_OK
            print("healthpulse worker: running jobs (Ctrl-C to stop)", file=sys.stderr)
            schedule_digest(container, container.clock.now())  # the daily press digest's first run
            worker.run_forever(container.settings.jobs.poll_seconds)
    except WorkerStopping:
        pass
    print("healthpulse worker: stopped", file=sys.stderr)
    container.close()
    return EXIT_OK


def cmd_migrate(args: argparse.Namespace) -> int:
    container = open_container(args, index=None)
    print(f"database schema up to date: {container.engine.url.render_as_string(hide_password=True)}", file=sys.stderr)
    return EXIT_OK
