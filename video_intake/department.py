"""What the web views show about a video appeal, filtered by who is looking.

The assigned department sees the raw transcript (the citizen may have said a
phone number to be called back); everyone else — admins included — sees it
with contacts masked.  The original video URL is offered only to those
``can_view_video`` allows.  Views call this instead of reading the tables.
"""

from __future__ import annotations

from typing import Any

from healthpulse.core.context import CoreContext
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.uploads import VideoMediaRow
from healthpulse.video_intake.privacy import can_see_contacts, can_view_video, mask_contacts


def video_appeal_view(container: CoreContext, appeal_id: str, principal: Any) -> dict[str, Any] | None:
    """Transcript segments, duration, language and (if allowed) player URLs for one video appeal."""
    with container.session() as s:
        appeal = s.get(AppealRow, appeal_id)
        media = s.get(VideoMediaRow, appeal_id)
        if appeal is None or media is None:
            return None
        raw = can_see_contacts(principal, appeal)
        segments = [
            {"start": seg["start"], "end": seg["end"], "text": seg["text"] if raw else mask_contacts(seg["text"])}
            for seg in (media.segments or [])
        ]
        watch = can_view_video(principal, appeal)
        return {
            "appeal_id": appeal.id,
            "tracking_code": appeal.tracking_code,
            "status": appeal.status,
            "language": media.transcript_language,
            "duration": media.duration,
            "segments": segments,
            "transcript": " ".join(seg["text"] for seg in segments),
            "contacts_visible": raw,
            "can_watch": watch,
            "video_url": f"/video/appeals/{appeal.id}/original" if watch else None,
            "poster_url": f"/video/appeals/{appeal.id}/poster" if watch and media.poster_path else None,
        }
