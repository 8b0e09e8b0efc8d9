"""Staff corrections of stored analyses, and place aliases confirmed from them.

A correction row is the audit record of one field changed on one document
(old → new as JSON, who, when, why): the stored analysis is updated in place,
the rows keep what the model said, so corrections can be exported as training
labels and counted in KPIs.  A place alias is a place text an admin confirmed
as belonging to a department; wiring merges the confirmed ones into the
departments the NLP analyzer is built with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.core.models.base import Base, UTCDateTime
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

CORRECTABLE_FIELDS = ("incident", "severity", "sentiment", "topics", "department")


class CorrectionRow(Base):
    __tablename__ = "analysis_corrections"
    __table_args__ = (Index("ix_analysis_corrections_doc_at", "document_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(128), ForeignKey("documents.id"))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    # The document's department before this correction: who the analysis was routed to (for KPIs).
    department_before: Mapped[str | None] = mapped_column(String(64), index=True)
    user: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class PlaceAliasRow(Base):
    __tablename__ = "place_aliases"
    __table_args__ = (UniqueConstraint("department_id", "place", name="uq_place_aliases_department_place"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    department_id: Mapped[str] = mapped_column(String(64), index=True)
    place: Mapped[str] = mapped_column(String(200))
    document_id: Mapped[str | None] = mapped_column(String(128))  # the corrected document it came from
    confirmed_by: Mapped[str] = mapped_column(String(200))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime())
