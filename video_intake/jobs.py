"""The ``video.transcribe`` job: validate → extract audio + poster → transcribe → pipeline.

Runs on the core job queue, never in the request.  Idempotent, because the
queue retries a job whose worker crashed: every step overwrites its own
output (derived files are written atomically), the Document id is stable
(``stable_id("appeal", appeal id)``, so re-ingesting updates instead of
duplicating), and an appeal already past transcription is left alone.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from healthpulse.appeals.lifecycle import link_document, set_status
from healthpulse.core.context import IngestingContext
from healthpulse.core.domain import Analysis, AppealStatus, Channel, Document, Media, Segment, stable_id
from healthpulse.core.jobs import PermanentJobError, dead_letter_handler, job_handler
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.tickets import TicketRow
from healthpulse.core.models.uploads import VideoMediaRow
from healthpulse.core.settings import Settings
from healthpulse.video_intake.media import extract_audio, poster_frame
from healthpulse.video_intake.model_cache import resolve_model_path
from healthpulse.video_intake.privacy import mask_contacts
from healthpulse.video_intake.recording import RecordingRejected, ivr_department_of, validate_recording
from healthpulse.video_intake.storage import VideoStorage, file_sha256
from healthpulse.video_intake.submission import TRANSCRIBE_JOB
from healthpulse.video_intake.transcriber import Transcript, WhisperTranscriber
from healthpulse.video_intake.validation import VideoRejected, validate_video
from sqlalchemy import select, update

log = logging.getLogger(__name__)

DONE = {AppealStatus.ANALYSED, AppealStatus.TICKET_OPENED, AppealStatus.CLOSED, AppealStatus.REJECTED}


@lru_cache(maxsize=4)
def _transcriber(model: str | None, cache_dir: str | None, threads: int, languages: tuple[str, ...],
                 beam_size: int = 5) -> WhisperTranscriber:

    path = resolve_model_path(model, Path(cache_dir) if cache_dir else None)
    return WhisperTranscriber(path, threads=threads, languages=languages, beam_size=beam_size)


def transcriber_for(settings: Settings) -> WhisperTranscriber:
    """One transcriber (and so one loaded model) per process and configuration."""
    cache = str(settings.model_cache_dir) if settings.model_cache_dir else None
    return _transcriber(settings.whisper_model, cache, settings.whisper_threads, tuple(settings.languages),
                        settings.whisper_beam_size)


def _move(container: IngestingContext, appeal_id: str, status: AppealStatus, note: str | None = None,
          reason: str | None = None) -> bool:
    """Move the appeal on; False (and no move) when another run of the job already finished it."""
    with container.session() as s:
        appeal = s.get(AppealRow, appeal_id)
        if appeal is None or AppealStatus(appeal.status) in DONE:
            return False
        if appeal.status != status:
            set_status(s, appeal, status, container.clock.now(), note, reason=reason)
        return True


@job_handler(TRANSCRIBE_JOB, queue="transcribe")
def transcribe_appeal(container: IngestingContext, payload: dict[str, Any]) -> None:
    appeal_id = payload.get("appeal_id")
    if not isinstance(appeal_id, str):
        raise PermanentJobError(f"bad payload {payload!r}")
    with container.session() as s:
        appeal = s.get(AppealRow, appeal_id)
        media = s.get(VideoMediaRow, appeal_id)
        if appeal is None or media is None:
            raise PermanentJobError(f"no video appeal {appeal_id}")
        if AppealStatus(appeal.status) in DONE:
            log.info("video appeal %s already %s; nothing to do", appeal_id, appeal.status)
            return
        language = appeal.language
        original = media.original_path
        expected_sha = media.sha256
        status = AppealStatus(appeal.status)
        is_call = appeal.channel == Channel.HOTLINE
    if status == AppealStatus.RECEIVED:
        _move(container, appeal_id, AppealStatus.VALIDATING)

    settings = container.settings
    storage = VideoStorage.from_settings(settings)
    original_path = Path(original)
    try:
        if not original_path.is_file():
            raise VideoRejected("missing", "The stored video file is missing.")
        if expected_sha and file_sha256(original_path) != expected_sha:
            raise VideoRejected("changed", "The stored video does not match what was uploaded.")
        if is_call:  # a hotline recording: audio only, its own limits
            duration = validate_recording(original_path, max_seconds=settings.max_recording_seconds).duration
        else:
            duration = validate_video(original_path, min_seconds=settings.min_video_seconds,
                                      max_seconds=settings.max_video_seconds).duration
    except RecordingRejected as refused:
        log.warning("hotline recording %s rejected: %s", appeal_id, refused.code)
        _move(container, appeal_id, AppealStatus.REJECTED, refused.code, reason=refused.reason)
        original_path.unlink(missing_ok=True)
        return
    except VideoRejected as rejected:
        log.warning("video appeal %s rejected: %s", appeal_id, rejected.code)
        _move(container, appeal_id, AppealStatus.REJECTED, rejected.code, reason=rejected.reason)
        original_path.unlink(missing_ok=True)
        return
    if not _move(container, appeal_id, AppealStatus.TRANSCRIBING):
        log.info("video appeal %s finished by another run of the job meanwhile", appeal_id)
        return
    audio = extract_audio(original_path, storage.audio_path(appeal_id))
    poster = "" if is_call else poster_frame(original_path, storage.poster_path(appeal_id), duration)
    transcript = transcriber_for(settings).transcribe_file(audio, language=language)
    finish_transcription(container, appeal_id, transcript, audio=audio, poster=poster, video_duration=duration)


def finish_transcription(container: IngestingContext, appeal_id: str, transcript: Transcript, *, audio: Path,
                         poster: Path | str, video_duration: float) -> None:
    """Store the transcript, hand the appeal's Document to the pipeline and mark the appeal analysed.

    Once only: the transcript is stored by the first run to get here (a compare-and-set on the media row);
    a second run of the same job (its first worker outlived the lease, or crashed after storing) goes on
    from what is stored, and writes nothing at all when the appeal is already past transcription.
    """
    doc_id = appeal_document_id_for(appeal_id)
    now = container.clock.now()
    with container.session() as s:
        stored = s.execute(
            update(VideoMediaRow)
            .where(VideoMediaRow.appeal_id == appeal_id, VideoMediaRow.transcript_language.is_(None))
            .values(audio_path=str(audio), poster_path=str(poster), duration=transcript.duration or video_duration,
                    transcript_language=transcript.language,
                    segments=[seg.model_dump() for seg in transcript.segments], updated_at=now)
        ).rowcount == 1  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult; Session.execute is typed as Result
        media = s.get(VideoMediaRow, appeal_id, populate_existing=True)
        appeal = s.get(AppealRow, appeal_id)
        assert media is not None and appeal is not None and media.transcript_language is not None
        if not stored:
            log.warning("video appeal %s: transcript already stored by another run of the job; keeping it", appeal_id)
        if AppealStatus(appeal.status) in DONE:
            return
        kept = Transcript(language=media.transcript_language, duration=media.duration or video_duration,
                          segments=[Segment.model_validate(seg) for seg in media.segments or []])
        language, department, created_at = appeal.language, appeal.department_id, appeal.created_at
        original_path, poster_path, channel = media.original_path, media.poster_path or None, Channel(appeal.channel)
        if appeal.language is None and kept.segments:
            appeal.language = kept.language
        link_document(appeal, doc_id)  # before ingest: the alerts hook finds the appeal by document id
    # The Document is indexed and shown to the press office and in search: contacts are masked there.
    # The raw transcript stays in video_media for the assigned department (see department.py).
    masked_segments = [seg.model_copy(update={"text": mask_contacts(seg.text)}) for seg in kept.segments]
    if channel == Channel.HOTLINE and department is None:
        department = ivr_department_of(container, appeal_id)  # the IVR's choice, unless the call names a place
    doc = Document(
        id=doc_id,
        channel=channel,
        source=str(channel),
        text=mask_contacts(kept.text),
        language_hint=language or (kept.language if kept.segments else None),
        department_hint=department,
        published_at=created_at,
        fetched_at=now,
        media=Media(path=original_path, duration=kept.duration, poster_path=poster_path, segments=masked_segments),
        # Nothing was said (silence, music, sign language): no text to analyse, but the department
        # still gets the appeal and watches the video.  An empty Analysis says no component ran.
        analysis=None if kept.segments else Analysis(warnings=[f"no speech in the {_media_word(channel)}"]),
    )
    container.pipeline.ingest(doc)
    with container.session() as s:
        appeal = s.get(AppealRow, appeal_id)
        if appeal is not None and appeal.department_id is None and channel == Channel.HOTLINE:
            # the caller's number is unmasked for the department the call was routed to
            appeal.department_id = s.scalar(select(TicketRow.department_id).where(TicketRow.appeal_id == appeal_id))
        if appeal is not None and appeal.status == AppealStatus.TRANSCRIBING:
            set_status(s, appeal, AppealStatus.ANALYSED, container.clock.now())
    log.info("video appeal %s transcribed language=%s segments=%d", appeal_id, kept.language, len(kept.segments))


def _media_word(channel: Channel) -> str:
    return "call" if channel == Channel.HOTLINE else "video"


def appeal_document_id_for(appeal_id: str) -> str:
    """``stable_id("appeal", appeal id)`` — the same id the core gives text appeals."""
    return stable_id("appeal", appeal_id)


@dead_letter_handler(TRANSCRIBE_JOB)
def transcription_gave_up(container: IngestingContext, payload: dict[str, Any], error: str) -> None:
    """Every retry failed (e.g. a broken model): the department still gets the appeal and watches the video.

    A rejected video never gets here (rejection is a normal outcome, not a failure).
    """
    appeal_id = payload.get("appeal_id")
    if not isinstance(appeal_id, str):
        return
    with container.session() as s:
        appeal = s.get(AppealRow, appeal_id)
        media = s.get(VideoMediaRow, appeal_id)
        if appeal is None or media is None or AppealStatus(appeal.status) in DONE:
            return
        set_status(s, appeal, AppealStatus.TRANSCRIBING, container.clock.now(), "automatic transcription failed")
        doc_id = appeal_document_id_for(appeal_id)
        link_document(appeal, doc_id)
        language, department, created_at, original = appeal.language, appeal.department_id, appeal.created_at, media.original_path
    doc = Document(
        id=doc_id, channel=Channel.VIDEO_APPEAL, source=str(Channel.VIDEO_APPEAL), text="",
        language_hint=language, department_hint=department, published_at=created_at, fetched_at=container.clock.now(),
        media=Media(path=original),
        analysis=Analysis(warnings=["automatic transcription failed; watch the video"]),
    )
    container.pipeline.ingest(doc)
    with container.session() as s:
        appeal = s.get(AppealRow, appeal_id)
        if appeal is not None and appeal.status == AppealStatus.TRANSCRIBING:
            set_status(s, appeal, AppealStatus.ANALYSED, container.clock.now())
    log.error("video appeal %s: transcription gave up (%s); routed without transcript", appeal_id, error[:200])
