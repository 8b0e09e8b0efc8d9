"""Helpers for tests: a real container on a temporary SQLite file with a fake clock."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from healthpulse.core.clock import FakeClock
from healthpulse.core.settings import load_settings
from healthpulse.wiring.container import Container, build_container


def make_container(tmp_path: Path, *, clock: FakeClock | None = None, analyzer: Any = None,
                   index: Any = "auto", embedder: Any = None, **settings_overrides: Any) -> Container:
    """A migrated embedded instance in ``tmp_path``.

    ``analyzer=None`` (default) skips NLP so tests that feed ready-made
    analyses don't load models; pass ``"auto"`` for the real analyzer.
    """
    overrides: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / 'hp.db'}",
        "data_dir": tmp_path / "data",
        "testing": True,
        "secret_key": "test-secret-key",
    }
    overrides.update(settings_overrides)
    settings = load_settings(None, **overrides)
    if embedder is None and analyzer == "auto":
        embedder = "auto"  # the real analyzer comes with the real document vectors
    return build_container(settings, clock=clock or FakeClock(), analyzer=analyzer, index=index, embedder=embedder)


@contextmanager
def postgres_container(tmp_path: Path, clock: FakeClock, prefix: str, **kwargs: Any) -> Iterator[Container]:
    """A container on a fresh PostgreSQL database (dropped afterwards) of the test server (.ci/run starts it)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tests.conftest import service_url

    url = make_url(service_url("HEALTHPULSE_TEST_POSTGRES_URL", "PostgreSQL"))
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    c = make_container(tmp_path, clock=clock, database_url=url.set(database=name).render_as_string(False), **kwargs)
    try:
        yield c
    finally:
        c.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def sqlite_and_postgres(prefix: str) -> Any:
    """A ``db`` fixture for a test module: every test runs on the embedded SQLite container and on a fresh
    PostgreSQL database named ``prefix_…`` (marked integration), so a race is tried on both engines."""

    @pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
    def db(request: Any, tmp_path: Path, clock: FakeClock) -> Iterator[Container]:
        if request.param == "sqlite":
            yield request.getfixturevalue("container")
            return
        with postgres_container(tmp_path / "pg", clock, prefix, index=None) as c:
            yield c

    return db
