"""Text appeals (web form, hotline operator, e-mail gateway, API) into the pipeline.

Accepting an appeal is quick and all-or-nothing: the appeal with its tracking code,
its text as a (not yet analysed) document and the job that will analyse it commit in
one transaction, and the citizen gets the code at once.  The job (``appeals/jobs.py``)
then runs the pipeline: analysis, routing, the appeal's ticket and alerts.  NLP never
runs inside the request, and a worker that is down only delays the analysis.
"""

from __future__ import annotations

from datetime import datetime
from typing import Unpack

from healthpulse.appeals.lifecycle import (
    AppealDetails,
    AppealError,
    appeal_document_id,
    create_appeal,
    link_document,
)
from healthpulse.core.context import IngestingContext
from healthpulse.core.domain import Channel, Document
from healthpulse.text.unstorable import unstorable_problem

MAX_APPEAL_CHARS = 20_000
ANALYSE_JOB = "appeals.analyse"


def refuse_unstorable(**fields: str | None) -> None:
    """An appeal field no database can store (a lone surrogate, NUL) is refused with its name, before anything is written."""
    for name, value in fields.items():
        if isinstance(value, str) and (problem := unstorable_problem(value)):
            raise AppealError(f"'{name}' {problem}")


def submit_text_appeal(
    container: IngestingContext,
    *,
    text: str,
    consent: bool,
    channel: Channel | str = Channel.TEXT_APPEAL,
    title: str | None = None,
    submitted_at: datetime | None = None,
    **details: Unpack[AppealDetails],
) -> str:
    """Accept a text appeal and queue its analysis; returns its tracking code."""
    text = (text or "").strip()
    if not text:
        raise AppealError("the appeal text is empty")
    if len(text) > MAX_APPEAL_CHARS:
        raise AppealError(f"the appeal text is longer than {MAX_APPEAL_CHARS} characters")
    refuse_unstorable(text=text, title=title, **details)
    department_id = details.get("department_id")
    if department_id is not None and container.departments.get(department_id) is None:
        raise AppealError(f"unknown region '{department_id}'")
    now = submitted_at or container.clock.now()
    with container.session() as s:
        appeal = create_appeal(s, channel=channel, now=now, consent=consent, **details)
        doc_id = appeal_document_id(appeal)
        link_document(appeal, doc_id)
        container.pipeline.store_pending(s, Document(
            id=doc_id, channel=Channel(str(channel)), source=str(channel), title=title, text=text,
            language_hint=details.get("language"), department_hint=department_id, published_at=now, fetched_at=now))
        container.jobs.enqueue(ANALYSE_JOB, {"appeal_id": appeal.id}, idempotency_key=f"{ANALYSE_JOB}:{appeal.id}",
                               session=s)
        return appeal.tracking_code
