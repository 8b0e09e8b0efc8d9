"""ffprobe validation on real files: accepted formats and every refused kind, each with its reason."""

from __future__ import annotations

import subprocess
import zipfile

import pytest
from healthpulse.video_intake.validation import VideoRejected, validate_video

from tests.support.synth import make_video

LIMITS = {"min_seconds": 0.5, "max_seconds": 600}


def _ffmpeg(*args):
    subprocess.run(["ffmpeg", "-v", "error", "-y", *map(str, args)], check=True, capture_output=True)


@pytest.mark.parametrize(
    ("fmt", "container", "vcodec", "acodec"),
    [
        ("mp4", "mp4", "h264", "aac"),
        ("webm", "matroska", "vp8", "opus"),
        ("webm-vp9", "matroska", "vp9", "opus"),
        ("mkv", "matroska", "h264", "opus"),
        ("mov", "mp4", "h264", "aac"),
    ],
)
def test_accepts_supported_containers_and_codecs(media_dir, speech_en, fmt, container, vcodec, acodec):
    info = validate_video(make_video(media_dir, audio=speech_en, fmt=fmt), **LIMITS)
    assert (info.container, info.video_codec, info.audio_codec) == (container, vcodec, acodec)
    assert 2.5 < info.duration < 6
    assert (info.width, info.height) == (320, 240)


def test_accepts_av1(media_dir, tmp_path):
    target = tmp_path / "av1.mkv"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1.5", "-f", "lavfi", "-i", "sine=d=1.5",
            "-c:v", "libaom-av1", "-cpu-used", "8", "-row-mt", "1", "-b:v", "100k", "-c:a", "libopus", "-t", "1.5", target)
    assert validate_video(target, **LIMITS).video_codec == "av1"


def test_webm_without_duration_header_is_measured_by_decoding(media_dir, speech_en, tmp_path):
    # MediaRecorder writes WebM as a live stream: no duration in the header.
    source = make_video(media_dir, audio=speech_en, fmt="webm")
    live = tmp_path / "live.webm"
    _ffmpeg("-i", source, "-c", "copy", "-live", "1", "-f", "webm", live)
    info = validate_video(live, **LIMITS)
    assert 2.5 < info.duration < 6


def _refusal(path, **limits):
    with pytest.raises(VideoRejected) as caught:
        validate_video(path, **(limits or LIMITS))
    assert caught.value.reason  # a sentence for the citizen, never empty
    return caught.value.code


def test_refuses_empty_file(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    assert _refusal(empty) == "empty"


def test_refuses_renamed_exe(tmp_path):
    exe = tmp_path / "appeal.mp4"
    exe.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 20)
    assert _refusal(exe) == "program"


def test_refuses_zip(tmp_path):
    archive = tmp_path / "appeal.webm"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("video.txt", "not a video " * 100)
    assert _refusal(archive) == "archive"


@pytest.mark.parametrize("ext", ["jpg", "png"])
def test_refuses_image(tmp_path, ext):
    image = tmp_path / f"photo.{ext}"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240", "-frames:v", "1", image)
    renamed = image.rename(tmp_path / "photo.mp4")
    assert _refusal(renamed) == "image"


@pytest.mark.parametrize("fmt", ["mp4", "webm"])
def test_refuses_truncated_file(media_dir, speech_en, tmp_path, fmt):
    whole = make_video(media_dir, audio=speech_en, fmt=fmt).read_bytes()
    cut = tmp_path / f"cut.{fmt}"
    cut.write_bytes(whole[: len(whole) // 2])
    assert _refusal(cut) == "damaged"


def short_audio_video(target, audio, *, seconds=8, fmt="mp4", faststart=False):
    """A picture of ``seconds`` with ``audio`` that ends earlier (a phone recording, ffmpeg ``-shortest``)."""
    codecs = {"mp4": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
              "mov": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
              "mkv": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "libopus"],
              "webm": ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus"]}[fmt]
    _ffmpeg("-f", "lavfi", "-i", f"testsrc=size=320x240:rate=15:duration={seconds}", "-i", audio, *codecs,
            *(["-movflags", "+faststart"] if faststart else []), target)
    return target


@pytest.mark.parametrize("fmt", ["mp4", "mov", "mkv", "webm"])
def test_accepts_audio_shorter_than_the_picture(speech_en, tmp_path, fmt):
    """Issue 15.4: the audio is checked against its own duration, not the container's longest stream."""
    info = validate_video(short_audio_video(tmp_path / f"short-audio.{fmt}", speech_en, fmt=fmt), **LIMITS)
    assert 7.5 < info.duration < 8.5


@pytest.mark.parametrize(("fmt", "faststart"), [("mp4", True), ("webm", False), ("mkv", False)])
def test_refuses_truncated_file_whose_audio_ended_before_the_cut(speech_en, tmp_path, fmt, faststart):
    # Cut well after the audio ended: only the picture shows that data is missing.
    whole = short_audio_video(tmp_path / f"whole.{fmt}", speech_en, seconds=12, fmt=fmt, faststart=faststart)
    cut = tmp_path / f"cut.{fmt}"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) * 3 // 4])
    assert _refusal(cut) == "damaged"


def test_refuses_video_without_audio(media_dir):
    assert _refusal(make_video(media_dir, seconds=2)) == "no_audio"


def test_refuses_other_containers_and_codecs(tmp_path):
    avi = tmp_path / "old.avi"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:duration=1", "-f", "lavfi", "-i", "sine=d=1",
            "-c:v", "mpeg4", "-c:a", "mp3", "-t", "1", avi)
    assert _refusal(avi) == "unsupported_container"
    mp3_in_mp4 = tmp_path / "mp3.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:duration=1", "-f", "lavfi", "-i", "sine=d=1",
            "-c:v", "libx264", "-c:a", "libmp3lame", "-t", "1", mp3_in_mp4)
    assert _refusal(mp3_in_mp4) == "unsupported_audio_codec"
    audio_only = tmp_path / "voice.m4a"
    _ffmpeg("-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", "-t", "1", audio_only)
    assert _refusal(audio_only) == "no_video"


def test_duration_limits(media_dir, speech_en):
    video = make_video(media_dir, audio=speech_en, fmt="mp4")
    assert _refusal(video, min_seconds=10, max_seconds=600) == "too_short"
    assert _refusal(video, min_seconds=0.5, max_seconds=2) == "too_long"
