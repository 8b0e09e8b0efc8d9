"""A bulk ingest on PostgreSQL + a search node: each batch's index push runs beside the next batch.

Real parts: PostgreSQL, the OpenSearch test node, the `healthpulse ingest` code path (``ingest_jsonl``).
What must hold with the push on its thread: every document stored and indexed once, the outbox empty at
the end, the post-ingest stages run for every batch; with the node unreachable, every document stored and
kept in the outbox for the drain (nothing lost, no error for the caller).
"""

from __future__ import annotations

import io
import json
import socket
import uuid

import pytest
from healthpulse.cli.core_cmds import ingest_jsonl
from healthpulse.core.models.incidents import IncidentDocumentRow
from sqlalchemy import func, select

from tests.support.containers import postgres_container

pytestmark = pytest.mark.integration
N, BATCH = 90, 8  # twelve batches: eleven pushes overlap a later batch


def _jsonl(n: int) -> bytes:
    return "".join(json.dumps({"id": f"bulk-{i}", "text": f"Outbreak: no insulin in the pharmacy, report {i}.",
                               "department": "surgut", "published_at": "2026-01-05T08:00:00+00:00"}) + "\n"
                   for i in range(n)).encode("utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_every_document_is_stored_staged_and_indexed_once(tmp_path, clock, search_node_url):
    from tests.support.analyzers import StandInAnalyzer

    url = search_node_url("opensearch")
    with postgres_container(tmp_path, clock, "hp_bulk", search_url=url, analyzer=StandInAnalyzer(),
                            search_index_prefix=f"hptest-bulk-{uuid.uuid4().hex[:8]}") as c:
        try:
            assert c.pipeline._overlaps_push()  # the case under test: PostgreSQL and a node
            counts = ingest_jsonl(c, io.BytesIO(_jsonl(N)), BATCH)
            assert (counts["ingested"], counts["created"], counts["errors"]) == (N, N, 0)
            assert (counts["index_pending"], counts["index_rejected"]) == (0, 0)
            c.index.refresh()
            assert c.index.count() == N
            with c.session() as s:  # the stages ran for every batch: each incident report is in an incident
                assert s.scalar(select(func.count()).select_from(IncidentDocumentRow)) == N
            again = ingest_jsonl(c, io.BytesIO(_jsonl(N)), BATCH)  # a re-run changes nothing, indexes nothing twice
            assert (again["created"], again["unchanged"], again["index_pending"]) == (0, N, 0)
            c.index.refresh()
            assert c.index.count() == N
        finally:
            c.index.backend().drop()


def test_an_unreachable_node_keeps_every_document_in_the_outbox(tmp_path, clock):
    with postgres_container(tmp_path, clock, "hp_bulk_down", search_url=f"http://127.0.0.1:{_free_port()}",
                            search_index_prefix="hptest-down") as c:
        counts = ingest_jsonl(c, io.BytesIO(_jsonl(24)), BATCH)
        assert (counts["ingested"], counts["created"], counts["errors"]) == (24, 24, 0)
        assert c.pipeline.outbox_pending() == {"pending": 24, "rejected": 0}
        assert c.pipeline.count_documents() == 24


def test_a_document_changed_in_a_later_batch_ends_indexed_as_last_stored(tmp_path, clock, search_node_url):
    """The push is handed the records its batch stored; a later batch's change of the same document has its
    own outbox row and push, so the index ends with the last version, the one the database holds."""
    from healthpulse.ingest.store import get_documents, to_index_doc

    lines = [{"id": f"doc-{i}", "text": f"Report {i}: the clinic lift works again.", "department": "surgut"}
             for i in range(20)]
    for version in range(2, 5):  # doc-3 again in three later batches, its text changed each time
        lines.insert(8 * (version - 1) + 2, {"id": "doc-3", "text": f"Report 3, version {version}: the lift broke.",
                                             "department": "surgut"})
    url = search_node_url("opensearch")
    with postgres_container(tmp_path, clock, "hp_bulk_last", search_url=url,
                            search_index_prefix=f"hptest-last-{uuid.uuid4().hex[:8]}") as c:
        try:
            assert c.pipeline._overlaps_push()
            data = "".join(json.dumps(line) + "\n" for line in lines).encode("utf-8")
            counts = ingest_jsonl(c, io.BytesIO(data), 4)
            assert (counts["ingested"], counts["errors"], counts["index_pending"]) == (23, 0, 0)
            index = c.index.backend()
            index.refresh()
            assert index.count() == 20
            with c.session() as s:
                stored = {r.id: to_index_doc(r, c.settings.search.max_index_chars) for r in get_documents(
                    s, [f"doc-{i}" for i in range(20)])}
            assert "version 4" in stored["doc-3"].text
            for doc_id in ("doc-3", "doc-0", "doc-19"):
                source = index.request("GET", f"/{index.alias}/_doc/{doc_id}")["_source"]
                assert source["text"] == stored[doc_id].text and source["title"] == stored[doc_id].title
        finally:
            c.index.backend().drop()
