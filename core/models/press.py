"""The press office's saved dashboard views: a named set of filters per user."""

from __future__ import annotations

from datetime import datetime

from healthpulse.core.domain import utcnow
from healthpulse.core.models.base import Base, UTCDateTime
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column


class SavedViewRow(Base):
    """A user's named dashboard filters, stored as the validated query string (one name per user)."""

    __tablename__ = "press_saved_views"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
