"""Crawl state on PostgreSQL (the scale-out store): incremental re-crawl and cross-run story grouping."""

from __future__ import annotations

import pytest
from healthpulse.core.clock import FakeClock
from healthpulse.core.models.crawl import CrawlStoryFingerprint, CrawlUrl
from healthpulse.crawlers.sources import SourceConfig
from sqlalchemy import func, select

from tests.support.containers import postgres_container

from .conftest import make_runner

pytestmark = pytest.mark.integration


@pytest.fixture
def pg_container(tmp_path):
    """A container on a throw-away PostgreSQL database, dropped afterwards."""
    with postgres_container(tmp_path, FakeClock(), "crawl", analyzer=None) as container:
        yield container


def test_incremental_crawl_on_postgresql(pg_container, site, site_module):
    items = [("/news/en-waiting.html", "a", "Mon, 12 Feb 2024 08:30:00 GMT"), ("/news/vi-hcmc.html", "b", "x")]
    site.pages["/feeds/pg.xml"] = (site_module.rss(site.base, items).encode(), "application/rss+xml")
    source = SourceConfig(id="pg", kind="rss", url=site.base + "/feeds/pg.xml")
    first = make_runner(pg_container).run_once([source])
    assert first.total("new") == 2

    items.append(("/partner/en-waiting-syndicated.html", "c", "x"))
    site.pages["/feeds/pg.xml"] = (site_module.rss(site.base, items).encode(), "application/rss+xml")
    site.clear_log()
    second = make_runner(pg_container).run_once([source])
    (copy,) = second.documents
    original = next(d for d in first.documents if d.canonical_url.endswith("/news/en-waiting.html"))
    assert copy.story_id == original.story_id
    assert [r["path"] for r in site.requests("/news/") + site.requests("/partner/")] == ["/partner/en-waiting-syndicated.html"]

    site.clear_log()
    third = make_runner(pg_container).run_once([source])
    assert third.total("new") == 0 and third.total("not_modified") == 1
    assert site.requests("/feeds/pg.xml")[0]["status"] == 304
    with pg_container.session() as s:
        assert s.scalar(select(func.count()).select_from(CrawlStoryFingerprint)) == 3
        assert s.scalar(select(func.count()).select_from(CrawlUrl).where(CrawlUrl.kind == "article")) == 3
    assert pg_container.pipeline.count_documents() == 3
