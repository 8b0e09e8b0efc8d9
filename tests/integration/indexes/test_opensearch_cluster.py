"""A 2-node OpenSearch cluster (``scripts/search-node.sh start opensearch-cluster``): replicas, a node lost mid-ingest.

The pipeline talks to both nodes through one comma-separated HEALTHPULSE_SEARCH_URL.  A node is
stopped while documents stream in: none may be lost or written twice, searches keep answering on
the node left, and when the node comes back its copy catches up and the cluster is green again.
"""

from __future__ import annotations

import subprocess
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from healthpulse.core.clock import FakeClock
from healthpulse.core.domain import Analysis, Document, TopicScore
from healthpulse.indexes.opensearch import OpenSearchIndex
from healthpulse.indexes.query import SearchQuery
from healthpulse.indexes.registry import detect_engine

from tests.conftest import service_url
from tests.support.containers import make_container

pytestmark = pytest.mark.integration
SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "search-node.sh"


def _script(*args: str) -> str:
    return subprocess.run([str(SCRIPT), *args], check=True, capture_output=True, text=True, timeout=300).stdout.strip()


@pytest.fixture
def cluster_url() -> str:
    url = service_url("HEALTHPULSE_TEST_OPENSEARCH_CLUSTER_URL",
                      "the 2-node OpenSearch cluster (scripts/search-node.sh start opensearch-cluster)")
    if _script("url", "opensearch-cluster") != url:
        pytest.skip(f"{url} is not the cluster scripts/search-node.sh manages; cannot stop its nodes")
    return url


def _nodes(index: OpenSearchIndex) -> dict[str, dict]:
    """name → {id, manager} of the nodes in the cluster now."""
    rows = index.request("GET", "/_cat/nodes", params={"format": "json", "h": "id,name,cluster_manager", "full_id": "true"})
    return {row["name"]: {"id": row["id"], "manager": row["cluster_manager"] == "*"} for row in rows}


def _health(index: OpenSearchIndex, target: str = "", **params: str) -> dict:
    # In the path: the client library would take a ``timeout`` parameter for its own socket timeout.
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return index.request("GET", f"/_cluster/health/{target}?{query}")


def _ids(index: OpenSearchIndex) -> list[str]:
    """Every document id in the index, duplicates kept."""
    reply = index.request("POST", f"/{index.alias}/_search", {"size": 10_000, "_source": False, "sort": ["_doc"]})
    return sorted(hit["_id"] for hit in reply["hits"]["hits"])


def _doc(i: int) -> Document:
    return Document(id=f"cl-{i:04d}", text=f"В больнице номер {i} нет лекарств", source="cluster-test",
                    published_at=datetime(2025, 12, 1, tzinfo=UTC) + timedelta(minutes=i),
                    analysis=Analysis(language="ru", topics=[TopicScore(id="drug_supply", score=0.9)]))


def test_the_engine_is_found_while_the_first_node_listed_is_down(cluster_url):
    dead = "http://127.0.0.1:9"  # discard port: nothing listens
    assert detect_engine(f"{dead},{cluster_url}") == "opensearch"


def test_each_index_keeps_a_replica_on_the_other_node(cluster_url):
    index = OpenSearchIndex(cluster_url, prefix=f"hptest-cl-{uuid.uuid4().hex[:8]}")
    try:
        index.ensure_ready()
        target = next(iter(index.request("GET", f"/_alias/{index.alias}")))
        health = _health(index, target, wait_for_status="green", timeout="60s")
        assert health["status"] == "green" and health["number_of_nodes"] == 2
        shards = index.request("GET", f"/_cat/shards/{target}", params={"format": "json", "h": "prirep,state,node"})
        assert sorted(s["prirep"] for s in shards) == ["p", "r"]
        assert {s["state"] for s in shards} == {"STARTED"}
        assert len({s["node"] for s in shards}) == 2  # the copies sit on different nodes
    finally:
        index.drop()
        index.close()


def test_node_stopped_mid_ingest_loses_nothing_and_searches_keep_answering(tmp_path, cluster_url):
    clock = FakeClock()
    container = make_container(tmp_path, clock=clock, search_url=cluster_url,
                               search_index_prefix=f"hptest-cl-{uuid.uuid4().hex[:8]}")
    index = container.index.backend()
    docs = [_doc(i) for i in range(5000)]
    try:
        container.pipeline.ingest_many(docs[:40])
        target = next(iter(index.request("GET", f"/_alias/{index.alias}")))
        assert _health(index, target, wait_for_status="green", timeout="60s")["status"] == "green"
        nodes = _nodes(index)
        assert len(nodes) == 2
        # Two manager-eligible nodes keep one of them in the voting configuration: the elected
        # manager. The cluster survives losing the other one (a third node is needed to survive either).
        victim = next(name for name, node in nodes.items() if not node["manager"])
        survivor = next(name for name in nodes if name != victim)
        victim_number = victim.rsplit("-", 1)[-1]

        ingested: list[str] = [d.id for d in docs[:40]]
        failures: list[BaseException] = []
        streaming, victim_gone = threading.Event(), threading.Event()

        def stream() -> None:
            """Batches of 10 until the node is gone, then 5 batches more."""
            try:
                start, after = 40, 0
                while after < 5 and start < len(docs):
                    ingested.extend(r.document_id for r in container.pipeline.ingest_many(docs[start:start + 10]))
                    start += 10
                    streaming.set()
                    after += victim_gone.is_set()
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                failures.append(exc)
            finally:
                streaming.set()

        writer = threading.Thread(target=stream)
        writer.start()
        streaming.wait(120)
        try:
            _script("stop", "opensearch-cluster", victim_number)  # while the writer streams
            victim_gone.set()
            # The node left answers searches: every document that reached the index so far is found.
            index.refresh()
            assert index.search(SearchQuery(text="больнице", size=1)).total >= 40
            writer.join(300)
            assert not writer.is_alive() and not failures
            assert len(ingested) < len(docs), "the writer ran out of documents before the node was gone"
            assert ingested == [d.id for d in docs[:len(ingested)]]
            # Whatever the lost node's departure turned away waits in the outbox and lands on retry.
            for _ in range(5):
                if container.pipeline.outbox_pending()["pending"] == 0:
                    break
                clock.advance(minutes=10)
                container.pipeline.drain_outbox()
            assert container.pipeline.outbox_pending() == {"pending": 0, "rejected": 0}
            index.refresh()
            assert index.search(SearchQuery(text="больнице", size=1)).total == len(ingested)
            assert _ids(index) == ingested  # none lost, none twice
            assert _health(index)["number_of_nodes"] == 1
        finally:
            _script("start", "opensearch-cluster", victim_number)  # waits until both nodes are in and green
        health = _health(index, wait_for_status="green", wait_for_nodes="2", timeout="60s")
        assert health["status"] == "green" and health["number_of_nodes"] == 2
        # The copy on the node that came back caught up: each node's copy counts every document.
        for name in (victim, survivor):
            node_id = _nodes(index)[name]["id"]
            counted = index.request("GET", f"/{index.alias}/_count", params={"preference": f"_only_nodes:{node_id}"})
            assert counted["count"] == len(ingested), name
    finally:
        try:
            index.drop()
        finally:
            container.close()
