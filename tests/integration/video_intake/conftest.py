"""Real media (ffmpeg + espeak-ng) and the real Whisper base model, loaded once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    from tests.support.synth import pytest_media_dir

    return pytest_media_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def transcriber():
    """The production loading path: bundled weights joined into the cache, int8 on CPU, 2 threads."""
    from healthpulse.core.settings import load_settings
    from healthpulse.video_intake.jobs import transcriber_for

    return transcriber_for(load_settings(None))


@pytest.fixture(scope="session")
def speech_video(media_dir):
    """``speech_video(lang, fmt)`` → a test-pattern video speaking ``TEST_UTTERANCES[lang]``."""
    from tests.support.synth import TEST_UTTERANCES, make_video, speech_wav

    def make(language: str, fmt: str = "mp4"):
        text, _ = TEST_UTTERANCES[language]
        return make_video(media_dir, audio=speech_wav(text, language, media_dir), fmt=fmt)

    return make
