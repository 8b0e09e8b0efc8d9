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
