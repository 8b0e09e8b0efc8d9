"""Rate-limit counters of the web app (login failures, appeals, lookups), kept in the database.

In the database, not in process memory, so a restart does not reset a
lockout and every worker process behind one address shares the same count.
The client key is stored only as a salted hash (no raw IP addresses or
usernames in the table).
"""

from __future__ import annotations

from datetime import datetime

from healthpulse.core.models.base import Base, UTCDateTime
from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class RateLimitHit(Base):
    """One counted request of a rate-limited action: which bucket, whose (hashed) key, when."""

    __tablename__ = "web_rate_hits"
    __table_args__ = (Index("ix_web_rate_hits_lookup", "bucket", "key_hash", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bucket: Mapped[str] = mapped_column(String(32))
    key_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
