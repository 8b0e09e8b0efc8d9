"""Video uploads (tus protocol state) and the media of video appeals (video area)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.core.models.base import Base, UTCDateTime
from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class VideoUploadRow(Base):
    """One resumable upload: how much arrived, who sent it (hashed IP for the rate limit), what they consented to.

    States: ``uploading`` → ``complete`` → ``submitted`` (an appeal exists), or
    ``terminated`` (client cancelled / expired).  Contacts stay here only until
    submission copies them to the appeal.
    """

    __tablename__ = "video_uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    client_key: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    region: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(64))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    sha256: Mapped[str | None] = mapped_column(String(64))
    appeal_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("appeals.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VideoMediaRow(Base):
    """The stored original of a video appeal and what was derived from it (probe facts, audio, poster, transcript)."""

    __tablename__ = "video_media"

    appeal_id: Mapped[str] = mapped_column(String(64), ForeignKey("appeals.id"), primary_key=True)
    upload_id: Mapped[str | None] = mapped_column(String(32))
    original_path: Mapped[str] = mapped_column(Text)
    audio_path: Mapped[str | None] = mapped_column(Text)
    poster_path: Mapped[str | None] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    container: Mapped[str | None] = mapped_column(String(16))
    video_codec: Mapped[str | None] = mapped_column(String(16))
    audio_codec: Mapped[str | None] = mapped_column(String(16))
    duration: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    transcript_language: Mapped[str | None] = mapped_column(String(8))
    segments: Mapped[list[Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
