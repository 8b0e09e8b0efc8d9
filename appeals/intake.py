"""Text appeals (web form, hotline operator, e-mail gateway, API) into the pipeline.

Registers the appeal with its tracking code and links its future document
first, then ingests the text: the alert engine's post-ingest hook finds the
appeal by document id and opens its ticket.
"""

from __future__ import annotations

from datetime import datetime
from typing import Unpack

from healthpulse.appeals.lifecycle import (
    AppealDetails,
    AppealError,
    appeal_document_id,
    create_appeal,
    get_by_code,
    link_document,
    set_status,
)
from healthpulse.core.context import IngestingContext
from healthpulse.core.domain import AppealStatus, Channel, Document

MAX_APPEAL_CHARS = 20_000


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
    """Store, analyse and route a text appeal; returns its tracking code."""
    text = (text or "").strip()
    if not text:
        raise AppealError("the appeal text is empty")
    if len(text) > MAX_APPEAL_CHARS:
        raise AppealError(f"the appeal text is longer than {MAX_APPEAL_CHARS} characters")
    department_id = details.get("department_id")
    if department_id is not None and container.departments.get(department_id) is None:
        raise AppealError(f"unknown region '{department_id}'")
    now = submitted_at or container.clock.now()
    with container.session() as s:
        appeal = create_appeal(s, channel=channel, now=now, consent=consent, **details)
        doc_id = appeal_document_id(appeal)
        link_document(appeal, doc_id)
        code = appeal.tracking_code
    doc = Document(id=doc_id, channel=Channel(str(channel)), source=str(channel), title=title, text=text,
                   language_hint=details.get("language"), department_hint=department_id, published_at=now, fetched_at=now)
    result = container.pipeline.ingest(doc)
    with container.session() as s:
        stored = get_by_code(s, code)
        if stored is not None and stored.status == AppealStatus.RECEIVED and result.analysis is not None:
            set_status(s, stored, AppealStatus.ANALYSED, container.clock.now())
    return code
