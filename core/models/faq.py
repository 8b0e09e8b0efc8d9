"""FAQ entries per topic and language, with usefulness votes (web area)."""

from __future__ import annotations

from datetime import datetime

from healthpulse.core.domain import utcnow
from healthpulse.core.models.base import Base
from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class FaqEntry(Base):
    """One question and answer shown to citizens; ``useful_yes``/``useful_no`` count their votes."""

    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(8), index=True)
    question: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    useful_yes: Mapped[int] = mapped_column(Integer, default=0)
    useful_no: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
