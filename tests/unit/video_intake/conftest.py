"""Real media for the video tests: made once per session with Debian's ffmpeg + espeak-ng."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    from healthpulse.video_intake.synth import missing_tools

    missing = missing_tools()
    if missing:
        message = f"{', '.join(missing)} missing: apt-get install -y ffmpeg espeak-ng festival festvox-ru"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return tmp_path_factory.getbasetemp() / "video-media"


@pytest.fixture(scope="session")
def speech_en(media_dir):
    from healthpulse.video_intake.synth import speech_wav

    return speech_wav("Hello. The hospital has no insulin.", "en", media_dir)
