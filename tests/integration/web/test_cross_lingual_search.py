"""GET /api/v1/search and the search page: an English query finds the Russian reports (issue 20, item 4).

Real parts: the embedded index with the production document vectors of the independent event set
(shared ``event_vectors``), the real query embedder and gazetteer, the Flask app with API tokens.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from healthpulse.indexes.query import IndexDoc

from tests.support.containers import make_container
from tests.support.event_set import event_documents, event_vectors, shared_embedder
from tests.support.web import api_token, login, make_web_app

from .conftest import make_accounts

# E001: insulin shortage in Surgut (Russian and English reports); a few other events around it.
EVENTS = {"E001", "E002", "E010", "E020", "E030"}
DATES = "from=2026-10-01&to=2026-12-31"


@pytest.fixture
def loaded(tmp_path, clock):
    container = make_container(tmp_path, clock=clock, embedder=shared_embedder())
    docs = [
        IndexDoc(id=d["id"], channel=d["channel"], title=d.get("title"), text=d["text"], language=d["lang"],
                 published_at=datetime.fromisoformat(d["published_at"]), department=d["department"],
                 topics=d["topics"], embedding=[float(x) for x in v])
        for d, v in zip(event_documents(), event_vectors(), strict=True) if d["event"] in EVENTS
    ]
    container.index.upsert(docs)
    make_accounts(container)
    yield container, {d["id"]: d for d in event_documents() if d["event"] in EVENTS}
    container.close()


def _api(container):
    client = make_web_app(container).test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {api_token(container, 'press-office')}"
    return client


def test_an_english_query_finds_the_russian_reports(loaded):
    container, docs = loaded
    api = _api(container)
    body = api.get(f"/api/v1/search?q=insulin%20Surgut&size=10&{DATES}").get_json()
    assert body["mode"] == "hybrid"
    top = [docs[h["id"]]["event"] for h in body["hits"][:5]]
    assert top[0] == "E001" and top.count("E001") >= 3, top  # E002 (insulin, another town) may come close
    assert {"ru", "en"} <= {h["language"] for h in body["hits"] if docs[h["id"]]["event"] == "E001"}
    for hit in body["hits"]:
        assert set(hit) >= {"id", "title", "language", "channel", "snippet", "snippet_html", "score"}
        assert hit["snippet"] and hit["channel"] == docs[hit["id"]]["channel"]
    english = [h for h in body["hits"] if h["language"] == "en"]
    assert any("<mark>" in h["snippet_html"] for h in english)  # the query's words highlighted where they occur

    text_only = api.get(f"/api/v1/search?q=insulin%20Surgut&mode=text&size=10&{DATES}").get_json()
    assert {h["language"] for h in text_only["hits"]} <= {"en"}  # the words alone stay in their language


def test_a_bad_mode_is_a_400_naming_it(loaded):
    container, _ = loaded
    r = _api(container).get(f"/api/v1/search?q=insulin&mode=fuzzy&{DATES}")
    assert r.status_code == 400 and r.get_json()["field"] == "mode"


def test_a_department_officer_sees_only_the_department(loaded):
    container, docs = loaded
    client = make_web_app(container).test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {api_token(container, 'cairo-officer')}"
    body = client.get(f"/api/v1/search?q=insulin%20Surgut&{DATES}").get_json()
    assert all(docs[h["id"]]["department"] == "cairo" for h in body["hits"])


def test_the_search_page_shows_title_language_channel_and_snippet(loaded):
    container, docs = loaded
    page = make_web_app(container).test_client()
    assert login(page, "press-office").status_code == 302
    html = page.get(f"/press/search?q=insulin%20Surgut&{DATES}").get_data(as_text=True)
    assert ">Russian<" in html and ">English<" in html  # the documents' languages, named in the reader's
    first_russian = next(d for d in docs.values() if d["event"] == "E001" and d["lang"] == "ru")
    assert first_russian["text"][:30] in html


def test_a_nonsense_query_finds_nothing_and_the_page_says_so(loaded):
    """The vector side always has nearest neighbours; a query nothing is about must still find nothing
    (none of its words in any document, no place, no topic cue: indexes.hybrid.about_anything)."""
    container, _ = loaded
    body = _api(container).get(f"/api/v1/search?q=zzqxw%20nonsense&{DATES}").get_json()
    assert (body["total"], body["hits"]) == (0, [])
    page = make_web_app(container).test_client()
    assert login(page, "press-office").status_code == 302
    html = page.get(f"/press/search?q=zzqxw+nonsense&{DATES}").get_data(as_text=True)
    assert '<p id="result-count">0 results' in html and "Nothing found." in html
    assert 'class="hit"' not in html


def test_the_count_is_the_fused_hits_whatever_the_page_size(loaded):
    """The count is how many documents the answer holds, not the length of the page shown."""
    container, docs = loaded
    api = _api(container)
    small = api.get(f"/api/v1/search?q=insulin%20Surgut&size=3&{DATES}").get_json()
    whole = api.get(f"/api/v1/search?q=insulin%20Surgut&size=100&{DATES}").get_json()
    assert len(small["hits"]) == 3 and small["total"] == whole["total"] == len(whole["hits"])
    assert whole["total_relation"] == "eq" and whole["total"] <= len(docs)


def test_a_hybrid_answer_has_later_pages_on_the_api_and_the_page(loaded):
    """A browser review: the page showed 20 of "at least 50" with no way to the rest. The API's next_cursor
    and the page's "More results" walk the fused answer; together the pages are the one-page answer."""
    container, _ = loaded
    api = _api(container)
    whole = api.get(f"/api/v1/search?q=insulin%20Surgut&size=100&{DATES}").get_json()
    seen, cursor = [], ""
    for _ in range(40):
        body = api.get(f"/api/v1/search?q=insulin%20Surgut&size=4&{DATES}{cursor}").get_json()
        seen += [h["id"] for h in body["hits"]]
        if not body["next_cursor"]:
            break
        cursor = f"&cursor={body['next_cursor']}"
    assert seen == [h["id"] for h in whole["hits"]] and len(seen) > 4
    page = make_web_app(container).test_client()
    assert login(page, "press-office").status_code == 302
    html = page.get(f"/press/search?q=insulin%20Surgut&{DATES}").get_data(as_text=True)
    more = re.search(r'<a class="button" href="(/press/search\?[^"]+)">More results</a>', html)
    assert whole["total"] > 20 and more is not None  # more than the page's 20 hits
    second = page.get(more.group(1).replace("&amp;", "&")).get_data(as_text=True)
    first_ids = set(re.findall(r'data-document-id="([^"]+)"', html))
    later = set(re.findall(r'data-document-id="([^"]+)"', second))
    assert later and later.isdisjoint(first_ids) and len(first_ids | later) == whole["total"]
