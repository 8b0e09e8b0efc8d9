"""Text appeals (web form, hotline operator, e-mail gateway, API) into the pipeline.

Registers the appeal with its tracking code and links its future document
first, then ingests the text: the alert engine's post-ingest hook finds the
appeal by document id and opens its ticket.
"""

from __future__ import annotations

from datetime import datetime

from healthpulse.appeals.lifecycle import (
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
    language: str | None = None,
    department_id: str | None = None,
    topic: str | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    contact_email: str | None = None,
    submitted_at: datetime | None = None,
) -> str:
    """Store, analyse and route a text appeal; returns its tracking code."""
    text = (text or "").strip()
    if not text:
        raise AppealError("the appeal text is empty")
    if len(text) > MAX_APPEAL_CHARS:
        raise AppealError(f"the appeal text is longer than {MAX_APPEAL_CHARS} characters")
    if department_id is not None and container.departments.get(department_id) is None:
        raise AppealError(f"unknown region '{department_id}'")
    now = submitted_at or container.clock.now()
    with container.session() as s:
        appeal = create_appeal(s, channel=channel, now=now, language=language, department_id=department_id, topic=topic,
                               contact_name=contact_name, contact_phone=contact_phone, contact_email=contact_email,
                               consent=consent)
        doc_id = appeal_document_id(appeal)
        link_document(appeal, doc_id)
        code = appeal.tracking_code
    doc = Document(id=doc_id, channel=Channel(str(channel)), source=str(channel), title=title, text=text,
                   language_hint=language, department_hint=department_id, published_at=now, fetched_at=now)
    result = container.pipeline.ingest(doc)
    with container.session() as s:
        appeal = get_by_code(s, code)
        if appeal is not None and appeal.status == AppealStatus.RECEIVED and result.analysis is not None:
            set_status(s, appeal, AppealStatus.ANALYSED, container.clock.now())
    return code
