"""The press office's social posts list: sorted and filtered by reach, in the dashboard's filters (issue 18)."""

from datetime import timedelta

import pytest
from healthpulse.core.domain import Analysis, Channel, Document, Reach

from tests.support.web import api_token, login


def _post(doc_id, views, *, department="surgut", when, text=None, url=None):
    return Document(id=doc_id, channel=Channel.SOCIAL, source="tg-ugra", author="Минздрав Югры",
                    url=url or f"https://t.me/ugra_health/{doc_id}", text=text or f"Пост {doc_id}: очередь в поликлинике",
                    published_at=when, reach=Reach(views=views, reactions=3),
                    analysis=Analysis(language="ru", department=department, health_related=True, incident=False))


@pytest.fixture
def press(app, accounts, container, clock):
    now = clock.now()
    container.pipeline.ingest_many([
        _post("p40", 40, when=now - timedelta(hours=1)),
        _post("p50k", 50_000, when=now - timedelta(days=2)),
        _post("p900", 900, department="cairo", when=now - timedelta(hours=3)),
        _post("pnone", None, when=now - timedelta(minutes=5), text="<script>alert(1)</script>",
              url="javascript:alert(1)"),
        _post("old", 1_000_000, when=now - timedelta(days=90)),  # outside the default 30 days
    ])
    c = app.test_client()
    assert login(c, "press-office").status_code == 302
    return c


def _order(html, ids):
    return sorted(ids, key=lambda i: html.index(f"Пост {i}:") if f"Пост {i}:" in html else 10**9)


def test_posts_sorted_by_reach_or_newest_and_filtered(press):
    html = press.get("/press/posts").get_data(as_text=True)
    assert _order(html, ["p40", "p50k", "p900"]) == ["p50k", "p900", "p40"]
    assert "Пост old:" not in html
    assert "50,000" in html or "50 000" in html or "50\u00a0000" in html
    newest = press.get("/press/posts?sort=newest").get_data(as_text=True)
    assert _order(newest, ["p40", "p50k", "p900"]) == ["p40", "p900", "p50k"]
    wide = press.get("/press/posts?min_reach=500").get_data(as_text=True)
    assert "Пост p50k:" in wide and "Пост p900:" in wide and "Пост p40:" not in wide
    cairo = press.get("/press/posts?department=cairo").get_data(as_text=True)
    assert "Пост p900:" in cairo and "Пост p50k:" not in cairo


def test_bad_parameters_and_unsafe_content(press):
    assert press.get("/press/posts?min_reach=-1").status_code == 400
    assert press.get("/press/posts?sort=loudest").status_code == 400
    html = press.get("/press/posts?sort=newest").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html


def test_search_api_hits_carry_reach_sorted_and_filtered(press, container, clock):
    """Reach is in the search index too: the API returns it, sorts by it and filters by a minimum."""
    container.pipeline.ingest_many([Document(
        id="n1", channel=Channel.NEWS, text="Новости: очередь в поликлинике", published_at=clock.now(),
        analysis=Analysis(language="ru", department="surgut", health_related=True, incident=False))])
    api = press.application.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {api_token(container, 'press-office')}"
    body = api.get("/api/v1/documents/search?channel=social&sort=reach&size=10").get_json()
    assert [h["id"] for h in body["hits"]] == ["p50k", "p900", "p40", "pnone"]
    top = body["hits"][0]
    assert top["reach_total"] == 50_000
    assert top["reach"] == {"views": 50_000, "reactions": 3, "forwards": None, "comments": None}
    assert body["hits"][3]["reach_total"] == 3  # no view count: the interactions
    news = api.get("/api/v1/documents/search?channel=news").get_json()["hits"]
    assert news and all(h["reach"] is None and h["reach_total"] is None for h in news)
    wide = api.get("/api/v1/documents/search?min_reach=500").get_json()
    assert {h["id"] for h in wide["hits"]} == {"p50k", "p900"}
    bad = api.get("/api/v1/documents/search?min_reach=lots")
    assert bad.status_code == 400 and bad.get_json()["field"] == "min_reach"
    assert api.get("/api/v1/documents/search?sort=loudest").get_json()["field"] == "sort"


def test_search_page_and_csv_sort_and_filter_by_reach(press):
    html = press.get("/press/search?sort=reach&min_reach=100").get_data(as_text=True)
    assert "Пост p50k:" in html and "Пост p900:" in html and "Пост p40:" not in html
    assert html.index("Пост p50k:") < html.index("Пост p900:")
    assert 'id="f-min-reach"' in html and 'value="100"' in html and '<option value="reach" selected' in html
    assert "min_reach=100" in html and "sort=reach" in html  # the CSV link keeps them
    csv = press.get("/press/export/search.csv?sort=reach&channel=social").get_data(as_text=True).splitlines()
    header = csv[0].split(",")
    assert header[-5:] == ["reach_total", "views", "reactions", "forwards", "comments"]
    rows = [line.split(",") for line in csv[1:]]
    assert [r[0] for r in rows] == ["p50k", "p900", "p40", "pnone"]
    assert rows[0][-5:] == ["50000", "50000", "3", "", ""]


def test_bad_min_reach_on_the_search_page_is_a_translated_400_naming_it(press):
    resp = press.get("/press/search?min_reach=-5&lang=ru")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "min_reach" in html and 'lang="ru"' in html
    assert "This page cannot use" not in html  # the Russian text, not the English one
