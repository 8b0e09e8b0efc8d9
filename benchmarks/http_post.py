"""The POST loop the load benchmarks share: JSON bodies over one keep-alive connection per thread, timed.

A connection that breaks (the server closed it, a reset under load) counts as status 0 and is reopened on the
next request, so a benchmark reports lost requests instead of dying.
"""

from __future__ import annotations

import http.client
import json
import threading
import time


class JsonPoster:
    """POST JSON to ``path`` on 127.0.0.1:``port``; ``headers`` go with every request (e.g. a bearer token)."""

    def __init__(self, port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 300.0):
        self.port, self.path, self.timeout = port, path, timeout
        self.headers = {"Content-Type": "application/json", **(headers or {})}
        self.local = threading.local()

    def post(self, body: object, headers: dict[str, str] | None = None) -> tuple[int, float]:
        """(HTTP status or 0 for a broken connection, seconds from sending to the whole answer read)."""
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        data = json.dumps(body).encode()
        t0 = time.perf_counter()
        try:
            conn.request("POST", self.path, body=data, headers={**self.headers, **(headers or {})})
            resp = conn.getresponse()
            resp.read()
            status = resp.status
        except OSError:
            self.local.conn = None
            status = 0
        return status, time.perf_counter() - t0
