"""Real media for the video tests: made once per session with Debian's ffmpeg + espeak-ng."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    from healthpulse.video_intake.synth import pytest_media_dir

    return pytest_media_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def speech_en(media_dir):
    from healthpulse.video_intake.synth import speech_wav

    return speech_wav("Hello. The hospital has no insulin.", "en", media_dir)
