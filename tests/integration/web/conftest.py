"""A real app on a real embedded container (SQLite + FTS5 + alerts engine) per test."""

import pytest
from argon2 import PasswordHasher
from healthpulse.web.services import users as user_svc

from tests.support.web import add_user, make_web_app


@pytest.fixture(autouse=True, scope="session")
def _cheap_argon2():
    """Same argon2id code path, lower cost: dozens of logins on 2 cores would otherwise take minutes."""
    original = user_svc._hasher
    user_svc.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    user_svc.use_hasher(original)


@pytest.fixture
def app(container):
    return make_web_app(container)


@pytest.fixture
def client(app):
    return app.test_client()


def make_accounts(container):
    return {
        "surgut": add_user(container, "surgut-officer", "department", "surgut"),
        "cairo": add_user(container, "cairo-officer", "department", "cairo"),
        "press": add_user(container, "press-office", "press"),
        "admin": add_user(container, "admin", "admin"),
    }


@pytest.fixture
def accounts(container):
    return make_accounts(container)
