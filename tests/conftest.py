"""Shared fixtures: a real embedded instance per test, service URLs for integration tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from healthpulse.core.clock import FakeClock

from tests.support.containers import make_container
from tests.support.databases import databases_made, drop_databases_made_since, drop_template, suite_engine

REPO = Path(__file__).resolve().parent.parent


def pytest_report_header(config):
    return f"database: {suite_engine()} (HEALTHPULSE_TEST_DATABASE)"


@pytest.fixture(autouse=True)
def _databases_dropped_after_each_test() -> Iterator[None]:
    """In the PostgreSQL pass, drop the databases a test made once its fixtures are torn down (autouse, so it
    is set up first and torn down last; a module-scoped fixture's database lives until the session ends)."""
    mark = databases_made()
    yield
    drop_databases_made_since(mark)


def pytest_sessionfinish(session, exitstatus):
    drop_databases_made_since(0)
    drop_template()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def container(tmp_path, clock):
    """Migrated SQLite + embedded FTS5 index, no NLP models (tests give analyses)."""
    c = make_container(tmp_path, clock=clock)
    yield c
    c.close()


def service_url(env_var: str, what: str) -> str:
    """URL of a service that .ci/run starts; in CI its absence is a failure, locally a skip."""
    url = os.environ.get(env_var)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"{env_var} is not set: .ci/run must start {what}")
    pytest.skip(f"{env_var} not set ({what} not running); .ci/run starts it")


def empty_redis_database(number: int) -> Iterator[str]:
    """URL of database ``number`` of the test Redis, emptied before and after (one number per test
    module, so modules never see each other's keys). Use as the body of a fixture: ``yield from``."""
    import redis

    base = service_url("HEALTHPULSE_TEST_REDIS_URL", "Redis (scripts/services.sh start)")
    url = base.rsplit("/", 1)[0] + f"/{number}"
    db = redis.Redis.from_url(url)
    db.flushdb()
    try:
        yield url
    finally:
        db.flushdb()
        db.close()
