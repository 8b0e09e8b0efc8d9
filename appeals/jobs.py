"""The ``appeals.analyse`` job: a text appeal accepted by ``appeals.intake`` is analysed, routed and ticketed.

Retried with backoff by the queue when the analysis fails (the appeal waits as
"received", nothing is lost); when every attempt failed, the dead-letter handler
routes the appeal without an analysis so that a person reads it.  Safe to repeat:
``finish_pending`` re-runs idempotent stages (one ticket per appeal).
"""

from __future__ import annotations

import logging
from typing import Any

from healthpulse.appeals.intake import ANALYSE_JOB
from healthpulse.appeals.lifecycle import set_status
from healthpulse.core.context import IngestingContext
from healthpulse.core.domain import Analysis, AppealStatus
from healthpulse.core.jobs import PermanentJobError, dead_letter_handler, job_handler
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.stages import IngestResult

log = logging.getLogger(__name__)
ANALYSIS_FAILED = "automatic analysis failed; read the appeal's text"


def _document_of(container: IngestingContext, payload: dict[str, Any]) -> tuple[str, str]:
    appeal_id = payload.get("appeal_id")
    if not isinstance(appeal_id, str):
        raise PermanentJobError(f"bad payload {payload!r}")
    with container.session() as s:
        appeal = s.get(AppealRow, appeal_id)
        if appeal is None or not appeal.document_id:
            raise PermanentJobError(f"no text appeal {appeal_id}")
        return appeal_id, appeal.document_id


def _finished(container: IngestingContext, appeal_id: str, results: list[IngestResult]) -> None:
    if not results:
        raise PermanentJobError(f"appeal {appeal_id}: its document is missing")
    with container.session() as s:
        appeal = s.get(AppealRow, appeal_id)
        if appeal is not None and appeal.status == AppealStatus.RECEIVED and results[0].analysis is not None:
            set_status(s, appeal, AppealStatus.ANALYSED, container.clock.now())


@job_handler(ANALYSE_JOB)
def analyse_appeal(container: IngestingContext, payload: dict[str, Any]) -> None:
    appeal_id, document_id = _document_of(container, payload)
    _finished(container, appeal_id, container.pipeline.finish_pending([document_id]))


@dead_letter_handler(ANALYSE_JOB)
def analysis_gave_up(container: IngestingContext, payload: dict[str, Any], error: str) -> None:
    """Every attempt failed (a broken model): the department still gets the appeal, marked for a person to read."""
    appeal_id, document_id = _document_of(container, payload)
    fallback = Analysis(warnings=[ANALYSIS_FAILED], needs_review=True, review_reasons=[ANALYSIS_FAILED])
    _finished(container, appeal_id, container.pipeline.finish_pending([document_id], fallback=fallback))
    log.error("text appeal %s: analysis gave up (%s); routed without analysis", appeal_id, error[:200])
