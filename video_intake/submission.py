"""A finished upload becomes a video appeal with a tracking code.

The file is validated first (ffprobe + a decode pass, a few seconds at
most): a broken or wrong file is refused with its reason and deleted —
nothing half-stored, no appeal.  An accepted file moves into the appeal's
folder, the appeal (status ``received``) and its media row are written, and
the transcription job is enqueued in the same transaction.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from healthpulse.appeals.lifecycle import create_appeal, get_by_code
from healthpulse.core.context import CoreContext
from healthpulse.core.domain import Channel
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.uploads import VideoMediaRow, VideoUploadRow
from healthpulse.video_intake.errors import N_
from healthpulse.video_intake.storage import VideoStorage
from healthpulse.video_intake.uploads import UploadError, valid_upload_id
from healthpulse.video_intake.validation import VideoRejected, validate_video

log = logging.getLogger(__name__)

TRANSCRIBE_JOB = "video.transcribe"


@dataclass(frozen=True)
class Submitted:
    appeal_id: str
    tracking_code: str
    created: bool


def transcribe_job_key(appeal_id: str) -> str:
    return f"{TRANSCRIBE_JOB}:{appeal_id}"


def submit_upload(container: CoreContext, upload_id: str) -> Submitted:
    """Turn a complete upload into an appeal; idempotent (a second call returns the same code).

    Raises ``UploadError`` (not found / incomplete) or ``VideoRejected`` (the file is not acceptable).
    """
    storage = VideoStorage.from_settings(container.settings)
    settings = container.settings
    with container.session() as s:
        upload = s.get(VideoUploadRow, upload_id) if valid_upload_id(upload_id) else None
        if upload is None or upload.state == "terminated":
            raise UploadError(404, N_("No such upload."), "not_found")
        if upload.state == "submitted" and upload.appeal_id:
            appeal = s.get(AppealRow, upload.appeal_id)
            assert appeal is not None
            return Submitted(appeal.id, appeal.tracking_code, created=False)
        if upload.state != "complete":
            raise UploadError(409, N_("The upload is not complete yet."), "incomplete")
        part = storage.upload_path(upload_id)
        try:
            info = validate_video(part, min_seconds=settings.min_video_seconds, max_seconds=settings.max_video_seconds)
        except VideoRejected:
            part.unlink(missing_ok=True)
            upload.state = "terminated"
            upload.contact_phone = upload.contact_email = None
            upload.updated_at = container.clock.now()
            s.commit()
            raise
        now = container.clock.now()
        appeal = create_appeal(
            s, channel=Channel.VIDEO_APPEAL, now=now, language=upload.language, department_id=upload.region,
            contact_phone=upload.contact_phone, contact_email=upload.contact_email, consent=upload.consent,
        )
        target = storage.original_path(appeal.id, info.container)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(part, target)
        try:
            s.add(VideoMediaRow(
                appeal_id=appeal.id, upload_id=upload.id, original_path=str(target), filename=upload.filename,
                size=info.size, sha256=upload.sha256 or "", container=info.container, video_codec=info.video_codec,
                audio_codec=info.audio_codec, duration=info.duration, width=info.width, height=info.height,
                created_at=now, updated_at=now,
            ))
            upload.state = "submitted"
            upload.appeal_id = appeal.id
            upload.contact_phone = upload.contact_email = None  # now held by the appeal only
            upload.updated_at = now
            container.jobs.enqueue(TRANSCRIBE_JOB, {"appeal_id": appeal.id},
                                   idempotency_key=transcribe_job_key(appeal.id), session=s)
            s.flush()
        except Exception:
            os.replace(target, part)  # the transaction rolls back: put the bytes back where the upload expects them
            raise
        log.info("video appeal submitted appeal=%s code=%s duration=%.1f", appeal.id, appeal.tracking_code, info.duration)
        return Submitted(appeal.id, appeal.tracking_code, created=True)


def appeal_status(container: CoreContext, code: str) -> dict[str, object] | None:
    """What the citizen's status page shows: status, history, rejection reason, public reply — no contacts."""
    with container.session() as s:
        appeal = get_by_code(s, code)
        if appeal is None:
            return None
        return {
            "tracking_code": appeal.tracking_code,
            "channel": appeal.channel,
            "status": appeal.status,
            "history": [
                {"status": h.get("status"), "at": h.get("at")} for h in (appeal.status_history or [])
            ],
            "rejection_reason": appeal.rejection_reason,
            "public_reply": appeal.public_reply,
            "created_at": appeal.created_at.isoformat() if appeal.created_at else None,
        }
