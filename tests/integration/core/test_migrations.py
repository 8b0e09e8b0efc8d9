"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from healthpulse.core.db import make_engine, migrate
from healthpulse.core.models import Base
from sqlalchemy import create_engine, inspect, text

from tests.conftest import service_url


def _diff(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)


def _check(engine):
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    assert _diff(engine) == []
    migrate(engine)  # a second upgrade is a no-op
    assert _diff(engine) == []


def test_migrations_match_models_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    _check(engine)
    engine.dispose()


@pytest.mark.integration
def test_migrations_match_models_on_postgresql():
    url = service_url("HEALTHPULSE_TEST_POSTGRES_URL", "PostgreSQL")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        _check(engine)
        engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_alerts_0002_folds_the_duplicates_concurrent_ingests_left(tmp_path):
    """Issue 16: a database that already holds a document alerted twice by one rule, with two tickets for one
    alert, upgrades to the unique keys: the first link and the first ticket keep the claim."""
    from alembic import command
    from healthpulse.core.db import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(engine), "alerts_0001")
    now = "2026-01-05 09:00:00.000000"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO documents (id, channel, text, content_hash, fetched_at, created_at, updated_at)"
                          " VALUES ('d1', 'news', 't', 'h', :now, :now, :now)"), {"now": now})
        for alert_id in (1, 2):
            conn.execute(text(
                "INSERT INTO alerts (id, rule_id, rule_type, kind, topic, severity, state, title, details, document_count,"
                " fired_at, last_seen_at, notifications_sent) VALUES (:id, 'incidents', 'incident', 'fire', NULL, 'high',"
                " 'open', 'x', '{}', 1, :now, :now, 0)"), {"id": alert_id, "now": now})
            conn.execute(text("INSERT INTO alert_documents (alert_id, document_id, added_at) VALUES (:a, 'd1', :now)"),
                         {"a": alert_id, "now": now})
        for ticket_id in (1, 2):
            conn.execute(text(
                "INSERT INTO tickets (id, origin, alert_id, title, severity, status, has_citizen, created_at, updated_at,"
                " due_at, breached, reopen_count, contact_count) VALUES (:id, 'alert', 1, 'x', 'high', 'new', 0, :now,"
                " :now, :now, 0, 0, 0)"), {"id": ticket_id, "now": now})
    migrate(engine)
    with engine.connect() as conn:
        links = conn.execute(text("SELECT alert_id, rule_id, topic_key FROM alert_documents")).all()
        assert [tuple(r) for r in links] == [(1, "incidents", "")]
        counts = dict(conn.execute(text("SELECT id, document_count FROM alerts")).all())
        assert counts == {1: 1, 2: 0}
        tickets = dict(conn.execute(text("SELECT id, alert_id FROM tickets")).all())
        assert tickets == {1: 1, 2: None}  # the second ticket stays, with its history, but no longer claims alert 1
    assert _diff(engine) == []
    engine.dispose()
