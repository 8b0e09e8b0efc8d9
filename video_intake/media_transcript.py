"""A media file that did not come as an appeal (a crawled video) → its transcript, through the appeals' Whisper path.

The crawler fetches the media; this extracts its audio with ffmpeg (16 kHz mono) and runs the same
transcriber as video appeals, so a TV report gets the same transcript and timestamps an appeal would.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from healthpulse.core.domain import Media
from healthpulse.core.settings import Settings
from healthpulse.video_intake.jobs import transcriber_for
from healthpulse.video_intake.media import extract_audio


def transcribe_media(settings: Settings, media_file: Path, language: str | None = None) -> Media:
    with tempfile.TemporaryDirectory(prefix="hp-media-") as tmp:
        audio = extract_audio(media_file, Path(tmp) / "audio.wav")
        transcript = transcriber_for(settings).transcribe_file(audio, language=language)
    return Media(duration=transcript.duration, segments=transcript.segments)
