"""Decide whether an uploaded file is a video appeal we can process.

ffprobe (through ffmpeg-python) reads the real container and codecs — the
file name and the browser's MIME type are never trusted.  Every refusal is a
``VideoRejected`` with a stable ``code`` (for the API and tests) and a
human-readable ``reason`` (shown to the citizen).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ffmpeg
from healthpulse.video_intake.errors import N_, CitizenFacingError

log = logging.getLogger(__name__)

# ffprobe's format_name is a comma list: "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm".
ALLOWED_FORMATS = {"mov", "mp4", "matroska", "webm"}
ALLOWED_VIDEO_CODECS = {"h264", "vp8", "vp9", "av1"}
ALLOWED_AUDIO_CODECS = {"aac", "opus"}
# Stream types ffprobe reports for still images; a JPEG "video" is a photo.
IMAGE_CODECS = {"mjpeg", "png", "gif", "webp", "bmp", "tiff", "jpeg2000"}


class VideoRejected(CitizenFacingError):
    """A file that is not an acceptable video appeal; ``reason`` is safe to show the citizen."""


@dataclass(frozen=True)
class VideoInfo:
    container: str
    video_codec: str
    audio_codec: str
    duration: float
    width: int
    height: int
    size: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "container": self.container,
            "video_codec": self.video_codec,
            "audio_codec": self.audio_codec,
            "duration": self.duration,
            "width": self.width,
            "height": self.height,
            "size": self.size,
        }


# Leading bytes of files people pick by mistake: refused before ffprobe guesses from the extension.
MAGIC = [
    (b"MZ", "program", N_("This is a program (.exe), not a video.")),
    (b"\x7fELF", "program", N_("This is a program, not a video.")),
    (b"PK\x03\x04", "archive", N_("This is a ZIP archive, not a video. Please upload the video itself.")),
    (b"PK\x05\x06", "archive", N_("This is a ZIP archive, not a video. Please upload the video itself.")),
    (b"Rar!", "archive", N_("This is a RAR archive, not a video. Please upload the video itself.")),
    (b"7z\xbc\xaf", "archive", N_("This is a 7-Zip archive, not a video. Please upload the video itself.")),
    (b"%PDF", "document", N_("This is a PDF document, not a video.")),
    (b"\xff\xd8\xff", "image", N_("This is a picture, not a video. Please record or choose a video.")),
    (b"\x89PNG", "image", N_("This is a picture, not a video. Please record or choose a video.")),
    (b"GIF8", "image", N_("This is a picture, not a video. Please record or choose a video.")),
]
TOO_LONG = N_("The video is too long (%(seconds)s s; at most %(limit)s s).")
DAMAGED = N_("The video is damaged or incomplete (the upload may have been cut off).")


def _sniff(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(16)
    for magic, code, reason in MAGIC:
        if head.startswith(magic):
            raise VideoRejected(code, reason)


def _looks_like_mp4(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(12)
    return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free")


def _probe(path: Path) -> dict[str, Any]:
    try:
        return ffmpeg.probe(str(path), count_packets=None)
    except ffmpeg.Error as err:
        detail = (err.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        log.info("ffprobe refused path=%s detail=%s", path, detail[-1:] if detail else "")
        if _looks_like_mp4(path) and any("moov atom not found" in line for line in detail):
            raise VideoRejected("damaged", DAMAGED) from None
        raise VideoRejected("not_a_video", N_("The file is not a video we can read (unknown or damaged format).")) from None
    except json.JSONDecodeError:
        raise VideoRejected("not_a_video", N_("The file is not a video we can read.")) from None


def _container(format_name: str) -> str | None:
    names = set(format_name.split(","))
    if "webm" in names or "matroska" in names:
        return "webm" if "webm" in names and "matroska" not in names else "matroska"
    if names & {"mov", "mp4"}:
        return "mp4"
    return None


def _duration(probe: dict[str, Any], streams: list[dict[str, Any]]) -> float | None:
    candidates = [probe.get("format", {}).get("duration")] + [s.get("duration") for s in streams]
    for value in candidates:
        try:
            if value is not None and float(value) > 0:
                return float(value)
        except ValueError:
            continue
    return None


def _stream_duration(stream: dict[str, Any]) -> float | None:
    """What a stream's own header says it lasts: ``duration`` (MP4) or the ``DURATION`` tag (Matroska/WebM)."""
    value = stream.get("duration")
    tags = {str(k).upper(): v for k, v in (stream.get("tags") or {}).items()}
    try:
        if value not in (None, "N/A") and float(value) > 0:
            return float(value)
        if tags.get("DURATION"):
            seconds = _clock_seconds(str(tags["DURATION"]))
            return seconds if seconds > 0 else None
    except ValueError:
        return None
    return None


def _clock_seconds(stamp: str) -> float:
    """``HH:MM:SS.fraction`` → seconds (raises ValueError when it is not one)."""
    h, m, s = stamp.strip().split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def _play(path: Path, stream: str) -> float:
    """Read one stream to its end; returns how far it played.

    The audio (``"a"``) is decoded: catches data cut off or corrupt, and gives
    the duration of streams whose header has none (MediaRecorder WebM).  The
    picture (``"v"``) is only demuxed (``-c copy``, cheap even for a long
    video): catches a file cut after its audio ended.
    """
    damaged = VideoRejected("damaged", DAMAGED)
    options: dict[str, Any] = {"format": "null", "map": f"0:{stream}:0"}
    if stream == "v":
        options["c"] = "copy"
    try:
        _, err = (
            ffmpeg.input(str(path))
            .output("-", **options)
            .global_args("-v", "error", "-stats", "-xerror")
            .run(capture_stdout=True, capture_stderr=True)
        )
    except ffmpeg.Error as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip()
        log.info("reading stream %s failed path=%s detail=%s", stream, path, detail[-200:])
        raise damaged from None
    text = (err or b"").decode("utf-8", "replace")
    if "Invalid data" in text or "partial file" in text or "Truncat" in text:
        raise damaged
    played = 0.0
    for line in text.splitlines():
        if "time=" in line:
            try:
                played = _clock_seconds(line.split("time=")[1].split()[0])
            except ValueError:
                continue
    return played


def _cut_short(declared: float | None, played: float) -> bool:
    """The header promises more than the data holds (a cut-off upload), beyond encoder rounding."""
    return declared is not None and played < declared - max(1.0, 0.1 * declared)


def validate_video(path: str | Path, *, min_seconds: float, max_seconds: float) -> VideoInfo:
    """Probe and check a file; returns its facts or raises ``VideoRejected`` with the reason."""
    path = Path(path)
    size = path.stat().st_size if path.exists() else 0
    if size == 0:
        raise VideoRejected("empty", N_("The file is empty."))
    _sniff(path)
    probe = _probe(path)
    fmt = probe.get("format", {})
    streams = probe.get("streams", [])
    container = _container(fmt.get("format_name", ""))
    codecs = {s.get("codec_name") for s in streams}
    if codecs & IMAGE_CODECS and not container:
        raise VideoRejected("image", N_("This is a picture, not a video. Please record or choose a video."))
    if container is None:
        raise VideoRejected(
            "unsupported_container",
            N_("Unsupported file type (%(format)s); use MP4, WebM, MOV or MKV."),
            format=fmt.get("format_name", "unknown"),
        )
    video = next((s for s in streams if s.get("codec_type") == "video" and s.get("codec_name") not in IMAGE_CODECS), None)
    if video is None:
        raise VideoRejected("no_video", N_("The file has no video track."))
    if video.get("codec_name") not in ALLOWED_VIDEO_CODECS:
        raise VideoRejected(
            "unsupported_video_codec",
            N_("Unsupported video codec %(codec)s; use H.264, VP8, VP9 or AV1."),
            codec=video.get("codec_name"),
        )
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if audio is None:
        raise VideoRejected("no_audio", N_("The video has no sound; we need to hear your appeal."))
    if audio.get("codec_name") not in ALLOWED_AUDIO_CODECS:
        raise VideoRejected(
            "unsupported_audio_codec",
            N_("Unsupported audio codec %(codec)s; use AAC or Opus."),
            codec=audio.get("codec_name"),
        )
    header_duration = _duration(probe, [video, audio])
    if header_duration is not None and header_duration > max_seconds:
        raise VideoRejected("too_long", TOO_LONG, seconds=round(header_duration), limit=round(max_seconds))
    audio_played = _play(path, "a")
    video_played = _play(path, "v")
    # Each stream against its own declared duration: a phone's audio often ends before its picture, and the
    # container's duration is the longest stream's.  Only a file whose streams declare nothing is held to it.
    audio_declared, video_declared = _stream_duration(audio), _stream_duration(video)
    checks = [(audio_declared, audio_played), (video_declared, video_played)]
    if audio_declared is None and video_declared is None:
        checks = [(header_duration, max(audio_played, video_played))]
    for declared, played in checks:
        if _cut_short(declared, played):
            log.info("truncated path=%s declared=%.2f played=%.2f", path, declared, played)
            raise VideoRejected("damaged", DAMAGED)
    # MediaRecorder WebM has no duration in its header: then what was played counts.
    duration = header_duration or max(audio_played, video_played)
    if duration < min_seconds:
        raise VideoRejected("too_short", N_("The video is too short (%(seconds)s s; at least %(limit)s s)."),
                            seconds=round(duration, 1), limit=min_seconds)
    if duration > max_seconds:
        raise VideoRejected("too_long", TOO_LONG, seconds=round(duration), limit=round(max_seconds))
    return VideoInfo(
        container=container,
        video_codec=video["codec_name"],
        audio_codec=audio["codec_name"],
        duration=round(duration, 3),
        width=int(video.get("width") or 0),
        height=int(video.get("height") or 0),
        size=size,
    )
