"""Issue 16.8: a transcription that ran twice (its first worker outlived the lease) is stored once.

The first run is the real job (ffmpeg + the Whisper base model + the pipeline); the second worker's finish,
with what it heard, must write nothing: not the transcript, not the Document, not the appeal's history.
"""

from __future__ import annotations

import pytest
from healthpulse.core.domain import Segment
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.tickets import TicketRow
from healthpulse.core.models.uploads import VideoMediaRow
from healthpulse.video_intake.jobs import finish_transcription
from healthpulse.video_intake.submission import submit_upload
from healthpulse.video_intake.transcriber import Transcript
from healthpulse.video_intake.uploads import UploadService

from tests.support.containers import make_container

pytestmark = pytest.mark.slow


def _snapshot(container, appeal_id):
    with container.session() as s:
        media = s.get(VideoMediaRow, appeal_id)
        appeal = s.get(AppealRow, appeal_id)
        doc = s.get(DocumentRow, appeal.document_id)
        return {
            "segments": media.segments, "language": media.transcript_language, "audio": media.audio_path,
            "history": appeal.status_history, "status": appeal.status,
            "documents": s.query(DocumentRow).count(), "text": doc.text, "doc_media": doc.media,
            "doc_updated": doc.updated_at, "tickets": s.query(TicketRow).count(),
        }


def test_second_finish_of_one_transcription_writes_nothing(tmp_path, clock, speech_video):
    container = make_container(tmp_path, clock=clock)
    video = speech_video("en")
    service = UploadService(container)
    state = service.create(length=video.stat().st_size, client_ip="10.0.0.8",
                           metadata={"consent": "yes", "region": container.departments.departments[0].id})
    with video.open("rb") as fh:
        service.append(state.id, offset=0, stream=fh, content_length=video.stat().st_size)
    appeal_id = submit_upload(container, state.id).appeal_id
    assert container.worker.run_until_idle() >= 1
    first = _snapshot(container, appeal_id)
    assert first["status"] == "ticket_opened" and "insulin" in first["text"].lower()

    clock.advance(minutes=7)
    heard_again = Transcript(language="en", duration=6.0,
                             segments=[Segment(start=0.0, end=3.0, text="Hello. The hospital has no insulin again.")])
    with container.session() as s:
        media = s.get(VideoMediaRow, appeal_id)
        audio, poster = media.audio_path, media.poster_path
    finish_transcription(container, appeal_id, heard_again, audio=tmp_path / "other.wav", poster=poster,
                         video_duration=6.0)
    assert _snapshot(container, appeal_id) == first
    assert audio == first["audio"]
    container.close()
