"""``python -m tests.support.slow_worker [worker args]``: the real `healthpulse worker` command with one more job
kind, ``test.slow``, whose handler marks that it started and then works for ten minutes (for signal tests)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from healthpulse.cli import main
from healthpulse.core.jobs import job_handler


@job_handler("test.slow")
def slow(context: Any, payload: dict[str, Any]) -> None:
    Path(payload["started"]).write_text("started", encoding="utf-8")
    time.sleep(600)


if __name__ == "__main__":
    sys.exit(main(["worker", *sys.argv[1:]]))
