"""A real app on a real embedded container (SQLite + FTS5 + alerts engine) per test."""

import pytest
from healthpulse.web.testing import add_user, make_web_app


@pytest.fixture
def app(container):
    return make_web_app(container)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def accounts(container):
    return {
        "surgut": add_user(container, "surgut-officer", "department", "surgut"),
        "cairo": add_user(container, "cairo-officer", "department", "cairo"),
        "press": add_user(container, "press-office", "press"),
        "admin": add_user(container, "admin", "admin"),
    }
