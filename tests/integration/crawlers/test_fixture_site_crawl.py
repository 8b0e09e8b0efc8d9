"""The real spiders against the local fixture site: extraction, encodings, failures, dedup, incremental re-crawl.

One crawl of the whole site (module fixture) followed by a second crawl of the
unchanged site; the tests assert on the stored documents, the per-source stats
and the HTTP server's request log.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from healthpulse.core.models.crawl import CrawlRun, CrawlStoryFingerprint, CrawlUrl
from healthpulse.crawlers.settings import DEFAULT_USER_AGENT
from healthpulse.ingest.store import get_documents
from sqlalchemy import func, select

from tests.support.containers import make_container

from .conftest import load_fixture_sources, make_runner

pytestmark = pytest.mark.integration

EXPECTED_DATES = {
    "ru-surgut": datetime(2024, 2, 12, tzinfo=UTC),
    "ru-yugra": datetime(2024, 2, 14, 10, 30, tzinfo=UTC),
    "ar-cairo": datetime(2022, 3, 29, 18, 46, tzinfo=UTC),
    "fa-tehran": datetime(2023, 10, 31, tzinfo=UTC),
    "vi-hcmc": datetime(2024, 2, 12, 8, 30, tzinfo=UTC),
    "en-waiting": datetime(2024, 2, 12, 8, 30, tzinfo=UTC),
    "en-waiting-syndicated": datetime(2024, 2, 12, tzinfo=UTC),
    "en-vaccination": datetime(2024, 2, 15, tzinfo=UTC),
    "en-pharmacy": datetime(2024, 2, 16, tzinfo=UTC),
}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory, site_module):
    tmp = tmp_path_factory.mktemp("crawl")
    site = site_module.FixtureSite().start()
    container = make_container(tmp, analyzer=None)
    try:
        sources = load_fixture_sources(tmp, site.base)
        runner = make_runner(container)
        first = runner.run_once(sources)
        first_log = site.requests()
        site.clear_log()
        second = runner.run_once(sources)
        second_log = site.requests()
        by_key = {}
        titles = {a["title"]: k for k, a in site_module.ARTICLES.items()}
        for doc in first.documents:
            by_key[titles[doc.title]] = doc
        yield {
            "site": site, "container": container, "first": first, "second": second, "first_log": first_log,
            "second_log": second_log, "docs": by_key, "articles": site_module.ARTICLES, "module": site_module,
        }
    finally:
        site.stop()
        container.close()


def test_every_article_stored_once(crawl):
    assert sorted(crawl["docs"]) == sorted(EXPECTED_DATES)
    assert len(crawl["first"].documents) == len(EXPECTED_DATES)
    ids = [d.id for d in crawl["first"].documents]
    with crawl["container"].session() as s:
        stored = get_documents(s, ids)
        assert len(stored) == len(ids)
    assert crawl["container"].pipeline.count_documents() == len(EXPECTED_DATES)


def test_text_is_the_article_without_boilerplate(crawl):
    module = crawl["module"]
    for key, doc in crawl["docs"].items():
        article = crawl["articles"][key]
        assert doc.text.split("\n") == article["paragraphs"], key
        assert doc.title == article["title"]
        for marker in module.BOILERPLATE_MARKERS:
            assert marker not in doc.text, (key, marker)


def test_dates_languages_and_hints(crawl):
    for key, doc in crawl["docs"].items():
        assert doc.published_at == EXPECTED_DATES[key], key
        assert doc.language_hint == crawl["articles"][key]["lang"], key
        assert doc.channel == "news"
    assert crawl["docs"]["ru-yugra"].department_hint == "surgut"  # the listing source's region
    assert crawl["docs"]["ru-yugra"].source == "html-listing"
    assert crawl["docs"]["vi-hcmc"].author == "Hồ Quang"


def test_encodings(crawl):
    docs = crawl["docs"]
    assert "В Сургуте в понедельник открылась" in docs["ru-surgut"].text  # windows-1251
    assert "Медицинского информационно-аналитического центра" in docs["ru-yugra"].text  # UTF-8, header says 1251
    assert "الخطوط الساخنة لوزارة الصحة" in docs["ar-cairo"].text  # windows-1256, header says UTF-8
    assert "سازمان\u200cهای بیمه\u200cگر" in docs["fa-tehran"].text  # UTF-8 with BOM
    assert "tổng đài 1900 63 85 63" in docs["vi-hcmc"].text


def test_canonical_urls_and_ids(crawl):
    base = crawl["site"].base
    docs = crawl["docs"]
    from healthpulse.core.domain import stable_id

    # tracking parameters (rss), the AMP copy (atom) and the redirect (listing) all end on the article
    assert docs["en-waiting"].canonical_url == base + "/news/en-waiting.html"
    assert docs["ru-yugra"].canonical_url == base + "/news/ru-yugra.html"
    assert docs["en-pharmacy"].canonical_url == base + "/news/flaky.html"
    assert docs["ru-surgut"].canonical_url in (base + "/news/ru-surgut.html", base + "/mirror/ru-surgut-copy.html")
    for doc in docs.values():
        assert doc.id == stable_id(doc.canonical_url)


def test_near_duplicates_share_a_story(crawl):
    docs = crawl["docs"]
    original, syndicated = docs["en-waiting"], docs["en-waiting-syndicated"]
    assert original.story_id == syndicated.story_id
    assert original.story_id in (original.id, syndicated.id)
    others = [d.story_id for k, d in docs.items() if k not in ("en-waiting", "en-waiting-syndicated")]
    assert len(set(others)) == len(others) and original.story_id not in others
    with crawl["container"].session() as s:
        assert s.scalar(select(func.count()).select_from(CrawlStoryFingerprint)) == len(docs)


def test_exact_copy_is_a_counted_duplicate(crawl):
    stats = crawl["first"].by_source()
    assert crawl["first"].total("duplicates") >= 1
    assert sum(s.details.get("duplicates_content", 0) for s in stats.values()) == 1  # the ru mirror page
    with crawl["container"].session() as s:
        statuses = dict(s.execute(select(CrawlUrl.url, CrawlUrl.status).where(CrawlUrl.kind == "article")).all())
    base = crawl["site"].base
    copies = [statuses.get(base + "/news/ru-surgut.html"), statuses.get(base + "/mirror/ru-surgut-copy.html")]
    assert sorted(copies) == ["duplicate", "stored"]


def test_failures_are_counted_not_fatal(crawl):
    rss = crawl["first"].by_source()["rss-main"]
    d = rss.details
    assert d["http_404"] == 1
    assert d["error_DownloadTimeoutError"] == 1  # the slow page, after its retry
    assert d["redirect_loop"] == 1
    assert d["robots_disallowed"] == 1
    assert d["error_DownloadCancelledError"] == 1  # the 20 MB page, refused by DOWNLOAD_MAXSIZE
    assert rss.errors == 4
    assert rss.new + rss.duplicates >= 1  # the rest of the feed was still crawled
    broken = crawl["first"].by_source()["broken-feed"]
    assert broken.details["feed_malformed"] == 1 and broken.errors == 1
    assert broken.new == 1  # what parsed was salvaged: the measles article behind a redirect chain
    assert crawl["docs"]["en-vaccination"].source == "broken-feed"


def test_server_log_shows_polite_bounded_fetching(crawl):
    log = crawl["first_log"]
    paths = [r["path"] for r in log]
    assert not [p for p in paths if p.startswith("/private/")]  # robots.txt obeyed
    assert paths.count("/robots.txt") == 1  # once per host per run, shared by the five sources
    assert paths.count("/news/flaky.html") == 2  # 500, retried, 200
    assert [r["status"] for r in log if r["path"] == "/news/flaky.html"] == [500, 200]
    assert paths.count("/slow.html") == 2  # timeout, one retry
    assert 2 <= sum(p.startswith("/loop/") for p in paths) <= 6  # REDIRECT_MAX_TIMES
    assert paths.count("/huge.html") == 1  # refused by size, not retried
    assert {r["user_agent"] for r in log} == {DEFAULT_USER_AGENT}


def test_second_run_fetches_only_listings_conditionally(crawl):
    second = crawl["second"]
    assert second.total("new") == 0 and second.total("errors") == 0
    assert second.total("not_modified") == 5
    assert [r["path"] for r in crawl["second_log"]].count("/robots.txt") == 1
    requests = [r for r in crawl["second_log"] if r["path"] != "/robots.txt"]
    assert sorted(r["path"] for r in requests) == sorted(
        ["/feeds/rss.xml", "/feeds/atom.xml", "/sitemap.xml", "/news/index.html", "/feeds/broken.xml"]
    )
    for r in requests:
        assert r["if_none_match"] and r["if_modified_since"], r
        assert r["status"] == 304
    assert crawl["container"].pipeline.count_documents() == len(EXPECTED_DATES)


def test_runs_are_recorded_per_source(crawl):
    with crawl["container"].session() as s:
        rows = s.execute(select(CrawlRun.run_id, CrawlRun.source_id, CrawlRun.new, CrawlRun.errors)).all()
    assert len(rows) == 10  # 5 sources x 2 runs
    first = {r.source_id: r for r in rows if r.run_id == crawl["first"].run_id}
    assert sum(r.new for r in first.values()) == len(EXPECTED_DATES)
    assert first["rss-main"].errors == 4
