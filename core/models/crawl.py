"""Crawl state tables: what was fetched, with which validators, and story fingerprints.

Kept in the main database so the crawler's memory survives restarts:
- ``crawl_urls``: one row per canonical URL the crawler has handled (feeds,
  sitemaps, listings and articles) with the ETag / Last-Modified validators for
  conditional GET and, for articles, the stored document and its content hash.
- ``crawl_story_fingerprints``: a MinHash signature per stored article, so
  near-duplicate grouping into ``story_id`` works across runs and sources.
- ``crawl_runs``: one row per source per run with the run's counters.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.core.models.base import Base
from sqlalchemy import Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class CrawlUrl(Base):
    __tablename__ = "crawl_urls"

    url_hash: Mapped[str] = mapped_column(String(40), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    source_id: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "listing" (feed/sitemap/page) or "article"
    status: Mapped[str] = mapped_column(String(16))  # stored | duplicate | listing
    document_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    content_hash: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    etag: Mapped[str | None] = mapped_column(String(255), nullable=True)
    last_modified: Mapped[str | None] = mapped_column(String(64), nullable=True)
    first_seen_at: Mapped[datetime]
    last_fetched_at: Mapped[datetime]


class CrawlStoryFingerprint(Base):
    __tablename__ = "crawl_story_fingerprints"

    document_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    story_id: Mapped[str] = mapped_column(String(128), index=True)
    source_id: Mapped[str] = mapped_column(String(100))
    num_perm: Mapped[int] = mapped_column(Integer)
    minhash: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(index=True)


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(32), index=True)
    source_id: Mapped[str] = mapped_column(String(100), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CrawlCursor(Base):
    """The newest post id a social source has handed off (Telegram, VK): later runs read only newer posts."""

    __tablename__ = "crawl_cursors"

    source_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]
