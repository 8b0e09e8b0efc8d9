"""One Twisted reactor per process, running in a daemon thread.

Twisted's reactor cannot be restarted once stopped, so ``CrawlerProcess``
allows one crawl per process.  Instead the reactor is started once, in a
background thread (no signal handlers), and every crawl run is scheduled on
it with ``CrawlerRunner`` via ``callFromThread``.  The caller's thread stays
free to consume handed-off documents and run the (blocking) core pipeline —
NLP and database writes never run on the reactor thread — and tests, the
``--once`` CLI and the scheduling loop can run as many crawls as they like in
one process.  (A subprocess per run would also work but would need the
container rebuilt in the child and items serialised back.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_lock = threading.Lock()
_thread: threading.Thread | None = None


def reactor() -> Any:
    """Install (if needed) and start the process-wide reactor thread; return the reactor."""
    global _thread
    with _lock:
        # Deferred: importing the reactor installs it, which must happen here, once, on demand.
        from twisted.internet import reactor as _reactor

        if _thread is None or not _thread.is_alive():
            if getattr(_reactor, "running", False):
                # someone else runs the reactor in this process; schedule onto it
                return _reactor
            run = _reactor.run  # type: ignore[misc]
            _thread = threading.Thread(
                target=run, kwargs={"installSignalHandlers": False}, name="twisted-reactor", daemon=True
            )
            _thread.start()
        return _reactor


def call_in_reactor(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    reactor().callFromThread(fn, *args, **kwargs)
