"""The search index push of one batch, run on a thread while the caller stores and stages the next.

Why: in a bulk ingest the index push (the outbox drain: read, bulk request, delete) mostly waits on
the search cluster, while storing and the post-ingest stages mostly work in Python and the database;
one after the other they add up (benchmarks/scale.py). At most one push is in flight: the next batch's
push first waits for the last one, so a slow cluster slows ingest down instead of piling up work.
The outbox stays the record of what is not indexed yet: a push that fails leaves its rows for the next
drain, as a synchronous one would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class BackgroundPush:
    def __init__(self, drain: Callable[[], object]):
        self._drain = drain
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def submit(self, push: Callable[[], object] | None = None) -> None:
        """Start ``push`` (default: a drain of what the outbox holds now), once the one in flight (if any)
        has finished."""
        self.wait()
        self._thread = threading.Thread(target=self._run, args=(push or self._drain,), name="healthpulse-index-push",
                                        daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Wait for the push in flight; raise what it raised (a database error: the rows stay queued)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        error, self._error = self._error, None
        if error is not None:
            raise error

    def _run(self, push: Callable[[], object]) -> None:
        try:
            push()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread by wait()
            self._error = exc
