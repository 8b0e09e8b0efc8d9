"""Hotline call recordings: a PBX posts a call's audio; it becomes a ``hotline`` appeal and goes through the same
``video.transcribe`` job (audio extraction, Whisper, NLP) as a video appeal.

The file is checked with ffprobe and one decode pass before anything is kept:
an unknown call, a refused file or a file over the limits is deleted and the
PBX gets the reason.  An accepted recording becomes an appeal with the
caller's number as its contact (masked for everyone but the assigned
department), routed by the call's IVR path unless the transcript names a
more specific place.  Posting the same call's recording again returns the
same tracking code.

Language: when the exchange says which language the caller chose in its IVR menu
("press 1 for Arabic"), Whisper transcribes in that language; otherwise it
detects among the deployment's languages.  Detection is unreliable on short,
narrow-band calls (Whisper base hears synthetic Arabic and Persian as English),
so an exchange with a language menu should pass the choice on.  We never guess
it from the department: a Cairo line also takes calls in English.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from healthpulse.appeals.lifecycle import create_appeal
from healthpulse.core.context import CoreContext
from healthpulse.core.domain import Channel
from healthpulse.core.errors import HealthpulseError
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.calls import CallRow
from healthpulse.core.models.uploads import VideoMediaRow
from healthpulse.text.language_tags import primary_language
from healthpulse.video_intake.storage import VideoStorage, file_sha256
from healthpulse.video_intake.submission import TRANSCRIBE_JOB, transcribe_job_key
from healthpulse.video_intake.validation import VideoRejected, _duration, _play, _probe, _sniff
from sqlalchemy import select

log = logging.getLogger(__name__)

# ffprobe's format names → the file's extension as stored
RECORDING_FORMATS = {"wav": "wav", "mp3": "mp3", "ogg": "ogg", "mov": "m4a", "mp4": "m4a", "m4a": "m4a"}
RECORDING_CODECS = {"pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_u8", "pcm_mulaw",
                    "pcm_alaw", "adpcm_ms", "adpcm_ima_wav", "gsm_ms", "mp3", "vorbis", "opus", "aac"}
MIN_RECORDING_SECONDS = 0.5


class RecordingRejected(HealthpulseError):
    """A recording the API refuses: ``status`` (404 unknown call, 413 too big, 422 not acceptable), ``code`` and
    an English ``reason`` for the PBX's logs."""

    error_code = "invalid"

    def __init__(self, status: int, code: str, reason: str):
        super().__init__(reason)
        self.status, self.code, self.reason = status, code, reason


@dataclass(frozen=True)
class RecordingInfo:
    container: str
    audio_codec: str
    duration: float
    size: int


@dataclass(frozen=True)
class RecordingAccepted:
    appeal_id: str
    tracking_code: str
    created: bool


def validate_recording(path: Path, *, max_seconds: float) -> RecordingInfo:
    """ffprobe + one decode pass: wav, mp3, ogg/opus or m4a with one audio stream, not cut off, within the limits."""
    size = path.stat().st_size if path.exists() else 0
    if size == 0:
        raise RecordingRejected(422, "empty", "the file is empty")
    try:
        _sniff(path)
        probe = _probe(path)
    except VideoRejected as err:
        raise RecordingRejected(422, "not_audio", f"not an audio recording we can read ({err.code})") from None
    names = probe.get("format", {}).get("format_name", "").split(",")
    container = next((RECORDING_FORMATS[n] for n in names if n in RECORDING_FORMATS), None)
    streams: list[dict[str, Any]] = probe.get("streams", [])
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if container is None:
        raise RecordingRejected(422, "unsupported_format",
                                f"unsupported format {','.join(names) or 'unknown'}; send wav, mp3, ogg/opus or m4a")
    if audio is None:
        raise RecordingRejected(422, "no_audio", "the file has no audio stream")
    if audio.get("codec_name") not in RECORDING_CODECS:
        raise RecordingRejected(422, "unsupported_codec", f"unsupported audio codec {audio.get('codec_name')}")
    declared = _duration(probe, [audio])
    if declared is not None and declared > max_seconds:
        raise RecordingRejected(422, "too_long", f"the recording lasts {round(declared)} s; at most {max_seconds} s")
    try:
        played = _play(path, "a")
    except VideoRejected:
        raise RecordingRejected(422, "damaged", "the recording is damaged or cut off") from None
    if declared is not None and played < declared - max(1.0, 0.1 * declared):
        raise RecordingRejected(422, "damaged", "the recording is damaged or cut off")
    duration = declared or played
    if duration < MIN_RECORDING_SECONDS:
        raise RecordingRejected(422, "too_short", f"the recording lasts {duration:.1f} s; at least "
                                                  f"{MIN_RECORDING_SECONDS} s")
    if duration > max_seconds:
        raise RecordingRejected(422, "too_long", f"the recording lasts {round(duration)} s; at most {max_seconds} s")
    return RecordingInfo(container, str(audio["codec_name"]), round(duration, 3), size)


def recording_language(raw: str | None, languages: Sequence[str]) -> str | None:
    """The IVR language choice an exchange sent (``ar``, ``AR``, ``ar-EG`` → ``ar``), or None when it sent none;
    ``RecordingRejected`` (422) for a language the deployment does not serve."""
    code = primary_language(raw)
    if code is None:
        return None
    if code not in languages:
        raise RecordingRejected(422, "unknown_language",
                                f"language {str(raw).strip()[:16]!r} is not one of {', '.join(languages)}")
    return code


def submit_recording(container: CoreContext, call_id: str, path: Path, filename: str | None,
                     language: str | None = None) -> RecordingAccepted:
    """The call's recording as a hotline appeal (transcription queued in the same transaction).

    ``path`` is a file the caller wrote; it is moved into the appeal's folder or deleted, never left behind.
    ``language`` (from ``recording_language``) is the caller's IVR language choice: the transcription's hint.
    """
    try:
        with container.session() as s:
            call = s.get(CallRow, call_id)
            if call is None:
                raise RecordingRejected(404, "unknown_call", f"no call '{call_id}': post its events first")
            if call.appeal_id:
                appeal = s.get(AppealRow, call.appeal_id)
                assert appeal is not None
                return RecordingAccepted(appeal.id, appeal.tracking_code, created=False)
            info = validate_recording(path, max_seconds=container.settings.max_recording_seconds)
            now = container.clock.now()
            # Calling the hotline is the request to handle the matter: the consent an appeal needs.
            appeal = create_appeal(s, channel=Channel.HOTLINE, now=now, consent=True, topic=call.topic,
                                   language=language,
                                   contact_phone=call.from_number if call.direction != "outbound" else call.to_number)
            target = VideoStorage.from_settings(container.settings).appeal_dir(appeal.id) / f"call.{info.container}"
            target.parent.mkdir(parents=True, exist_ok=True)
            sha = file_sha256(path)
            os.replace(path, target)
            try:
                s.add(VideoMediaRow(appeal_id=appeal.id, original_path=str(target), filename=(filename or "")[:255],
                                    size=info.size, sha256=sha, container=info.container, audio_codec=info.audio_codec,
                                    duration=info.duration, created_at=now, updated_at=now))
                call.appeal_id = appeal.id
                container.jobs.enqueue(TRANSCRIBE_JOB, {"appeal_id": appeal.id},
                                       idempotency_key=transcribe_job_key(appeal.id), session=s)
                s.flush()
            except Exception:
                target.unlink(missing_ok=True)
                raise
            log.info("hotline recording call=%s appeal=%s duration=%.1f language=%s", call_id, appeal.id,
                     info.duration, language or "detect")
            return RecordingAccepted(appeal.id, appeal.tracking_code, created=True)
    finally:
        path.unlink(missing_ok=True)  # refused, a repeat, or already moved: nothing stays in the spool


def ivr_department_of(container: CoreContext, appeal_id: str) -> str | None:
    """The department the call's IVR path chose (the fallback when the transcript names no place)."""
    with container.session() as s:
        return s.scalar(select(CallRow.department_id).where(CallRow.appeal_id == appeal_id))
