"""A real threaded werkzeug server running the web app on a free local port (for tests over real HTTP)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import make_server


@contextmanager
def serve_app(container: Any) -> Iterator[str]:
    """Serve ``create_app(container=container)`` in a thread; yields the base URL, shuts down afterwards."""
    from healthpulse.web.app import create_app

    server = make_server("127.0.0.1", 0, create_app(container=container), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
