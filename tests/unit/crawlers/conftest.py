"""Unit-test fixtures: the fixture site's pages (built, not served) for extraction tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SITE_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "site"


def load_site_module():
    spec = importlib.util.spec_from_file_location("healthpulse_fixture_site", SITE_DIR / "server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def site_module():
    return load_site_module()


@pytest.fixture(scope="session")
def site_pages(site_module):
    site = site_module.FixtureSite()  # pages are built at construction; no server thread
    yield site
    site.server.server_close()
