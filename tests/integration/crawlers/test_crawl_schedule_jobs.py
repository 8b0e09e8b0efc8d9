"""Crawl schedules as jobs (issue 17: "crawl schedules through beat"), against the fixture site.

A tick (``enqueue_due_crawls``: what Celery beat fires) queues one ``crawl.source`` job per due source and
slot; a worker runs it through the same CrawlRunner as ``healthpulse crawl``; the ``crawl_runs`` table
says what is due next. At the end, ``healthpulse beat`` and ``healthpulse worker`` run as processes on a
real Redis: two beats, one crawl per source, every article once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from healthpulse.core.jobs import queue_of
from healthpulse.crawlers.state import CrawlStateStore
from healthpulse.wiring.crawl_jobs import CRAWL_JOB, CRAWL_QUEUE, enqueue_due_crawls

from tests.conftest import empty_redis_database
from tests.support.containers import make_container
from tests.support.databases import database_url

from .conftest import BENCH_ARTICLES

pytestmark = pytest.mark.integration
ARTICLES = BENCH_ARTICLES


def write_feeds(tmp_path, base: str):
    """Two sources whose feeds link the same articles, on schedules of 10 minutes and 1 hour."""
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        f"  - {{id: feed-a, kind: rss, url: '{base}/bench/feed.xml', schedule: 10m, download_delay: 0}}\n"
        f"  - {{id: feed-b, kind: rss, url: '{base}/bench/feed.xml?mirror=b', schedule: 1h, download_delay: 0}}\n"
        f"  - {{id: feed-off, kind: rss, url: '{base}/bench/feed.xml?mirror=c', enabled: false}}\n",
        encoding="utf-8",
    )
    return path


def crawl_jobs(container) -> list:
    return container.jobs.list_jobs(kind=CRAWL_JOB)


@pytest.fixture
def container(tmp_path):
    c = make_container(tmp_path, analyzer=None)
    yield c
    c.close()


def test_a_tick_queues_each_due_source_once_and_the_worker_crawls_it(tmp_path, container, bench_site):
    path = write_feeds(tmp_path, bench_site.base)
    assert queue_of(CRAWL_JOB) == CRAWL_QUEUE  # only workers started with the crawl queue take them
    assert enqueue_due_crawls(container, path) == ["feed-a", "feed-b"]  # never crawled: due; disabled: never
    assert enqueue_due_crawls(container, path) == []  # a second tick (or a second beat) adds nothing
    assert [j.payload for j in crawl_jobs(container)] == [
        {"source": s, "sources_file": str(path)} for s in ("feed-b", "feed-a")]

    assert container.worker.run_until_idle() == 2
    assert {j.state for j in crawl_jobs(container)} == {"done"}
    fetches = bench_site.bench_fetches()
    assert len(fetches) == ARTICLES and set(fetches.values()) == {1}  # every article, once, over both feeds
    assert container.pipeline.count_documents() == ARTICLES
    assert set(CrawlStateStore(container.engine).last_finished()) == {"feed-a", "feed-b"}

    # The schedule is the crawl_runs table: nothing is due until a source's period has passed.
    assert enqueue_due_crawls(container, path) == []
    container.clock.advance(minutes=10, seconds=1)
    assert enqueue_due_crawls(container, path) == ["feed-a"]
    assert enqueue_due_crawls(container, path) == []
    assert container.worker.run_until_idle() == 1
    assert container.pipeline.count_documents() == ARTICLES  # seen articles are not fetched again
    container.clock.advance(hours=1)
    assert sorted(enqueue_due_crawls(container, path)) == ["feed-a", "feed-b"]


def test_a_source_crawled_meanwhile_is_not_crawled_again(tmp_path, container, bench_site):
    """The tick saw it due; by the time the job runs, another process has crawled it: the job leaves it."""
    path = write_feeds(tmp_path, bench_site.base)
    assert enqueue_due_crawls(container, path) == ["feed-a", "feed-b"]
    state = CrawlStateStore(container.engine)
    now = container.clock.now()
    for source in ("feed-a", "feed-b"):
        state.record_run("elsewhere", source, now, now, {})
    assert container.worker.run_until_idle() == 2
    assert {j.state for j in crawl_jobs(container)} == {"done"}
    assert bench_site.bench_fetches() == Counter() and bench_site.requests("/bench/feed.xml") == []


def test_a_job_for_a_source_no_longer_in_the_file_ends_dead_with_the_reason(tmp_path, container, bench_site):
    path = write_feeds(tmp_path, bench_site.base)
    gone = container.jobs.enqueue(CRAWL_JOB, {"source": "feed-removed", "sources_file": str(path)})
    moved = container.jobs.enqueue(CRAWL_JOB, {"source": "feed-a", "sources_file": str(tmp_path / "moved.yaml")})
    container.worker.run_until_idle()
    assert container.jobs.get(gone).state == "dead" and "no source with id 'feed-removed'" in container.jobs.get(
        gone).last_error
    assert container.jobs.get(moved).state == "dead" and "sources file not found on this worker" in \
        container.jobs.get(moved).last_error
    assert bench_site.requests("/bench/") == []


def test_healthpulse_beat_needs_a_broker(tmp_path, capsys, monkeypatch):
    from healthpulse.cli import main

    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", database_url(tmp_path / "hp.db"))
    monkeypatch.delenv("HEALTHPULSE_BROKER_URL", raising=False)
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources: []\n", encoding="utf-8")
    assert main(["beat", "--sources", str(sources)]) != 0
    assert "healthpulse beat needs HEALTHPULSE_BROKER_URL" in capsys.readouterr().err


@pytest.fixture
def broker_url() -> Iterator[str]:
    yield from empty_redis_database(7)  # a database of its own, emptied for each test


def _wait_for(condition, seconds: float, procs: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        for p in procs:
            assert p.poll() is None, f"{p.args} exited early with {p.returncode}"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_healthpulse_beat_and_a_crawl_worker_crawl_each_source_once(tmp_path, bench_site, broker_url):
    """Two beats (a second one by mistake) ticking every second and a worker on the crawl queue: each source
    is crawled once per schedule, each article fetched once, and SIGTERM stops them all cleanly."""
    c = make_container(tmp_path, analyzer=None, broker_url=broker_url)
    path = write_feeds(tmp_path, bench_site.base)
    env = {**os.environ, "HEALTHPULSE_DATABASE_URL": c.settings.database_url, "HEALTHPULSE_BROKER_URL": broker_url,
           "HEALTHPULSE_DATA_DIR": str(tmp_path / "data"), "HEALTHPULSE_SECRET_KEY": "test-secret-key",
           "HEALTHPULSE_DOCUMENT_VECTORS": "false"}
    cli = [sys.executable, "-m", "healthpulse.cli"]
    logs = [open(tmp_path / f"{name}.log", "w+", encoding="utf-8") for name in ("beat1", "beat2", "worker")]  # noqa: SIM115
    procs = [subprocess.Popen([*cli, "beat", "--sources", str(path), "--tick", "1"], env=env, stdout=logs[i],
                              stderr=subprocess.STDOUT, text=True) for i in range(2)]
    procs.append(subprocess.Popen([*cli, "worker", "--queues", "default,crawl", "--hostname", "crawl-worker@%h"],
                                  env=env, stdout=logs[2], stderr=subprocess.STDOUT, text=True))
    try:
        _wait_for(lambda: {j.state for j in crawl_jobs(c)} == {"done"} and len(crawl_jobs(c)) == 2, 180, procs)
        time.sleep(4)  # several more ticks from both beats: none queues anything (neither source is due)
        assert sorted(j.payload["source"] for j in crawl_jobs(c)) == ["feed-a", "feed-b"]
        fetches = bench_site.bench_fetches()
        assert len(fetches) == ARTICLES and set(fetches.values()) == {1}
        assert c.pipeline.count_documents() == ARTICLES
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        codes = [p.wait(timeout=60) for p in procs]
        output = []
        for f in logs:
            f.seek(0)
            output.append(f.read())
            f.close()
        c.close()
    assert codes == [0, 0, 0], output
    assert "crawl schedules of" in output[0] and "Celery worker on queues default, crawl" in output[2]
