"""Security plumbing shared by every blueprint: headers, CSP, rate limits, the client's address.

Rate limits count in the database (``web_rate_hits``), so a restart does not
reset them and several processes share them.  The client is the connecting
address, or — only when ``trusted_proxies`` says how many reverse proxies
stand in front (werkzeug's ``ProxyFix`` in ``web/app.py``) — the address
those proxies report in ``X-Forwarded-For``; otherwise that header is ignored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from healthpulse.core.clock import Clock
from healthpulse.core.db import transaction
from healthpulse.core.models.ratelimits import RateLimitHit
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(self), geolocation=()",
}


class RateLimiter:
    """Sliding window: at most ``limit`` counted hits per ``window`` seconds per (bucket, key), in the database."""

    PURGE_EVERY = 500  # hits between deletions of rows older than any window
    MAX_WINDOW = timedelta(days=1)

    def __init__(self, factory: sessionmaker[Session], clock: Clock, salt: str = ""):
        self._factory, self._clock, self._salt = factory, clock, salt
        self._since_purge = 0

    def _hash(self, key: str) -> str:
        """Keys (addresses, usernames) are stored salted and hashed, never raw."""
        return hashlib.sha256(f"{self._salt}|{key}".encode()).hexdigest()

    def _count(self, s: Session, bucket: str, key_hash: str, window: float) -> int:
        since = self._clock.now() - timedelta(seconds=window)
        return int(s.scalar(select(func.count(RateLimitHit.id)).where(
            RateLimitHit.bucket == bucket, RateLimitHit.key_hash == key_hash, RateLimitHit.at > since)) or 0)

    def count(self, bucket: str, key: str, window: float) -> int:
        with transaction(self._factory) as s:
            return self._count(s, bucket, self._hash(key), window)

    def blocked(self, bucket: str, key: str, limit: int, window: float) -> bool:
        """True when ``key`` already used up its budget (does not count a hit)."""
        return self.count(bucket, key, window) >= limit

    def hit(self, bucket: str, key: str, limit: int, window: float) -> bool:
        """Count one hit; False when the key is over its limit (the hit is not counted then)."""
        key_hash = self._hash(key)
        with transaction(self._factory) as s:
            if self._count(s, bucket, key_hash, window) >= limit:
                return False
            s.add(RateLimitHit(bucket=bucket, key_hash=key_hash, at=self._clock.now()))
        self._maybe_purge()
        return True

    def add(self, bucket: str, key: str) -> None:
        """Count one hit without checking (an action that is counted only once it succeeded)."""
        with transaction(self._factory) as s:
            s.add(RateLimitHit(bucket=bucket, key_hash=self._hash(key), at=self._clock.now()))
        self._maybe_purge()

    def reset(self, bucket: str, key: str) -> None:
        with transaction(self._factory) as s:
            s.execute(delete(RateLimitHit).where(RateLimitHit.bucket == bucket, RateLimitHit.key_hash == self._hash(key)))

    def _maybe_purge(self) -> None:
        self._since_purge += 1
        if self._since_purge >= self.PURGE_EVERY:
            self._since_purge = 0
            with transaction(self._factory) as s:
                s.execute(delete(RateLimitHit).where(RateLimitHit.at < self._clock.now() - self.MAX_WINDOW))


def client_key() -> str:
    """The client's address: the connecting one, or the one trusted proxies reported (ProxyFix)."""
    return request.remote_addr or "unknown"


class SchemeAwareSessions(SecureCookieSessionInterface):
    """The session cookie is ``Secure`` exactly when the request came over https.

    Over plain http a ``Secure`` cookie is never sent back, so the CSRF token in
    the session is lost and every form fails; over https it must be ``Secure``.
    The scheme is the request's own, or X-Forwarded-Proto from trusted proxies.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request.is_secure) if has_request_context() else bool(app.config["SESSION_COOKIE_SECURE"])


def server_options(trusted_proxies: int) -> dict[str, Any]:
    """waitress options to go with the app: waitress drops X-Forwarded-* headers by default (its own
    ``clear_untrusted_proxy_headers``); with trusted proxies the app's ProxyFix must see them, so they stay."""
    return {"clear_untrusted_proxy_headers": False} if trusted_proxies > 0 else {}


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")


def plain_http_warning(host: str, trusted_proxies: int) -> str | None:
    """The start-up warning for serving plain http beyond this machine (None when there is nothing to say)."""
    if trusted_proxies > 0 or host in LOOPBACK_HOSTS or host.startswith("127."):
        return None
    return (f"warning: serving plain http on {host}: passwords and session cookies cross the network unencrypted "
            "(cookies are not marked Secure over http). Serve HTTPS through a TLS reverse proxy and set "
            "HEALTHPULSE_TRUSTED_PROXIES to the number of proxies in front.")


def limiter() -> RateLimiter:
    """The app's limiter over the container's database (built on first use)."""
    lim: RateLimiter | None = current_app.extensions.get("healthpulse.limiter")
    if lim is None:
        c = current_app.extensions["healthpulse"]
        # Salted with the secret key when one is configured, so counters survive restarts but hashes of
        # addresses cannot be precomputed; tests and the demo (random per-process key) use no salt.
        salt = current_app.config["SECRET_KEY"] if c.settings.secret_key is not None else ""
        lim = current_app.extensions["healthpulse.limiter"] = RateLimiter(c.session_factory, c.clock, salt=salt)
    return lim


def rate_limited(bucket: str, limit: int, window: float, methods: tuple[str, ...] = ("POST",)) -> Callable[..., Any]:
    """Decorator: 429 once a client exceeds ``limit`` requests of ``methods`` per ``window`` seconds."""

    def deco(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if request.method in methods and not limiter().hit(bucket, client_key(), limit, window):
                abort(429)
            return view(*args, **kwargs)

        return wrapper

    return deco


def init_security(app: Flask) -> None:
    @app.before_request
    def _upload_limit() -> None:
        # The video blueprint accepts recordings up to max_upload_mb; everything else keeps the small limit.
        bp = request.blueprint or ""
        if bp.startswith("video"):
            settings = app.extensions["healthpulse.settings"]
            request.max_content_length = int(settings.max_upload_mb) * 1024 * 1024
        elif request.endpoint == "calls.recording":  # a call recording: its own limit, plus room for the form
            settings = app.extensions["healthpulse.settings"]
            request.max_content_length = (int(settings.max_recording_mb) + 1) * 1024 * 1024

    @app.after_request
    def _headers(response: Any) -> Any:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.path.startswith(("/api/", "/department", "/press", "/admin", "/auth")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
