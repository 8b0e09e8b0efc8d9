"""Free-text search in the ticket inbox: the title, the ticket's documents, the citizen's tracking code, the number.

A plain substring match, folded to lower case on both sides (SQLite gets a
Unicode-aware ``lower`` in ``core.db``, so Cyrillic, Arabic-script and
Vietnamese text fold as they do on PostgreSQL).  LIKE wildcards typed by
the user are matched literally.
"""

from __future__ import annotations

from typing import Any

from healthpulse.appeals.lifecycle import normalise_code
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.tickets import TicketDocumentRow, TicketRow
from sqlalchemy import exists, func, or_, select

MAX_QUERY_CHARS = 200


def ticket_search_condition(text: str) -> Any:
    """A WHERE clause matching tickets whose title, documents or tracking code contain ``text``."""
    needle = text.strip().lower()
    in_documents = exists(
        select(TicketDocumentRow.id).join(DocumentRow, DocumentRow.id == TicketDocumentRow.document_id).where(
            TicketDocumentRow.ticket_id == TicketRow.id,
            or_(func.lower(DocumentRow.text).contains(needle, autoescape=True),
                func.lower(func.coalesce(DocumentRow.title, "")).contains(needle, autoescape=True))))
    by_code = select(AppealRow.id).where(or_(func.lower(AppealRow.tracking_code).contains(needle, autoescape=True),
                                             AppealRow.tracking_code == normalise_code(text)))
    conditions = [func.lower(TicketRow.title).contains(needle, autoescape=True), in_documents,
                  TicketRow.appeal_id.in_(by_code)]
    number = needle.removeprefix("#")
    if number.isascii() and number.isdigit() and len(number) <= 9:
        conditions.append(TicketRow.id == int(number))
    return or_(*conditions)
