"""Shared fixtures: a real embedded instance per test, service URLs for integration tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from healthpulse.core.clock import FakeClock

from tests.support.containers import make_container

REPO = Path(__file__).resolve().parent.parent


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
