"""Integration fixtures: the fixture news site served by a real HTTP server, and crawl helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from healthpulse.crawlers.runner import CrawlRunner
from healthpulse.crawlers.sources import load_sources

from tests.support.containers import make_container
from tests.support.databases import database_url

# Short timeouts so the slow page and retries cost seconds, not minutes; everything else is production.
# Six seconds, not three: on a loaded CI machine a redirect hop once took over three seconds, was
# retried, and the loop showed seven fetches instead of REDIRECT_MAX_TIMES + 1.
FAST_SETTINGS = {
    "DOWNLOAD_TIMEOUT": 6,
    "RETRY_TIMES": 1,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_START_DELAY": 0,
    "AUTOTHROTTLE_MAX_DELAY": 1,
}


@pytest.fixture(scope="session")
def site_module():
    """tests/fixtures/site/server.py (the fixture site: pages, articles, HTTP server)."""
    from tests.fixtures.site import server

    return server


BENCH_ARTICLES = 8  # articles of the bench site's feed (``/bench/feed.xml``)


@pytest.fixture
def bench_site(site_module):
    """A fresh fixture site serving ``BENCH_ARTICLES`` bench articles and their feed."""
    s = site_module.FixtureSite(bench_articles=BENCH_ARTICLES).start()
    yield s
    s.stop()


@pytest.fixture
def site(site_module):
    """A fresh fixture site (own request log, own counters) on a random port."""
    s = site_module.FixtureSite().start()
    yield s
    s.stop()


def sources_yaml(base: str) -> str:
    return f"""\
sources:
  - id: rss-main
    kind: rss
    url: {base}/feeds/rss.xml
    schedule: 10m
  - id: atom-main
    kind: atom
    url: {base}/feeds/atom.xml
    schedule: 10m
  - id: news-sitemap
    kind: sitemap
    url: {base}/sitemap.xml
    schedule: 30m
  - id: html-listing
    kind: html
    url: {base}/news/index.html
    link_selector: "a.news-link"
    language: ru
    department: surgut
    schedule: 1h
  - id: broken-feed
    kind: rss
    url: {base}/feeds/broken.xml
    schedule: 1h
"""


def write_sources(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(sources_yaml(base), encoding="utf-8")
    return path


def make_runner(container, **kwargs) -> CrawlRunner:
    kwargs.setdefault("scrapy_settings", FAST_SETTINGS)
    kwargs.setdefault("keep_documents", True)
    sink = kwargs.pop("sink", container.pipeline.ingest_many)
    return CrawlRunner(container.engine, sink, now=container.clock.now, **kwargs)


def load_fixture_sources(tmp_path: Path, base: str, departments=("surgut",)):
    return load_sources(write_sources(tmp_path, base), set(departments)).sources


@pytest.fixture
def social():
    """tests/fixtures/social/server.py: fakes of Telegram's preview, VK's API and a YouTube feed."""
    from tests.fixtures.social.server import SocialFakes

    s = SocialFakes().start()
    yield s
    s.stop()


@pytest.fixture
def cli_container(tmp_path, monkeypatch):
    """``healthpulse crawl`` / ``sources check`` on the test container (migrated SQLite, no NLP models)."""
    import healthpulse.cli.crawl_cmds as crawl_cmds

    containers = []

    def open_test_container(args, settings=None):
        c = make_container(tmp_path, analyzer=None)
        containers.append(c)
        return c

    monkeypatch.setattr(crawl_cmds, "open_container", open_test_container)
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", database_url(tmp_path / "hp.db"))
    return containers
