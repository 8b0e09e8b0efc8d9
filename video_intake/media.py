"""Derived media: 16 kHz mono WAV for the recogniser, a JPEG poster for the player.

The original upload is never modified (the department watches it); derived
files are written to a temporary name and renamed, so a crash never leaves a
half-written file that a retry would trust.
"""

from __future__ import annotations

import os
from pathlib import Path

import ffmpeg
from healthpulse.core.errors import HealthpulseError

SAMPLE_RATE = 16_000


class MediaError(HealthpulseError, RuntimeError):
    """ffmpeg failed on a file that had passed validation."""
    error_code = "invalid"


def _run(stream: ffmpeg.nodes.OutputStream, target: Path) -> Path:
    try:
        stream.global_args("-v", "error", "-nostdin").overwrite_output().run(capture_stdout=True, capture_stderr=True)
    except ffmpeg.Error as err:
        detail = (err.stderr or b"").decode("utf-8", "replace").strip()[-300:]
        raise MediaError(f"ffmpeg failed for {target.name}: {detail}") from None
    return target


def extract_audio(video: str | Path, wav_path: str | Path) -> Path:
    """First audio track → 16 kHz mono 16-bit PCM WAV."""
    target = Path(wav_path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp.wav")
    stream = ffmpeg.input(str(video)).output(
        str(tmp), map="0:a:0", ac=1, ar=SAMPLE_RATE, acodec="pcm_s16le", format="wav"
    )
    _run(stream, tmp)
    os.replace(tmp, target)
    return target


def poster_frame(video: str | Path, jpg_path: str | Path, duration: float | None = None, width: int = 640) -> Path:
    """A JPEG still taken a little into the video (the first frame is often black)."""
    target = Path(jpg_path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp.jpg")
    at = min(1.0, (duration or 0) / 2)
    stream = (
        ffmpeg.input(str(video), ss=at)
        .filter("scale", f"min({width},iw)", -2)
        .output(str(tmp), vframes=1, format="image2", vcodec="mjpeg", **{"q:v": 4})
    )
    _run(stream, tmp)
    if not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        raise MediaError(f"no frame could be taken from {Path(video).name}")
    os.replace(tmp, target)
    return target
