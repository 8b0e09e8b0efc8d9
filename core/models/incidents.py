"""Incidents: the documents of every channel that report one real-world event, merged at ingest.

``incident_documents`` keeps, per document, the signals that linked it and their score, so a page
can say *why* a document joined; ``incident_decisions`` keeps staff splits and merges (the audit
trail, and the labelled pairs ``healthpulse incidents tune`` re-chooses the merge threshold from).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.core.models.base import Base, UTCDateTime
from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship


class IncidentRow(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    department_id: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="open")  # open | closed | merged
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    severity: Mapped[str | None] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    merged_into: Mapped[int | None] = mapped_column(Integer, ForeignKey("incidents.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Moves (in SQL, ``revision + 1``) whenever the incident's membership or span changes: ingest keeps the
    # open incidents it scored against between batches and re-reads only those whose revision moved.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)


class IncidentDocumentRow(Base):
    """One document's membership, with the evidence: {"department": true, "topics": [...], "cosine": 0.83, ...}."""

    __tablename__ = "incident_documents"

    # A document belongs to one incident at a time (a split moves it).
    document_id: Mapped[str] = mapped_column(String(128), ForeignKey("documents.id"), primary_key=True)
    incident_id: Mapped[int] = mapped_column(Integer, ForeignKey("incidents.id"), index=True)
    # Lets ingest link a report to an incident opened in the same batch before that incident has an id: the
    # batch's new incidents then go in with one multi-row INSERT at its flush, not one round trip each.
    incident: Mapped[IncidentRow] = relationship(IncidentRow, lazy="raise_on_sql")
    event_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    signals: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    linked_by: Mapped[str] = mapped_column(String(16), default="merge")  # opened | merge | staff
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IncidentDecisionRow(Base):
    """A staff correction: ``split`` (the document is not this event) or ``merge`` (these two are one)."""

    __tablename__ = "incident_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))  # split | merge
    incident_id: Mapped[int] = mapped_column(Integer, ForeignKey("incidents.id"), index=True)
    other_incident_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("incidents.id"), nullable=True)
    document_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # The merge score the machine had for the pair, so tuning can re-choose the threshold.
    score: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
