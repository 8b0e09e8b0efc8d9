"""Several crawler processes on one sources file (crawlers.coordination), against a real Redis and the
fixture site: each source crawled by one process at a time, no article fetched twice, the host's delay
held across processes, nothing lost when a claim is not honoured.

Each "process" is a CrawlRunner with its own coordination owner, as a second `healthpulse crawl` on
another machine would be; they share the database and Redis as such processes do.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import redis
from healthpulse.crawlers.coordination import RedisCoordination, coordination_for
from healthpulse.crawlers.sources import load_sources
from healthpulse.crawlers.urls import url_hash

from tests.conftest import empty_redis_database
from tests.support.containers import make_container

from .conftest import BENCH_ARTICLES, FAST_SETTINGS, make_runner

pytestmark = pytest.mark.integration
ARTICLES = BENCH_ARTICLES
PREFIX = "test:crawl"


@pytest.fixture
def redis_url() -> Iterator[str]:
    yield from empty_redis_database(6)  # a database of its own, emptied for each test


def two_feeds(tmp_path, base: str):
    """Two sources whose feeds link the same articles (a site's RSS and its mirror)."""
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        f"  - {{id: feed-a, kind: rss, url: '{base}/bench/feed.xml', schedule: 10m}}\n"
        f"  - {{id: feed-b, kind: rss, url: '{base}/bench/feed.xml?mirror=b', schedule: 10m}}\n",
        encoding="utf-8",
    )
    return load_sources(path, set()).sources


@pytest.fixture
def shared(tmp_path, redis_url):
    """What crawler processes of one deployment share: the database (a container) and Redis; ``process()``
    makes one more process's coordination (its own owner). Everything is closed after the test."""
    container = make_container(tmp_path, analyzer=None)
    made: list[RedisCoordination] = []

    def process() -> RedisCoordination:
        made.append(RedisCoordination(redis_url, prefix=PREFIX))
        return made[-1]

    yield container, process
    for c in made:
        c.close()
    container.close()


def run_together(runners_and_sources) -> list:
    reports: list = [None] * len(runners_and_sources)

    def go(i, runner, sources):
        reports[i] = runner.run_once(sources)

    threads = [threading.Thread(target=go, args=(i, r, s)) for i, (r, s) in enumerate(runners_and_sources)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(r is not None for r in reports), "a crawl run did not finish"
    return reports


def test_without_redis_a_crawler_is_alone():
    assert coordination_for(None).claim_source("any") and coordination_for("sqlite:///x").claim_url("k")


def test_with_redis_down_a_crawler_goes_on_as_if_alone(caplog):
    """Stopping would lose a schedule's news; going on costs at worst a page fetched twice."""
    down = RedisCoordination("redis://127.0.0.1:9/0")  # nothing listens on port 9
    with caplog.at_level("WARNING", logger="healthpulse.crawlers.coordination"):
        assert down.claim_source("feed-a") and down.claim_url("k") and down.host_wait("example.org", 0.5) == 0.0
        down.release_source("feed-a")
    assert [r.message for r in caplog.records if "as if alone" in r.message][:1]
    assert len(caplog.records) == 1  # once, not per call
    down.close()


def test_two_processes_on_feeds_of_the_same_articles_fetch_each_once(tmp_path, bench_site, shared):
    container, process = shared
    a, b = process(), process()
    feed_a, feed_b = two_feeds(tmp_path, bench_site.base)
    ra, rb = make_runner(container, coordination=a), make_runner(container, coordination=b)
    reports = run_together([(ra, [feed_a]), (rb, [feed_b])])
    fetches = bench_site.bench_fetches()
    assert len(fetches) == ARTICLES and set(fetches.values()) == {1}  # every article, each once
    assert container.pipeline.count_documents() == ARTICLES
    stats = [r.by_source() for r in reports]
    new = stats[0]["feed-a"].new + stats[1]["feed-b"].new
    assert new == ARTICLES
    # the articles the later process did not fetch were claimed by the other or already stored
    skipped = sum(s[k].details.get("claimed_elsewhere", 0) + s[k].details.get("skipped_seen", 0)
                  for s, k in zip(stats, ("feed-a", "feed-b"), strict=True))
    assert skipped == ARTICLES


def test_a_source_another_process_is_crawling_is_left_to_it(tmp_path, bench_site, shared):
    container, process = shared
    other, mine = process(), process()
    feed_a, feed_b = two_feeds(tmp_path, bench_site.base)
    assert other.claim_source("feed-a")  # the other process is crawling feed-a right now
    report = make_runner(container, coordination=mine).run_once([feed_a, feed_b])
    by_source = report.by_source()
    assert by_source["feed-a"].details == {"source_claimed_elsewhere": 1} and by_source["feed-a"].fetched == 0
    assert by_source["feed-b"].new == ARTICLES
    assert all("mirror=b" in r["path"] for r in bench_site.requests("/bench/feed.xml"))
    # its own lease was released at the end of its run; the other's lease is still the other's
    assert other.claim_source("feed-b") and not mine.claim_source("feed-a")


def test_a_source_finished_elsewhere_after_the_schedule_was_read_is_not_crawled_again(
        tmp_path, bench_site, shared):
    """The schedule said feed-a was due; before our lease, another process crawled it and let go.
    A scheduled run leaves it out and gives its lease back; an explicit run (`crawl --once`) still crawls."""
    container, process = shared
    other, mine = process(), process()
    feed_a, _ = two_feeds(tmp_path, bench_site.base)
    runner = make_runner(container, coordination=mine)
    due, _ = runner.due_sources([feed_a])
    assert due == [feed_a]
    assert make_runner(container, coordination=other).run_once([feed_a]).by_source()["feed-a"].new == ARTICLES
    feed_reads = len(bench_site.requests("/bench/feed.xml"))
    report = runner.run_once(due, only_due=True)
    assert report.sources == [] and len(bench_site.requests("/bench/feed.xml")) == feed_reads
    assert other.claim_source("feed-a")  # our lease went back at once
    other.release_source("feed-a")
    assert runner.run_once([feed_a]).by_source()["feed-a"].fetched >= 1


def test_a_claimed_article_is_fetched_later_once_the_claim_is_gone(tmp_path, bench_site, shared, redis_url):
    """A process that claimed a URL and died: the URL is not lost, only delayed until the claim expires."""
    container, process = shared
    dead, mine = process(), process()
    feed_a, _ = two_feeds(tmp_path, bench_site.base)
    url = f"{bench_site.base}/bench/a/3.html"
    assert dead.claim_url(url_hash(url))
    runner = make_runner(container, coordination=mine)
    first = runner.run_once([feed_a]).by_source()["feed-a"]
    assert first.new == ARTICLES - 1 and first.details["claimed_elsewhere"] == 1
    assert "/bench/a/3.html" not in bench_site.bench_fetches()
    redis.Redis.from_url(redis_url).delete(f"{PREFIX}:url:{url_hash(url)}")  # the claim expired
    second = runner.run_once([feed_a]).by_source()["feed-a"]
    assert second.new == 1 and bench_site.bench_fetches()["/bench/a/3.html"] == 1
    assert container.pipeline.count_documents() == ARTICLES


def test_the_hosts_delay_holds_across_processes(tmp_path, bench_site, shared):
    """Two processes on one host with DOWNLOAD_DELAY d: requests reach the host at least ~d apart
    (Scrapy alone holds its delay per process, randomised down to d/2, so two processes would overlap)."""
    delay = 0.4
    container, process = shared
    a, b = process(), process()
    feed_a, feed_b = two_feeds(tmp_path, bench_site.base)
    polite = {**FAST_SETTINGS, "DOWNLOAD_DELAY": delay, "AUTOTHROTTLE_ENABLED": False}
    ra = make_runner(container, coordination=a, scrapy_settings=polite)
    rb = make_runner(container, coordination=b, scrapy_settings=polite)
    run_together([(ra, [feed_a]), (rb, [feed_b])])
    log = sorted((r["time"], r["path"]) for r in bench_site.requests())
    assert len(log) >= ARTICLES + 2
    gaps = [t2 - t1 for (t1, _), (t2, _) in zip(log, log[1:], strict=False)]
    # arrival times jitter by a few milliseconds; half the delay leaves room for a loaded machine
    assert min(gaps) >= delay / 2, [(round(t - log[0][0], 3), p) for t, p in log]


def test_healthpulse_crawl_coordinates_through_the_deployments_redis_broker(
        tmp_path, bench_site, redis_url, cli_container, capsys, monkeypatch):
    """`healthpulse crawl` with HEALTHPULSE_BROKER_URL=redis://… leaves a source another process holds."""
    from healthpulse.cli import main

    monkeypatch.setenv("HEALTHPULSE_BROKER_URL", redis_url)
    other = RedisCoordination(redis_url)  # the product's own key prefix, another process's owner
    try:
        assert other.claim_source("feed-a")
        path = tmp_path / "sources.yaml"
        two_feeds(tmp_path, bench_site.base)  # writes sources.yaml
        assert main(["crawl", "--sources", str(path), "--once", "--workers", "0"]) == 0
        rows = {line.split()[0]: line for line in capsys.readouterr().err.splitlines() if line.startswith("feed-")}
        assert "another crawler process has it now" in rows["feed-a"]
        assert rows["feed-b"].split()[2] == str(ARTICLES)  # feed-b: all its articles new
        assert all("mirror=b" in r["path"] for r in bench_site.requests("/bench/feed.xml"))
    finally:
        other.close()
