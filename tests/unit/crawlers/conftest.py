"""Unit-test fixtures: the fixture site's pages (built, not served) for extraction tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def site_module():
    """tests/fixtures/site/server.py (the fixture site: pages, articles, HTTP server)."""
    from tests.fixtures.site import server

    return server


@pytest.fixture(scope="session")
def site_pages(site_module):
    site = site_module.FixtureSite()  # pages are built at construction; no server thread
    yield site
    site.server.server_close()
