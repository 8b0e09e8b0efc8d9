"""Real media for the video tests: made once per session with Debian's ffmpeg + espeak-ng."""

from __future__ import annotations

import os
import shutil

import pytest


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    if not (shutil.which("ffmpeg") and shutil.which("ffprobe") and shutil.which("espeak-ng")):
        message = "ffmpeg/ffprobe/espeak-ng missing: apt-get install -y ffmpeg espeak-ng"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return tmp_path_factory.getbasetemp() / "video-media"


@pytest.fixture(scope="session")
def speech_en(media_dir):
    from healthpulse.video_intake.synth import speech_wav

    return speech_wav("Hello. The hospital has no insulin.", "en", media_dir)
