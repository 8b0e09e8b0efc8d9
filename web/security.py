"""Security plumbing shared by every blueprint: headers, CSP, rate limits.

The rate limiter is an in-memory sliding window per (bucket, client); waitress
serves one process with threads, so a lock-protected dict is enough and keeps
the embedded mode free of extra services.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, request

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
    """Sliding-window limiter: at most ``limit`` hits per ``window`` seconds per key."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, bucket: str, key: str, limit: int, window: float) -> bool:
        """Record one hit; False when the key is over its limit (the hit is not counted then)."""
        now = self._clock()
        with self._lock:
            q = self._hits.setdefault((bucket, key), deque())
            while q and q[0] <= now - window:
                q.popleft()
            if len(q) >= limit:
                return False
            q.append(now)
            if len(self._hits) > 50_000:  # bound memory under a flood of distinct clients
                self._evict(now - window)
            return True

    def blocked(self, bucket: str, key: str, limit: int, window: float) -> bool:
        """True when ``key`` already used up its budget (does not count a hit)."""
        now = self._clock()
        with self._lock:
            q = self._hits.get((bucket, key))
            if not q:
                return False
            while q and q[0] <= now - window:
                q.popleft()
            return len(q) >= limit

    def reset(self, bucket: str, key: str) -> None:
        with self._lock:
            self._hits.pop((bucket, key), None)

    def _evict(self, cutoff: float) -> None:
        for k in [k for k, q in self._hits.items() if not q or q[-1] <= cutoff]:
            del self._hits[k]


def client_key() -> str:
    return request.remote_addr or "unknown"


def limiter() -> RateLimiter:
    return current_app.extensions["healthpulse.limiter"]  # type: ignore[no-any-return]


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

    @app.after_request
    def _headers(response: Any) -> Any:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.path.startswith(("/api/", "/department", "/press", "/admin", "/auth")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
