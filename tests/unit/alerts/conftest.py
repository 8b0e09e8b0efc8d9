"""Fixtures for the alerts tests: a migrated embedded instance and ready-analysed documents."""

from __future__ import annotations

from datetime import timedelta

import pytest
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.core.clock import FakeClock

from tests.support.alerts import analysed_document
from tests.support.containers import make_container


@pytest.fixture
def fclock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hp(tmp_path, fclock):
    """A container without NLP models or search index (documents come analysed)."""
    c = make_container(tmp_path, clock=fclock, index=None, base_url="https://hp.example")
    yield c
    c.close()


@pytest.fixture
def rt(hp) -> AlertsRuntime:
    return AlertsRuntime.of(hp)


make_doc = analysed_document


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
