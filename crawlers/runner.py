"""Run the source spiders and hand their documents to the core pipeline.

``CrawlRunner.run_once(sources)`` schedules one Scrapy crawler per source on
the process-wide reactor thread (``crawlers.reactor``) and, in the calling
thread, consumes the hand-off queue: batches of new ``Document``s go to the
sink (``container.pipeline.ingest_many`` in production), then — only after
the sink succeeded — the crawl state is written (seen URLs, validators,
fingerprints).  A sink failure leaves those URLs unseen, so the next run
fetches them again: nothing is dropped.  ``run_forever`` repeats due sources
on their schedules; the schedule state is the ``crawl_runs`` table.
"""

from __future__ import annotations

import json
import logging
import queue
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from healthpulse.core.domain import Document, Media
from healthpulse.core.settings import CrawlSettings
from healthpulse.crawlers.context import CONTEXT_SETTING, SOURCE_SETTING, HandoffMessage, RunContext
from healthpulse.crawlers.coordination import Coordination, LocalCoordination
from healthpulse.crawlers.dedup import DEFAULT_THRESHOLD, StoryIndex
from healthpulse.crawlers.extract_pool import ExtractionPool
from healthpulse.crawlers.media_fetch import MediaFetchError, download_media
from healthpulse.crawlers.reactor import call_in_reactor
from healthpulse.crawlers.settings import build_settings
from healthpulse.crawlers.sources import SourceConfig, due_sources
from healthpulse.crawlers.spiders import spider_for
from healthpulse.crawlers.state import FINGERPRINT_WINDOW, ArticleRecord, CrawlStateStore, Validators
from sqlalchemy import Engine

log = logging.getLogger(__name__)

Sink = Callable[[list[Document]], Any]
# A fetched video's media file (and the source's language hint) → its transcript; handed over by the CLI
# (video_intake's Whisper path), run on the main thread, never on the reactor.
Transcribe = Callable[[Path, str | None], Media]
CLAIMED_ELSEWHERE_RECHECK_SECONDS = 15.0
COUNTERS = ("fetched", "new", "duplicates", "not_modified", "errors")


@dataclass
class SourceStats:
    source_id: str
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    not_modified: int = 0
    errors: int = 0
    details: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source_id, **{k: getattr(self, k) for k in COUNTERS}, **self.details}


@dataclass
class RunReport:
    run_id: str
    started_at: datetime
    finished_at: datetime
    sources: list[SourceStats]
    documents: list[Document] = field(default_factory=list)

    def total(self, key: str) -> int:
        return sum(getattr(s, key) for s in self.sources)

    def by_source(self) -> dict[str, SourceStats]:
        return {s.source_id: s for s in self.sources}


def document_json(doc: Document) -> str:
    """The ``--jsonl`` line for a new document."""
    return json.dumps(
        {
            "id": doc.id, "channel": str(doc.channel), "source": doc.source, "url": doc.url,
            "canonical_url": doc.canonical_url, "title": doc.title, "text": doc.text, "author": doc.author,
            "published_at": doc.published_at.isoformat() if doc.published_at else None,
            "language": doc.language_hint, "story_id": doc.story_id,
            "reach": doc.reach.model_dump() if doc.reach else None,
            "transcript": [s.model_dump() for s in doc.media.segments] if doc.media else None,
        },
        ensure_ascii=False,
    )


def _utcnow() -> datetime:
    return datetime.now(UTC)


class CrawlRunner:
    def __init__(
        self,
        engine: Engine,
        sink: Sink,
        *,
        now: Callable[[], datetime] = _utcnow,
        scrapy_settings: dict[str, Any] | None = None,
        jsonl: IO[str] | None = None,
        story_threshold: float = DEFAULT_THRESHOLD,
        batch_size: int = 25,
        on_progress: Callable[[str, dict[str, dict[str, int]]], None] | None = None,
        keep_documents: bool = False,
        extract_workers: int = 0,
        crawl_settings: CrawlSettings | None = None,
        transcribe: Transcribe | None = None,
        coordination: Coordination | None = None,
    ):
        self.state = CrawlStateStore(engine)
        # Other crawler processes on the same sources (crawlers.coordination); none by default.
        self.coordination = coordination or LocalCoordination()
        self.sink = sink
        self.now = now
        self.scrapy_settings = scrapy_settings or {}
        self.jsonl = jsonl
        self.story_threshold = story_threshold
        self.batch_size = batch_size
        self.on_progress = on_progress
        self.keep_documents = keep_documents
        self.extractor = ExtractionPool(extract_workers)
        self.crawl_settings = crawl_settings or CrawlSettings()
        self.transcribe = transcribe

    def close(self) -> None:
        """Stop the extraction workers (if any)."""
        self.extractor.close()

    def __enter__(self) -> CrawlRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one run -------------------------------------------------------------------
    def _story_index(self) -> StoryIndex:
        index = StoryIndex(threshold=self.story_threshold)
        index.load(self.state.fingerprints(self.now() - FINGERPRINT_WINDOW))
        return index

    def _start(self, ctx: RunContext, sources: Sequence[SourceConfig]) -> None:
        """Runs on the reactor thread."""
        # Deferred: scrapy.crawler imports the reactor; only the reactor thread may do that (crawlers/reactor.py).
        from scrapy.crawler import CrawlerRunner as ScrapyRunner

        try:
            runner = ScrapyRunner(build_settings(self.scrapy_settings))
            crawlers = []
            for src in sources:
                base = spider_for(src.kind)
                custom = {**src.scrapy_overrides(), CONTEXT_SETTING: ctx, SOURCE_SETTING: src.id}
                spider_cls = type(base.__name__, (base,), {"name": src.id, "custom_settings": custom})
                crawler = runner.create_crawler(spider_cls)
                crawlers.append((src.id, crawler))
                runner.crawl(crawler)
        except Exception as exc:  # bad settings etc.: end the run with the error instead of hanging
            log.exception("crawl run %s failed to start", ctx.run_id)
            ctx.send("finished", payload={"error": str(exc), "scrapy": {}})
            return

        def finished(result: Any) -> None:
            scrapy_stats = {source_id: dict(crawler.stats.get_stats()) for source_id, crawler in crawlers}
            ctx.send("finished", payload={"error": None, "scrapy": scrapy_stats})

        runner.join().addBoth(finished)

    def run_once(self, sources: Sequence[SourceConfig], *, dry_run: bool = False, only_due: bool = False) -> RunReport:
        """Crawl each source once; ``dry_run``: one fetch per source, counting what it holds (``found``),
        nothing handed off and no crawl state written. ``only_due`` (the schedule's runs): a source that
        another process finished between our look at the schedule and our lease is left out, unreported."""
        sources = [s for s in sources if s.enabled]
        elsewhere: list[SourceStats] = []
        if not dry_run:  # a source another crawler process is crawling now is theirs this time
            claimed = [s for s in sources if self.coordination.claim_source(s.id)]
            elsewhere = [SourceStats(s.id, details={"source_claimed_elsewhere": 1}) for s in sources if s not in claimed]
            sources = self._still_due(claimed) if only_due else claimed
        try:
            report = self._run(sources, dry_run)
        finally:
            for s in sources if not dry_run else ():
                self.coordination.release_source(s.id)
        report.sources.extend(elsewhere)
        return report

    def _still_due(self, claimed: list[SourceConfig]) -> list[SourceConfig]:
        """Of sources whose lease we now hold, those still due; the others' leases go back at once."""
        due, _ = self.due_sources(claimed)
        for s in claimed:
            if s not in due:
                self.coordination.release_source(s.id)
        return due

    def _run(self, sources: Sequence[SourceConfig], dry_run: bool) -> RunReport:
        started = self.now()
        ctx = RunContext(
            uuid.uuid4().hex, self.state, StoryIndex() if dry_run else self._story_index(), self.now,
            {s.id: s for s in sources}, self.extractor, self.crawl_settings, dry_run,
            coordination=self.coordination,
        )
        report = RunReport(ctx.run_id, started, started, [])
        if not sources:
            return report
        call_in_reactor(self._start, ctx, sources)
        pending: list[HandoffMessage] = []
        listings: list[tuple[str, str, Validators]] = []
        cursors: dict[str, str] = {}
        failed_sources: set[str] = set()
        while True:
            try:
                msg = ctx.outbox.get(timeout=0.25)
            except queue.Empty:
                msg = None
            if msg is None:  # quiet moment: hand off what is waiting
                self._flush(ctx, pending, failed_sources, report)
                continue
            if msg.kind == "document":
                pending.append(msg)
                if len(pending) >= self.batch_size:
                    self._flush(ctx, pending, failed_sources, report)
            elif msg.kind == "duplicate":
                self.state.record_article(
                    msg.payload["urls"], msg.source_id, status="duplicate", document_id=msg.payload["document_id"],
                    content_hash=None, validators=None, now=self.now(),
                )
            elif msg.kind == "listing":
                url, validators = msg.payload
                listings.append((msg.source_id, url, validators))
            elif msg.kind == "cursor":
                cursors[msg.source_id] = msg.payload
            elif msg.kind == "finished":
                self._flush(ctx, pending, failed_sources, report)
                result = msg.payload
                break
        if dry_run:
            listings, cursors = [], {}
        # A listing whose articles were partly left to another process's claim is read in full next time
        # (no validators kept): if that process never stores them, this one still will.
        left_to_others = {sid for sid, counts in ctx.snapshot().items() if counts.get("claimed_elsewhere")}
        for source_id, url, validators in listings:
            if source_id in left_to_others:
                continue
            if source_id not in failed_sources and (validators.etag or validators.last_modified):
                self.state.record_listing(url, source_id, validators, self.now())
        for source_id, cursor in cursors.items():  # the newest post handed off; not after a failed hand-off
            if source_id not in failed_sources:
                self.state.record_cursor(source_id, cursor, self.now())
        report.finished_at = self.now()
        report.sources = [self._source_stats(ctx, s.id, result["scrapy"].get(s.id, {})) for s in sources]
        if result["error"]:
            for stats in report.sources:
                stats.errors += 1
                stats.details["start_failed"] = 1
        for stats in report.sources:
            if dry_run:
                continue
            self.state.record_run(ctx.run_id, stats.source_id, started, report.finished_at, stats.as_dict())
            log.info("crawl run=%s %s", ctx.run_id, " ".join(f"{k}={v}" for k, v in stats.as_dict().items()))
        return report

    def _flush(self, ctx: RunContext, pending: list[HandoffMessage], failed: set[str], report: RunReport) -> None:
        if not pending:
            return
        batch = list(pending)
        pending.clear()
        for m in batch:
            if m.payload.get("media_page") is not None and m.payload.get("media_file") is None:
                m.payload["media_file"] = self._fetch_media(ctx, m.source_id, m.payload.pop("media_page"))
            if m.payload.get("media_file") is not None:
                m.payload["document"] = self._with_transcript(ctx, m.source_id, m.payload["document"],
                                                              m.payload.pop("media_file"))
        docs = [m.payload["document"] for m in batch]
        try:
            self.sink(docs)
        except Exception as exc:  # noqa: BLE001 - any sink failure: keep the documents for the next run
            log.error(
                "hand-off of %d documents failed (%s: %s); they stay unseen and are fetched again next run",
                len(docs), type(exc).__name__, exc, exc_info=log.isEnabledFor(logging.DEBUG),
            )
            for m in batch:
                ctx.count(m.source_id, "errors")
                ctx.count(m.source_id, "handoff_failed")
                failed.add(m.source_id)
            return
        records = []
        for m in batch:
            p = m.payload
            doc = p["document"]
            records.append(ArticleRecord(
                p["urls"], m.source_id, "stored", doc.id, p["content_hash"], p["validators"],
                (doc.story_id or doc.id, p["minhash"], p["num_perm"]),
            ))
        self.state.record_articles(records, self.now())
        for m in batch:
            stored: Document = m.payload["document"]
            ctx.count(m.source_id, "new")
            if self.jsonl is not None:
                self.jsonl.write(document_json(stored) + "\n")
            if self.keep_documents:
                report.documents.append(stored)
        if self.jsonl is not None:
            self.jsonl.flush()
        if self.on_progress is not None:
            self.on_progress(ctx.run_id, ctx.snapshot())

    def _fetch_media(self, ctx: RunContext, source_id: str, page_url: str) -> Path | None:
        """A watch page's media through yt-dlp, into a temporary file (None, counted, when that fails)."""
        if self.transcribe is None:
            ctx.count(source_id, "transcribe_unavailable")
            return None
        folder = Path(tempfile.mkdtemp(prefix="hp-media-"))
        try:
            path = download_media(page_url, folder)
        except MediaFetchError as exc:
            log.warning("source=%s url=%s media not fetched: %s", source_id, page_url, exc)
            ctx.count(source_id, "transcribe_no_media")
            shutil.rmtree(folder, ignore_errors=True)
            return None
        final = Path(tempfile.mkstemp(prefix="hp-youtube-", suffix=path.suffix)[1])
        shutil.move(path, final)
        shutil.rmtree(folder, ignore_errors=True)
        return final

    def _with_transcript(self, ctx: RunContext, source_id: str, doc: Document, media_file: Path) -> Document:
        """The video's document with its transcript (text + timed segments); without one when that fails."""
        try:
            if self.transcribe is None:
                ctx.count(source_id, "transcribe_unavailable")
                return doc
            media = self.transcribe(media_file, doc.language_hint)
        except Exception as exc:  # noqa: BLE001 - a bad media file must not stop the run; the video still counts
            log.warning("source=%s url=%s transcription failed: %s: %s", source_id, doc.url, type(exc).__name__, exc)
            ctx.count(source_id, "transcribe_failed")
            ctx.count(source_id, "errors")
            return doc
        finally:
            media_file.unlink(missing_ok=True)
        ctx.count(source_id, "transcribed")
        spoken = " ".join(s.text for s in media.segments).strip()
        return doc.model_copy(update={"media": media, "text": f"{doc.text}\n\n{spoken}" if spoken else doc.text})

    @staticmethod
    def _source_stats(ctx: RunContext, source_id: str, scrapy_stats: dict[str, Any]) -> SourceStats:
        counted = dict(ctx.snapshot().get(source_id, {}))
        spider_exceptions = sum(v for k, v in scrapy_stats.items() if k.startswith("spider_exceptions/"))
        stats = SourceStats(
            source_id=source_id,
            fetched=int(scrapy_stats.get("downloader/response_count", 0)),
            new=counted.pop("new", 0),
            duplicates=counted.pop("duplicates", 0),
            not_modified=counted.pop("not_modified", 0),
            errors=counted.pop("errors", 0) + spider_exceptions,
        )
        stats.details = {k: int(v) for k, v in sorted(counted.items())}
        for key in ("retry/count", "downloader/exception_count"):
            if key in scrapy_stats:
                stats.details[key.replace("/", "_")] = int(scrapy_stats[key])
        return stats

    # -- schedules -------------------------------------------------------------------
    def due_sources(self, sources: Sequence[SourceConfig]) -> tuple[list[SourceConfig], float]:
        """Sources due now and the seconds until the next one is due."""
        return due_sources(sources, self.state.last_finished(), self.now())

    def run_forever(
        self,
        sources: Sequence[SourceConfig],
        stop: threading.Event,
        on_report: Callable[[RunReport], None] | None = None,
    ) -> None:
        while not stop.is_set():
            due, wait = self.due_sources(sources)
            if due:
                report = self.run_once(due, only_due=True)
                crawled = [s for s in report.sources if not s.details.get("source_claimed_elsewhere")]
                if crawled and on_report is not None:
                    on_report(report)
                if crawled or not report.sources:  # crawled, or just done by others: the schedule says what next
                    continue
                # every due source is another process's run right now: look again once theirs may be over
                wait = CLAIMED_ELSEWHERE_RECHECK_SECONDS
            stop.wait(min(wait, 60.0))
