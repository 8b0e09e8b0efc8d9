"""Crawl schedules as jobs: a tick enqueues one ``crawl.source`` job per due source, and whichever worker
consumes the ``crawl`` queue crawls it.

Why jobs: in distributed mode Celery beat fires the tick (``healthpulse beat``, wiring.celery_jobs) and the
crawls run on the workers like every other job — retried with backoff, dead-lettered with their error,
listed on /admin/jobs. The schedule's truth stays the ``crawl_runs`` table that ``healthpulse crawl``'s own
loop reads (``crawlers.sources.due_sources``), so a restarted beat, a second beat by mistake or a crawl
process next to it never crawl a source more often than its ``schedule`` says:
- one job per source and schedule slot (idempotency key ``crawl:<source>:<now // schedule>``): ticks while
  a crawl is queued or running add nothing, and the next due time always falls in a later slot;
- the job crawls with ``only_due`` under the source's lease (crawlers.coordination), so a source another
  process crawled meanwhile is left alone.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from healthpulse.core.jobs import PermanentJobError, job_handler
from healthpulse.core.settings import Settings
from healthpulse.crawlers.sources import SourceConfig, due_sources, load_sources
from healthpulse.crawlers.state import CrawlStateStore

log = logging.getLogger(__name__)

CRAWL_JOB = "crawl.source"
CRAWL_QUEUE = "crawl"


def crawl_transcriber(settings: Settings) -> Any:
    """YouTube sources with ``transcribe: true``: their media through the appeals' Whisper path."""
    # Deferred: faster-whisper and ffmpeg bindings load only when a source asks for transcripts.
    from healthpulse.video_intake.media_transcript import transcribe_media

    return lambda path, language: transcribe_media(settings, path, language)


def _load(container: Any, sources_file: Path) -> list[SourceConfig]:
    return load_sources(sources_file, set(container.departments.ids)).sources


def enqueue_due_crawls(container: Any, sources_file: Path) -> list[str]:
    """One tick: a ``crawl.source`` job for each source due now that has none for this slot; returns their ids."""
    sources = _load(container, sources_file)
    now = container.clock.now()
    due, _ = due_sources(sources, CrawlStateStore(container.engine).last_finished(), now)
    queued = []
    for src in due:
        key = f"crawl:{src.id}:{int(now.timestamp() // src.schedule_seconds)}"
        if container.jobs.with_key(key) is not None:
            continue  # this slot's crawl is queued, running, done or dead: its schedule is served
        container.jobs.enqueue(CRAWL_JOB, {"source": src.id, "sources_file": str(sources_file)},
                               idempotency_key=key, max_attempts=3)  # a racing tick's insert loses here
        queued.append(src.id)
    if queued:
        log.info("crawl schedule: queued %s", ", ".join(queued))
    return queued


@job_handler(CRAWL_JOB, queue=CRAWL_QUEUE)
def crawl_source(container: Any, payload: dict[str, Any]) -> None:
    """Crawl one source of the sources file the tick read, if it is still due; documents go through ingest."""
    # Deferred: Scrapy and Twisted load only in a process that runs crawl jobs.
    from healthpulse.crawlers.coordination import coordination_for
    from healthpulse.crawlers.runner import CrawlRunner

    path = Path(str(payload.get("sources_file", "")))
    if not path.is_file():
        raise PermanentJobError(f"sources file not found on this worker: {path}")
    source = next((s for s in _load(container, path) if s.id == payload.get("source")), None)
    if source is None:
        raise PermanentJobError(f"{path}: no source with id {payload.get('source')!r} any more")
    settings: Settings = container.settings
    runner = CrawlRunner(container.engine, container.pipeline.ingest_many, now=container.clock.now,
                         crawl_settings=settings.crawl,
                         transcribe=crawl_transcriber(settings) if source.transcribe else None,
                         coordination=coordination_for(settings.broker_url))
    try:
        report = runner.run_once([source], only_due=True)
    finally:
        runner.close()
        runner.coordination.close()
    for stats in report.sources:
        log.info("crawl %s: %s", stats.source_id, stats.as_dict())
