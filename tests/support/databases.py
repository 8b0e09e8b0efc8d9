"""Which database engine the suite runs on.

The integration suite runs once on SQLite (the embedded default) and once more on PostgreSQL (the production
database) with ``HEALTHPULSE_TEST_DATABASE=postgresql``. Tests name a database by the SQLite file they would use
(``tmp_path / "hp.db"``); in the PostgreSQL pass each such file becomes its own fresh database on the test
server, created on first use and dropped when the test ends (``drop_databases_made_since``), so a test that
opens "the same file" twice, or hands it to a CLI subprocess, still shares one database.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest

ENGINE_ENV = "HEALTHPULSE_TEST_DATABASE"
ENGINES = ("sqlite", "postgresql")

_made: dict[str, str] = {}  # SQLite path a test named → the PostgreSQL database standing in for it, in order made


def suite_engine() -> str:
    """"sqlite" (default) or "postgresql"; anything else stops the run rather than silently testing SQLite."""
    engine = os.environ.get(ENGINE_ENV, "sqlite").strip().lower() or "sqlite"
    if engine not in ENGINES:
        raise pytest.UsageError(f"{ENGINE_ENV}={engine!r}: expected one of {', '.join(ENGINES)}")
    return engine


def database_url(path: Path, prefix: str = "hp") -> str:
    """The URL of the database a test calls ``path``: that SQLite file, or its PostgreSQL stand-in."""
    if suite_engine() == "sqlite":
        return f"sqlite:///{path}"
    key = str(path)
    if key not in _made:
        _made[key] = create_postgres_database(prefix, template=_migrated_template())
    return postgres_url(_made[key])


def postgres_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    from tests.conftest import service_url

    return make_url(service_url("HEALTHPULSE_TEST_POSTGRES_URL", "PostgreSQL")).set(database=name) \
        .render_as_string(False)


def create_postgres_database(prefix: str, template: str | None = None) -> str:
    """A new database on the test server (.ci/run starts it), empty or a copy of ``template``; returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name


_template: list[str] = []


def _migrated_template() -> str:
    """A database migrated to head once per session: a stand-in is a copy of it, so a test pays for a file copy,
    not for every migration (the container's own migrate() then finds nothing to do). Dropped at session end."""
    if not _template:
        from healthpulse.core.db import make_engine, migrate

        name = create_postgres_database("hp_template")
        engine = make_engine(postgres_url(name))
        try:
            migrate(engine)
        finally:
            engine.dispose()  # CREATE DATABASE … TEMPLATE needs the template to have no connections
        _template.append(name)
    return _template[0]


def drop_postgres_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # FORCE: a connection a test leaked must not keep it


def databases_made() -> int:
    return len(_made)


def drop_databases_made_since(mark: int) -> None:
    """Drop the stand-in databases made after ``mark`` (a ``databases_made()`` count taken earlier)."""
    for key in list(_made)[mark:]:
        drop_postgres_database(_made.pop(key))


def drop_template() -> None:
    """At session end: the template, then the admin engine's connection."""
    while _template:
        drop_postgres_database(_template.pop())
    while _admin_engines:
        _admin_engines.pop().dispose()


_admin_engines: list[Any] = []  # one per process, disposed at session end (drop_template)


def _admin(statement: str) -> None:
    from sqlalchemy import create_engine, text

    from tests.conftest import service_url

    if not _admin_engines:  # one pooled connection for the run's CREATE/DROP DATABASE, not a new engine each
        _admin_engines.append(create_engine(service_url("HEALTHPULSE_TEST_POSTGRES_URL", "PostgreSQL"),
                                            isolation_level="AUTOCOMMIT"))
    with _admin_engines[0].connect() as conn:
        conn.execute(text(statement))
