"""Issue 16: two ingests at once (two crawlers, a crawler and an import) into one database, and two first runs.

Each run has its own container (engine, pipeline, worker) and reads overlapping JSONL through the
`healthpulse ingest` code path; the analyzer is a stand-in (every text an incident), so alerts and tickets
are certain.  Expected: every document stored once, one alert per document and rule, one ticket per
alert, both runs finish without an error; two first-run migrations of a fresh database both succeed.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from healthpulse.cli.core_cmds import ingest_jsonl
from healthpulse.core.clock import FakeClock
from healthpulse.core.db import make_engine, migrate
from healthpulse.core.models.alerts import AlertDocumentRow, AlertRow
from healthpulse.core.models.documents import DocumentRow, JobRow
from healthpulse.core.models.tickets import TicketRow
from sqlalchemy import func, inspect, select, text

from tests.support.analyzers import StandInAnalyzer
from tests.support.containers import make_container, postgres_container
from tests.support.databases import create_postgres_database, drop_postgres_database, postgres_url

SHARED = list(range(0, 30))  # in both inputs, first: both runs meet on them at the same time
FIRST, SECOND = SHARED + list(range(30, 60)), SHARED + list(range(60, 90))
BATCH = 3
pytestmark = pytest.mark.timeout(300)


def _jsonl(ids: list[int]) -> bytes:
    # No published_at: each run stamps its own time, so both see the overlapping documents as changed
    # and both run the post-ingest stages on them (the race that doubled alerts and tickets).
    return "".join(json.dumps({"id": f"doc-{i}", "text": f"Outbreak: no insulin in the pharmacy, report {i}.",
                               "department": "surgut"}) + "\n" for i in ids).encode("utf-8")


def _at_once(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs in threads released together; re-raise the first error."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = jobs[i]()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert not any(t.is_alive() for t in threads), "a run did not finish"
    if errors:
        raise errors[0]
    return results


def _ingest_both(first, second) -> None:
    counts = _at_once(lambda: ingest_jsonl(first, io.BytesIO(_jsonl(FIRST)), BATCH),
                      lambda: ingest_jsonl(second, io.BytesIO(_jsonl(SECOND)), BATCH))
    assert [c["errors"] for c in counts] == [0, 0] and [c["ingested"] for c in counts] == [60, 60]
    for c in (first, second):  # what either run queued (a stage retried after a conflict) runs to the end
        c.worker.run_until_idle()


def _assert_each_once(c) -> None:
    with c.session() as s:
        ids = s.scalars(select(DocumentRow.id)).all()
        assert sorted(ids) == sorted(f"doc-{i}" for i in range(90))
        per_doc_rule = s.execute(
            select(AlertRow.rule_id, AlertDocumentRow.document_id, func.count())
            .join(AlertRow, AlertRow.id == AlertDocumentRow.alert_id)
            .group_by(AlertRow.rule_id, AlertDocumentRow.document_id)).all()
        assert {n for _, _, n in per_doc_rule} == {1}, [row for row in per_doc_rule if row[2] > 1][:5]
        assert {rule for rule, _, _ in per_doc_rule} == {"incidents", "deaths-and-outbreaks"}
        assert len(per_doc_rule) == 2 * 90  # every document fired both rules, once
        tickets = s.execute(select(TicketRow.alert_id, func.count()).group_by(TicketRow.alert_id)).all()
        alerts = s.scalar(select(func.count()).select_from(AlertRow))
        assert len(tickets) == alerts and {n for _, n in tickets} == {1}  # one ticket per alert
        assert s.scalar(select(func.count()).select_from(JobRow).where(JobRow.state == "dead")) == 0


def test_two_ingests_at_once_into_one_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first = make_container(tmp_path / "a", clock=FakeClock(), analyzer=StandInAnalyzer(topic=None), database_url=url)
    second = make_container(tmp_path / "b", clock=FakeClock(), analyzer=StandInAnalyzer(topic=None), database_url=url)
    try:
        _ingest_both(first, second)
        _assert_each_once(first)
    finally:
        first.close()
        second.close()


@pytest.mark.integration
def test_two_ingests_at_once_into_one_postgresql_database(tmp_path):
    clock = FakeClock()
    with postgres_container(tmp_path / "a", clock, "hp_race", analyzer=StandInAnalyzer(topic=None)) as first:
        second = make_container(tmp_path / "b", clock=FakeClock(), analyzer=StandInAnalyzer(topic=None),
                                database_url=first.settings.database.url)
        try:
            _ingest_both(first, second)
            _assert_each_once(first)
        finally:
            second.close()


def _assert_migrated(engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"alembic_version", "documents", "appeals", "alerts", "tickets", "jobs"} <= tables
    with engine.connect() as conn:
        assert len(conn.execute(text("SELECT version_num FROM alembic_version")).all()) >= 1


def test_two_first_runs_migrate_a_fresh_sqlite_file_at_once(tmp_path: Path):
    engines = [make_engine(f"sqlite:///{tmp_path / 'fresh.db'}") for _ in range(2)]
    try:
        _at_once(*(lambda e=e: migrate(e) for e in engines))
        _assert_migrated(engines[0])
    finally:
        for e in engines:
            e.dispose()


@pytest.mark.integration
def test_two_first_runs_migrate_a_fresh_postgresql_database_at_once():
    name = create_postgres_database("hp_first")  # empty: both runs find nothing migrated
    engines = [make_engine(postgres_url(name)) for _ in range(2)]
    try:
        _at_once(*(lambda e=e: migrate(e) for e in engines))
        _assert_migrated(engines[0])
    finally:
        for e in engines:
            e.dispose()
        drop_postgres_database(name)
