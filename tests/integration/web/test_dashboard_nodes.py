"""The dashboard on OpenSearch / Elasticsearch answers like the embedded FTS5 index (same SearchQuery model)."""

import uuid
from datetime import timedelta

import pytest

from tests.conftest import service_url
from tests.support.web import add_user, login, make_web_app, seed_news

pytestmark = pytest.mark.integration
NODE_ENV = {"opensearch": "HEALTHPULSE_TEST_OPENSEARCH_URL", "elasticsearch": "HEALTHPULSE_TEST_ELASTICSEARCH_URL"}


def _node_index(engine):
    url = service_url(NODE_ENV[engine], f"the {engine} node (scripts/search-node.sh start {engine})")
    prefix = f"hpweb-{uuid.uuid4().hex[:8]}"
    if engine == "opensearch":
        from healthpulse.indexes.opensearch import OpenSearchIndex

        return OpenSearchIndex(url, prefix=prefix)
    from healthpulse.indexes.elasticsearch import ElasticsearchIndex

    return ElasticsearchIndex(url, prefix=prefix)


def _views(tmp_path, index):
    from healthpulse.core.clock import FakeClock

    from tests.support.containers import make_container

    clock = FakeClock()
    c = make_container(tmp_path, clock=clock, index=index)
    try:
        seed_news(c, 40, departments=["cairo", "surgut", "tehran"], start=clock.now() - timedelta(days=10), days=10)
        c.index.refresh()  # nodes are near-real-time: make the writes visible before comparing
        add_user(c, "press-office", "press")
        client = make_web_app(c).test_client()
        login(client, "press-office")
        out = {}
        for name in ("volume.json?split=sentiment", "volume.json?split=topics", "regions.json", "rising_topics.json",
                     "negative_stories.json"):
            out[name] = client.get(f"/press/data/{name}").get_json()
        search = client.get("/api/v1/documents/search?q=waiting&size=5")  # no token: 401, checked elsewhere
        assert search.status_code == 401
        html = client.get("/press/search?q=waiting").get_data(as_text=True)
        out["search_marks"] = html.count("<mark>") > 0
        return out
    finally:
        c.close()


@pytest.mark.parametrize("engine", ["opensearch", "elasticsearch"])
def test_node_dashboard_matches_embedded(tmp_path, engine):
    node = _node_index(engine)
    embedded = _views(tmp_path / "fts", "auto")
    remote = _views(tmp_path / engine, node)
    for name in ("volume.json?split=sentiment", "volume.json?split=topics", "regions.json", "rising_topics.json"):
        assert remote[name]["rows"] == embedded[name]["rows"], name
    # the stories rank keys-only hits on a node, then read the naming documents: the same rows, titles and links
    stories = [[r[:10] for r in views["negative_stories.json"]["rows"]] for views in (remote, embedded)]
    assert stories[0] == stories[1] and stories[0] and all(r[1] and r[8] for r in stories[0])
    assert remote["search_marks"] and embedded["search_marks"]
