"""Crawl state in the database: validators, seen URLs, fingerprints, run stats.

Reads happen from the Scrapy (reactor) thread while deciding what to fetch;
writes happen from the runner's main thread only after the documents were
handed off, so a failed hand-off leaves the URL unseen and it is fetched
again next run (nothing is lost).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from healthpulse.core.db import insert_if_absent
from healthpulse.core.models.crawl import CrawlCursor, CrawlRun, CrawlStoryFingerprint, CrawlUrl
from healthpulse.crawlers.urls import canonicalize_url, url_hash
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

FINGERPRINT_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class Validators:
    etag: str | None
    last_modified: str | None


@dataclass
class ArticleRecord:
    urls: list[str]
    source_id: str
    status: str  # stored | duplicate
    document_id: str | None
    content_hash: str | None = None
    validators: Validators | None = None
    fingerprint: tuple[str, bytes, int] | None = None  # (story_id, minhash bytes, num_perm)


class CrawlStateStore:
    """All crawl-state SQL in one place (one short session per call)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- reads (reactor thread) -------------------------------------------------
    def validators(self, url: str) -> Validators | None:
        with self._session() as s:
            row = s.get(CrawlUrl, url_hash(url))
            if row is None or not (row.etag or row.last_modified):
                return None
            return Validators(row.etag, row.last_modified)

    def is_seen_article(self, url: str) -> bool:
        with self._session() as s:
            row = s.get(CrawlUrl, url_hash(url))
            return row is not None and row.kind == "article"

    def document_with_hash(self, content_hash: str) -> str | None:
        with self._session() as s:
            return s.scalar(
                select(CrawlUrl.document_id)
                .where(CrawlUrl.content_hash == content_hash, CrawlUrl.status == "stored")
                .limit(1)
            )

    def fingerprints(self, since: datetime) -> Iterator[tuple[str, str, bytes]]:
        with self._session() as s:
            rows = s.execute(
                select(CrawlStoryFingerprint.document_id, CrawlStoryFingerprint.story_id, CrawlStoryFingerprint.minhash)
                .where(CrawlStoryFingerprint.created_at >= since)
                .order_by(CrawlStoryFingerprint.created_at)
            )
            for document_id, story_id, data in rows:
                yield str(document_id), str(story_id), bytes(data)

    def cursor(self, source_id: str) -> str | None:
        """The newest post id this source handed off (None before its first run)."""
        with self._session() as s:
            row = s.get(CrawlCursor, source_id)
            return row.cursor if row is not None else None

    def last_finished(self) -> dict[str, datetime]:
        with self._session() as s:
            rows = s.execute(select(CrawlRun.source_id, func.max(CrawlRun.finished_at)).group_by(CrawlRun.source_id))
            return {source_id: finished for source_id, finished in rows}

    # -- writes (main thread) ---------------------------------------------------
    def _upsert_url(self, s: Session, url: str, now: datetime, **values: Any) -> None:
        key = url_hash(url)
        row = s.get(CrawlUrl, key)  # two raw URLs of one batch may share a key
        if row is None and insert_if_absent(s, CrawlUrl, dict(url_hash=key, url=canonicalize_url(url), first_seen_at=now,
                                                               last_fetched_at=now, **values), ["url_hash"]):
            return
        row = row or s.get(CrawlUrl, key, populate_existing=True)  # another crawler recorded it meanwhile
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)
        row.last_fetched_at = now

    def record_listing(self, url: str, source_id: str, validators: Validators, now: datetime) -> None:
        with self._session() as s, s.begin():
            self._upsert_url(
                s, url, now, source_id=source_id, kind="listing", status="listing",
                etag=validators.etag, last_modified=validators.last_modified,
            )

    def record_article(
        self,
        urls: list[str],
        source_id: str,
        *,
        status: str,
        document_id: str | None,
        content_hash: str | None,
        validators: Validators | None,
        now: datetime,
        fingerprint: tuple[str, bytes, int] | None = None,
    ) -> None:
        """Remember every URL under which an article was seen (fetched, redirected-to, canonical)."""
        self.record_articles([ArticleRecord(urls, source_id, status, document_id, content_hash, validators, fingerprint)], now)

    def record_articles(self, records: list[ArticleRecord], now: datetime) -> None:
        """Several articles in one transaction (one commit per hand-off batch, not per page)."""
        with self._session() as s, s.begin():
            for r in records:
                for url in dict.fromkeys(r.urls):
                    self._upsert_url(
                        s, url, now, source_id=r.source_id, kind="article", status=r.status,
                        document_id=r.document_id, content_hash=r.content_hash,
                        etag=r.validators.etag if r.validators else None,
                        last_modified=r.validators.last_modified if r.validators else None,
                    )
                if r.fingerprint is not None and r.document_id is not None:
                    story_id, data, num_perm = r.fingerprint
                    insert_if_absent(s, CrawlStoryFingerprint, dict(
                        document_id=r.document_id, story_id=story_id, source_id=r.source_id, num_perm=num_perm,
                        minhash=data, created_at=now), ["document_id"])

    def record_cursor(self, source_id: str, cursor: str, now: datetime) -> None:
        with self._session() as s, s.begin():
            row = s.get(CrawlCursor, source_id)
            if row is None and insert_if_absent(s, CrawlCursor, dict(source_id=source_id, cursor=cursor, updated_at=now),
                                                ["source_id"]):
                return
            row = row or s.get(CrawlCursor, source_id, populate_existing=True)
            assert row is not None
            row.cursor, row.updated_at = cursor, now

    def record_run(self, run_id: str, source_id: str, started: datetime, finished: datetime, stats: dict[str, Any]) -> None:
        counters = {k: int(stats.get(k, 0)) for k in ("fetched", "new", "duplicates", "not_modified", "errors")}
        details = {k: v for k, v in stats.items() if k not in counters}
        with self._session() as s, s.begin():
            s.add(
                CrawlRun(run_id=run_id, source_id=source_id, started_at=started, finished_at=finished,
                         details=details, **counters)
            )
