"""Faults against real nodes: rejected documents, overload (429), a node that goes away mid-ingest."""

from __future__ import annotations

import subprocess
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from healthpulse.core.clock import FakeClock
from healthpulse.core.domain import Analysis, Document, TopicScore
from healthpulse.indexes.base import IndexUnavailable
from healthpulse.indexes.query import IndexDoc, SearchQuery
from healthpulse.indexes.registry import detect_engine

from tests.support.containers import make_container

pytestmark = pytest.mark.integration
ENGINES = ["opensearch", "elasticsearch"]
SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "search-node.sh"


def _doc(i: int, **kw) -> IndexDoc:
    return IndexDoc(id=f"f-{i}", channel="news", text=f"Больница номер {i}", language="ru",
                    published_at=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=i), **kw)


@pytest.fixture(params=ENGINES)
def node_index(request, make_node):
    index = make_node(request.param, retries=4, backoff=0.3)
    index.ensure_ready()
    yield index
    index.drop()
    index.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_detected_from_the_node_reply(engine, search_node_url):
    assert detect_engine(search_node_url(engine)) == engine


def test_mapping_rejected_document_is_reported_and_the_rest_land(node_index):
    # A keyword longer than Lucene's 32766-byte term limit: the node rejects that document only.
    docs = [_doc(1), _doc(2, source="x" * 40_000), _doc(3)]
    result = node_index.upsert(docs)
    node_index.refresh()
    assert result.indexed == ["f-1", "f-3"]
    assert list(result.failed) == ["f-2"]
    assert "source" in result.failed["f-2"]  # the reason names the field
    assert {h.id for h in node_index.search(SearchQuery(size=10)).hits} == {"f-1", "f-3"}


def test_overloaded_node_429_is_retried_until_it_accepts(node_index, caplog):
    node_index.upsert([_doc(1)])
    target = next(iter(node_index.request("GET", f"/_alias/{node_index.alias}")))
    block = {"index.blocks.read_only_allow_delete": True}
    node_index.request("PUT", f"/{target}/_settings", block)  # the node now answers 429 TOO_MANY_REQUESTS
    timer = threading.Timer(1.0, node_index.request, ("PUT", f"/{target}/_settings",
                                                      {"index.blocks.read_only_allow_delete": None}))
    timer.start()
    try:
        result = node_index.upsert([_doc(2), _doc(3)])
    finally:
        timer.join()
    node_index.refresh()
    assert result.indexed == ["f-2", "f-3"] and not result.failed
    assert node_index.count() == 3
    assert any("refused as overloaded" in r.getMessage() for r in caplog.records)  # the node did say 429


def _read_timeout(engine: str) -> Exception:
    """The exception the engine's client raises when a reply outlives its read timeout."""
    if engine == "opensearch":
        from opensearchpy.exceptions import ConnectionTimeout

        return ConnectionTimeout("TIMEOUT", "Read timed out. (read timeout=30.0)", None)
    from elastic_transport import ConnectionTimeout as EsConnectionTimeout

    return EsConnectionTimeout("Read timed out. (read timeout=30.0)")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_drop_whose_delete_timed_out_after_the_node_did_it_succeeds(engine, make_node, monkeypatch):
    """At 1M documents the node took longer than the read timeout to delete the index: the DELETE was done,
    the client saw a timeout, its retry answered 404 and the drop failed. The node is real; only the timeout
    is injected, after the node has done the work."""
    index = make_node(engine, retries=2, backoff=0.05)
    index.ensure_ready()
    index.upsert([_doc(1)])
    real = index._request
    timed_out: list[str] = []

    def slow_reply(method, path, body=None, params=None):
        reply = real(method, path, body, params)
        if method == "DELETE" and path.startswith(f"/{index.prefix}") and not timed_out:
            timed_out.append(path)
            raise _read_timeout(engine)
        return reply

    monkeypatch.setattr(index, "_request", slow_reply)
    try:
        index.drop()
        assert timed_out  # the injected timeout did happen, after a real deletion
        assert index._alias_indices() == []  # and the index is gone
    finally:
        monkeypatch.undo()
        index.drop()
        index.close()


def test_closed_index_keeps_writes_queued_not_rejected(node_index):
    """A write refused for the index's state (not the document's content) is IndexUnavailable, never 'failed'."""
    node_index.upsert([_doc(1)])
    target = next(iter(node_index.request("GET", f"/_alias/{node_index.alias}")))
    node_index.request("POST", f"/{target}/_close")
    try:
        with pytest.raises(IndexUnavailable):
            node_index.upsert([_doc(2)])
    finally:
        node_index.request("POST", f"/{target}/_open", params={"wait_for_active_shards": "1"})
    assert node_index.upsert([_doc(2)]).indexed == ["f-2"]
    node_index.refresh()
    assert node_index.count() == 2


def _script(*args: str) -> str:
    return subprocess.run([str(SCRIPT), *args], check=True, capture_output=True, text=True, timeout=240).stdout.strip()


@pytest.mark.exclusive  # the node it stops serves every other test's OpenSearch index too
def test_node_stopped_mid_ingest_loses_nothing(tmp_path, search_node_url):
    """Through the real pipeline + outbox: documents stored while the node is down land once it is back."""
    url = search_node_url("opensearch")
    if _script("url", "opensearch").rstrip("/") != url.rstrip("/"):
        pytest.skip(f"{url} is not the node scripts/search-node.sh manages; cannot stop it")
    clock = FakeClock()
    container = make_container(tmp_path, clock=clock, search_url=url,
                               search_index_prefix=f"hptest-outage-{uuid.uuid4().hex[:8]}")
    index = container.index
    docs = [
        Document(id=f"out-{i}", text=f"В больнице номер {i} нет лекарств", published_at=datetime(2026, 11, 1, tzinfo=UTC),
                 analysis=Analysis(language="ru", topics=[TopicScore(id="drug_supply", score=0.9)]))
        for i in range(20)
    ]
    try:
        container.pipeline.ingest_many(docs[:8])
        index.refresh()
        assert index.count() == 8
        _script("stop", "opensearch")
        try:
            results = container.pipeline.ingest_many(docs[8:])  # the node is gone: stored, queued
            assert [r.document_id for r in results] == [d.id for d in docs[8:]]
            assert container.pipeline.outbox_pending()["pending"] == 12
            with pytest.raises(IndexUnavailable):
                index.search(SearchQuery())
        finally:
            _script("start", "opensearch")
        assert container.pipeline.drain_outbox() == 0  # backoff: not due yet
        clock.advance(minutes=10)
        assert container.pipeline.drain_outbox() == 12
        index.refresh()
        assert container.pipeline.outbox_pending() == {"pending": 0, "rejected": 0}
        result = index.search(SearchQuery(text="больницы", size=50))
        assert result.total == 20 and {h.id for h in result.hits} == {d.id for d in docs}
    finally:
        try:
            index.backend().drop()
        finally:
            container.close()
