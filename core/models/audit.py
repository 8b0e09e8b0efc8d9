"""The audit log of admin-edited configuration: who changed the alert rules or the SLA hours, when, and what.

Tickets keep their own trail (``ticket_events``); this one is for changes that
affect every future ticket and alert.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.core.models.base import Base, UTCDateTime
from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class ConfigChangeRow(Base):
    __tablename__ = "config_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(32), index=True)  # rules | sla
    summary: Mapped[str] = mapped_column(Text)  # one line: "high: 24 → 12", "rules: 1 line added, 1 removed"
    diff: Mapped[str | None] = mapped_column(Text)  # the unified diff of a text change
    # The change as data, for pages that show it in their own language: {"high": [24, 12]}, {"added": 4, "removed": 0}
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
