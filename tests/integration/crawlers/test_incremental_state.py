"""Crawl state across runs and restarts: nothing lost on a failed hand-off, stories grouped across runs, schedules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from healthpulse.core.models.crawl import CrawlUrl
from healthpulse.crawlers.sources import SourceConfig
from sqlalchemy import func, select

from .conftest import make_runner

pytestmark = pytest.mark.integration


def _feed_source(site, path="/feeds/small.xml", **kw):
    return SourceConfig(id="small", kind="rss", url=site.base + path, **kw)


def _set_feed(site, site_module, paths):
    items = [(p, f"item {p}", "Mon, 12 Feb 2024 08:30:00 GMT") for p in paths]
    site.pages["/feeds/small.xml"] = (site_module.rss(site.base, items).encode(), "application/rss+xml")


def test_failed_handoff_loses_nothing(container, site, site_module):
    _set_feed(site, site_module, ["/news/vi-hcmc.html", "/news/ar-cairo.html"])

    def broken_sink(docs):
        raise RuntimeError("database is down")

    report = make_runner(container, sink=broken_sink).run_once([_feed_source(site)])
    stats = report.by_source()["small"]
    assert stats.new == 0 and stats.errors == 2 and stats.details["handoff_failed"] == 2
    with container.session() as s:  # nothing marked as seen, no validators kept for the feed
        assert s.scalar(select(func.count()).select_from(CrawlUrl)) == 0
    site.clear_log()

    report = make_runner(container).run_once([_feed_source(site)])
    assert report.by_source()["small"].new == 2
    assert container.pipeline.count_documents() == 2
    fetched = [r["path"] for r in site.requests() if r["path"].startswith("/news/")]
    assert sorted(fetched) == ["/news/ar-cairo.html", "/news/vi-hcmc.html"]
    assert all(r["if_none_match"] is None for r in site.requests("/feeds/"))  # full fetch, not conditional


def test_restart_keeps_seen_urls_and_groups_new_copies_into_old_stories(container, site, site_module):
    _set_feed(site, site_module, ["/news/en-waiting.html", "/news/vi-hcmc.html"])
    first = make_runner(container).run_once([_feed_source(site)])
    original = next(d for d in first.documents if d.canonical_url.endswith("/news/en-waiting.html"))

    # the feed changes: one new syndicated copy of a known story appears
    _set_feed(site, site_module, ["/news/en-waiting.html", "/news/vi-hcmc.html", "/partner/en-waiting-syndicated.html"])
    site.clear_log()
    container.clock.advance(hours=1)
    restarted = make_runner(container)  # a new runner: state comes only from the database
    second = restarted.run_once([_feed_source(site)])

    articles = [r["path"] for r in site.requests() if not r["path"].startswith(("/feeds/", "/robots"))]
    assert articles == ["/partner/en-waiting-syndicated.html"]  # known articles are not fetched again
    feed_request = site.requests("/feeds/small.xml")[0]
    assert feed_request["if_none_match"] and feed_request["status"] == 200  # changed feed: full answer
    assert second.by_source()["small"].details["skipped_seen"] == 2
    (copy,) = second.documents
    assert copy.story_id == original.story_id  # grouped with a story from an earlier run


def test_known_article_rechecked_conditionally_when_asked(container, site, site_module):
    _set_feed(site, site_module, ["/news/fa-tehran.html"])
    make_runner(container).run_once([_feed_source(site)])
    _set_feed(site, site_module, ["/news/fa-tehran.html", "/news/missing.html"])  # feed changed
    site.clear_log()
    report = make_runner(container).run_once([_feed_source(site, refetch_seen=True)])
    (article,) = site.requests("/news/fa-tehran.html")
    assert article["if_none_match"] and article["status"] == 304
    assert report.by_source()["small"].not_modified == 1 and report.total("new") == 0


def test_schedules_come_from_recorded_runs(container, site, site_module):
    _set_feed(site, site_module, ["/news/vi-hcmc.html"])
    fast = _feed_source(site, schedule="10m")
    slow = SourceConfig(id="slow-one", kind="rss", url=site.base + "/feeds/small.xml", schedule="1h")
    runner = make_runner(container)
    due, _ = runner.due_sources([fast, slow])
    assert [s.id for s in due] == ["small", "slow-one"]  # never run: due now
    runner.run_once([fast, slow])
    due, wait = make_runner(container).due_sources([fast, slow])
    assert due == [] and wait == pytest.approx(600)
    container.clock.advance(timedelta(minutes=10))
    due, wait = make_runner(container).due_sources([fast, slow])
    assert [s.id for s in due] == ["small"] and wait == pytest.approx(3000)


def test_batched_handoff_keeps_every_document(container, site, site_module, tmp_path):
    """A slow sink lets documents pile up; each batch must hand off (and log) every one of them."""
    import json
    import time

    _set_feed(site, site_module, ["/news/vi-hcmc.html", "/news/ar-cairo.html", "/news/fa-tehran.html",
                                  "/news/en-waiting.html", "/news/en-pharmacy.html"])
    batches = []

    def slow_sink(docs):
        batches.append([d.id for d in docs])
        container.pipeline.ingest_many(docs)
        time.sleep(0.5 if len(batches) == 1 else 0)

    out = (tmp_path / "new.jsonl").open("w", encoding="utf-8")
    report = make_runner(container, sink=slow_sink, jsonl=out).run_once([_feed_source(site)])
    out.close()
    lines = [json.loads(line) for line in (tmp_path / "new.jsonl").read_text(encoding="utf-8").splitlines()]
    ids = [d.id for d in report.documents]
    assert len(ids) == len(set(ids)) == 5
    assert max(len(b) for b in batches) > 1  # documents really were batched
    assert sorted(line["id"] for line in lines) == sorted(ids) == sorted(i for b in batches for i in b)
    assert container.pipeline.count_documents() == 5


def test_run_forever_polls_due_sources_until_stopped(container, site, site_module):
    import threading

    _set_feed(site, site_module, ["/news/vi-hcmc.html"])
    stop = threading.Event()
    reports = []

    def on_report(report):
        reports.append(report)
        if len(reports) == 1:
            _set_feed(site, site_module, ["/news/vi-hcmc.html", "/news/ar-cairo.html"])
            container.clock.advance(minutes=10)  # the 10m schedule comes due again
        else:
            stop.set()

    runner = make_runner(container)
    thread = threading.Thread(target=runner.run_forever, args=([_feed_source(site, schedule="10m")], stop, on_report))
    thread.start()
    thread.join(60)
    assert not thread.is_alive()
    assert [r.total("new") for r in reports] == [1, 1]


def test_extraction_worker_processes_give_the_same_documents(container, site, site_module):
    _set_feed(site, site_module, ["/news/en-waiting.html", "/news/en-pharmacy.html", "/news/en-vaccination.html"])
    with make_runner(container, extract_workers=1) as runner:
        pooled = runner.run_once([_feed_source(site)])
    assert pooled.total("errors") == 0
    by_title = {d.title: d for d in pooled.documents}
    assert len(by_title) == 3
    for key in ("en-waiting", "en-pharmacy", "en-vaccination"):
        article = site_module.ARTICLES[key]
        doc = by_title[article["title"]]
        assert doc.text.split("\n") == article["paragraphs"]
        assert doc.published_at is not None and doc.language_hint == "en"
