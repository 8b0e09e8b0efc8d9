"""The worker watches the hotline drop folder (``HEALTHPULSE_CALLS_DROP_FOLDER``) itself, without `calls watch`.

``calls.drop_folder_scan`` runs one ``drop_folder.scan`` and queues its next run
``calls_drop_scan_seconds`` later (one job per time slot, so several workers scan a
slot once).  A worker seeds the chain when it starts (``ensure_scheduled``).  Scans are
idempotent: an accepted file leaves the folder, a refused one goes to ``rejected/``,
and a recording of a call already taken is answered with the same appeal.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime, timedelta
from typing import Any

from healthpulse.core.context import CoreContext
from healthpulse.core.jobs import JobQueue, job_handler
from healthpulse.video_intake.drop_folder import scan

log = logging.getLogger(__name__)
DROP_SCAN_JOB = "calls.drop_folder_scan"
SETTLE_SECONDS = 5.0  # files modified more recently than this wait for the next scan (still being written)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _next_slot(now: datetime, seconds: float) -> datetime:
    return _EPOCH + timedelta(seconds=(math.floor((now - _EPOCH).total_seconds() / seconds) + 1) * seconds)


def schedule_scan(jobs: JobQueue, now: datetime, seconds: float) -> int | None:
    when = _next_slot(now, seconds)
    return jobs.enqueue(DROP_SCAN_JOB, {}, idempotency_key=f"{DROP_SCAN_JOB}@{when.isoformat()}", run_after=when)


def ensure_scheduled(context: CoreContext) -> bool:
    """Start the scan chain when a drop folder is configured (called once as a worker starts)."""
    if context.settings.calls_drop_folder is None:
        return False
    schedule_scan(context.jobs, context.clock.now(), float(context.settings.calls_drop_scan_seconds))
    return True


@job_handler(DROP_SCAN_JOB)
def scan_drop_folder(container: CoreContext, payload: dict[str, Any]) -> None:
    folder = container.settings.calls_drop_folder
    if folder is None:
        return  # the setting was removed: the chain ends here
    try:
        if folder.is_dir():
            report = scan(container, folder, settle_seconds=SETTLE_SECONDS,
                          language=container.settings.calls_drop_language)
            if report.accepted or report.rejected:
                log.info("drop folder %s: accepted %d, rejected %d", folder, len(report.accepted),
                         len(report.rejected))
        else:
            log.warning("drop folder %s (HEALTHPULSE_CALLS_DROP_FOLDER) is not a folder; trying again later", folder)
    finally:
        schedule_scan(container.jobs, container.clock.now(), float(container.settings.calls_drop_scan_seconds))
