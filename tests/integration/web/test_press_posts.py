"""The press office's social posts list: sorted and filtered by reach, in the dashboard's filters (issue 18)."""

from datetime import timedelta

import pytest
from healthpulse.core.domain import Analysis, Channel, Document, Reach

from tests.support.web import login


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
