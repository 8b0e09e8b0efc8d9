"""Helpers for tests: a real container on a temporary database (SQLite, or PostgreSQL in that pass) with a
fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from healthpulse.core.clock import FakeClock
from healthpulse.core.settings import load_settings
from healthpulse.wiring.container import Container, build_container

from tests.support.databases import (
    create_postgres_database,
    database_url,
    drop_postgres_database,
    postgres_url,
    suite_engine,
)


def make_container(tmp_path: Path, *, clock: FakeClock | None = None, analyzer: Any = None,
                   index: Any = "auto", embedder: Any = None, **settings_overrides: Any) -> Container:
    """A migrated embedded instance in ``tmp_path``.

    Its database is ``tmp_path/hp.db``, or that file's PostgreSQL stand-in in the suite's PostgreSQL pass
    (tests.support.databases); a test that passes ``database_url`` picks its own.
    ``analyzer=None`` (default) skips NLP so tests that feed ready-made
    analyses don't load models; pass ``"auto"`` for the real analyzer.
    """
    overrides: dict[str, Any] = {"data_dir": tmp_path / "data", "testing": True, "secret_key": "test-secret-key"}
    if "database_url" not in settings_overrides:
        overrides["database_url"] = database_url(tmp_path / "hp.db")
    overrides.update(settings_overrides)
    settings = load_settings(None, **overrides)
    if embedder is None and analyzer == "auto":
        embedder = "auto"  # the real analyzer comes with the real document vectors
    return build_container(settings, clock=clock or FakeClock(), analyzer=analyzer, index=index, embedder=embedder)


@contextmanager
def postgres_container(tmp_path: Path, clock: FakeClock, prefix: str, **kwargs: Any) -> Iterator[Container]:
    """A container on a fresh PostgreSQL database (dropped afterwards) of the test server (.ci/run starts it)."""
    name = create_postgres_database(prefix)
    c = make_container(tmp_path, clock=clock, database_url=postgres_url(name), **kwargs)
    try:
        yield c
    finally:
        c.close()
        drop_postgres_database(name)


def sqlite_and_postgres(prefix: str) -> Any:
    """A ``db`` fixture for a test module: every test runs on the embedded SQLite container and on a fresh
    PostgreSQL database named ``prefix_…`` (marked integration), so a race is tried on both engines."""

    @pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
    def db(request: Any, tmp_path: Path, clock: FakeClock) -> Iterator[Container]:
        if request.param == "sqlite":
            if suite_engine() == "postgresql":
                pytest.skip("the PostgreSQL pass runs this test as its postgresql case")
            yield request.getfixturevalue("container")
            return
        with postgres_container(tmp_path / "pg", clock, prefix, index=None) as c:
            yield c

    return db
