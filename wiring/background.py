"""The in-process worker of embedded mode: jobs run in a thread beside the web server.

Why: with no broker and no separate `healthpulse worker`, a demo or a small
single-office deployment still transcribes video appeals, delivers
notifications and checks SLA deadlines.  Larger deployments run
`healthpulse worker` processes instead (``serve --no-worker``).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from healthpulse.wiring.press_digest import schedule_digest

if TYPE_CHECKING:
    from healthpulse.wiring.container import Container

log = logging.getLogger(__name__)


class BackgroundWorker:
    def __init__(self, container: Container, poll_seconds: float | None = None):
        self.container = container
        self.poll_seconds = poll_seconds or container.settings.jobs.poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> BackgroundWorker:
        self._thread = threading.Thread(target=self._run, name="healthpulse-worker", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        schedule_digest(self.container, self.container.clock.now())  # the daily press digest's first run
        self.container.worker.run_forever(self.poll_seconds, stop=self._stop.is_set)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
