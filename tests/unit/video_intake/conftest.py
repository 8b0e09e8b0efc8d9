"""Real media for the video tests: made once per session with Debian's ffmpeg + espeak-ng."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    from tests.support.synth import pytest_media_dir

    return pytest_media_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def speech_en(media_dir):
    from tests.support.synth import speech_wav

    return speech_wav("Hello. The hospital has no insulin.", "en", media_dir)
