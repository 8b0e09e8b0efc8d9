"""Rate limiter, password hashing, API tokens, highlight escaping."""

import pytest
from healthpulse.core.models.base import Base
from healthpulse.web.security import RateLimiter
from healthpulse.web.services import users as user_svc
from sqlalchemy import create_engine
from sqlalchemy.orm import Session


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def _limiter(tmp_path, clock, salt="s"):
    from healthpulse.core.db import make_engine, migrate, session_factory

    engine = make_engine(f"sqlite:///{tmp_path / 'limits.db'}")
    migrate(engine)
    return RateLimiter(session_factory(engine), clock, salt=salt), engine


def test_rate_limiter_sliding_window(tmp_path):
    from datetime import timedelta

    from healthpulse.core.clock import FakeClock

    clock = FakeClock()
    lim, engine = _limiter(tmp_path, clock)
    assert all(lim.hit("b", "ip", 3, 60) for _ in range(3))
    assert not lim.hit("b", "ip", 3, 60)
    assert lim.blocked("b", "ip", 3, 60)
    assert lim.hit("b", "other-ip", 3, 60)  # per client
    assert lim.hit("other-bucket", "ip", 3, 60)  # per bucket
    clock.advance(timedelta(seconds=61))
    assert not lim.blocked("b", "ip", 3, 60)
    assert lim.hit("b", "ip", 3, 60)
    lim.add("b", "ip")
    assert lim.count("b", "ip", 60) == 2
    lim.reset("b", "ip")
    assert lim.count("b", "ip", 60) == 0
    engine.dispose()


def test_rate_limiter_stores_no_raw_keys_and_purges_old_rows(tmp_path):
    from datetime import timedelta

    from healthpulse.core.clock import FakeClock
    from healthpulse.core.models.ratelimits import RateLimitHit
    from sqlalchemy import select

    clock = FakeClock()
    lim, engine = _limiter(tmp_path, clock)
    lim.PURGE_EVERY = 3
    lim.add("login", "alice\x00203.0.113.7")
    clock.advance(timedelta(days=2))
    lim.add("login", "bob\x00203.0.113.8")
    with Session(engine) as s:
        keys = list(s.scalars(select(RateLimitHit.key_hash)))
    assert len(keys) == 2 and not any("203.0.113" in k or "alice" in k for k in keys)
    lim.add("login", "carol\x00203.0.113.9")  # third hit: rows older than a day go
    with Session(engine) as s:
        assert len(list(s.scalars(select(RateLimitHit)))) == 2
    engine.dispose()


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    import healthpulse.core.models.users  # noqa: F401

    Base.metadata.create_all(engine, tables=[Base.metadata.tables["web_users"], Base.metadata.tables["web_api_tokens"]])
    with Session(engine) as s:
        yield s


def test_passwords_are_argon2_and_verified(session):
    user = user_svc.create_user(session, "alice", "long enough password", "press")
    assert user.password_hash.startswith("$argon2id$")
    assert "long enough password" not in user.password_hash
    assert user_svc.authenticate(session, "alice", "long enough password").id == user.id
    assert user_svc.authenticate(session, "alice", "wrong password!!") is None
    assert user_svc.authenticate(session, "nobody", "long enough password") is None
    user.active = False
    assert user_svc.authenticate(session, "alice", "long enough password") is None


def test_user_validation(session):
    with pytest.raises(user_svc.UserError, match="department"):
        user_svc.create_user(session, "d", "long enough password", "department")
    with pytest.raises(user_svc.UserError, match="unknown department"):
        user_svc.create_user(session, "d", "long enough password", "department", "mars", known_departments=["cairo"])
    with pytest.raises(user_svc.UserError, match="at least"):
        user_svc.create_user(session, "d", "short", "admin")
    with pytest.raises(user_svc.UserError, match="not scoped"):
        user_svc.create_user(session, "p", "long enough password", "press", "cairo")
    user_svc.create_user(session, "x", "long enough password", "admin")
    with pytest.raises(user_svc.UserError, match="exists"):
        user_svc.create_user(session, "x", "long enough password", "admin")


def test_a_pbx_account_has_no_password(session):
    """An exchange authenticates with its token or HMAC secret: its account stores no usable password."""
    user = user_svc.create_user(session, "asterisk-1", None, "pbx")
    assert not user.password_hash.startswith("$argon2")
    for tried in ("", user.password_hash, "long enough password"):
        assert user_svc.authenticate(session, "asterisk-1", tried) is None
    with pytest.raises(user_svc.UserError, match="pbx account has no password"):
        user_svc.create_user(session, "asterisk-2", "long enough password", "pbx")
    with pytest.raises(user_svc.UserError, match="at least"):
        user_svc.create_user(session, "d", None, "admin")  # every other role still needs one


def test_api_tokens_are_hashed_and_revocable(session):
    user = user_svc.create_user(session, "bot", "long enough password", "department", "cairo")
    token = user_svc.create_api_token(session, user, "ci")
    from healthpulse.core.models.users import ApiToken

    row = session.query(ApiToken).one()
    assert token not in (row.token_hash, row.prefix) and row.prefix == token[:10]
    p = user_svc.principal_for_token(session, token)
    assert p.username == "bot" and p.department_id == "cairo"
    assert user_svc.principal_for_token(session, token + "x") is None
    user_svc.revoke_api_token(session, row.id)
    assert user_svc.principal_for_token(session, token) is None


def test_highlight_escapes_before_marking():
    from healthpulse.web.templating import highlight

    out = str(highlight("<b>x</b> \x02insulin\x03 & \x02broken"))
    assert out == "&lt;b&gt;x&lt;/b&gt; <mark>insulin</mark> &amp; <mark>broken</mark>"


def test_view_cache_expires():
    from healthpulse.web.services.dashboard import View, ViewCache

    clock = Clock()
    cache = ViewCache(ttl=30, clock=clock)
    calls = []

    def compute():
        calls.append(1)
        return View("v", ["a"], [[len(calls)]])

    assert cache.get_or_compute("k", compute).rows == [[1]]
    assert cache.get_or_compute("k", compute).rows == [[1]]
    clock.t += 31
    assert cache.get_or_compute("k", compute).rows == [[2]]
    assert cache.get_or_compute("other", compute).rows == [[3]]
