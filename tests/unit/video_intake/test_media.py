"""Audio extraction and poster frames with real ffmpeg; the original is never modified."""

from __future__ import annotations

import hashlib
import wave

from healthpulse.video_intake.media import extract_audio, poster_frame

from tests.support.synth import make_video


def test_extracts_16k_mono_wav_and_keeps_original(media_dir, speech_en, tmp_path):
    video = make_video(media_dir, audio=speech_en, fmt="webm")
    before = hashlib.sha256(video.read_bytes()).hexdigest()
    wav = extract_audio(video, tmp_path / "audio.wav")
    with wave.open(str(wav)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)
        assert 2.5 < w.getnframes() / 16000 < 6
    assert hashlib.sha256(video.read_bytes()).hexdigest() == before
    assert not list(tmp_path.glob(".*tmp*"))  # no temporary left behind


def test_poster_is_a_jpeg(media_dir, speech_en, tmp_path):
    poster = poster_frame(make_video(media_dir, audio=speech_en, fmt="mp4"), tmp_path / "poster.jpg", duration=4)
    data = poster.read_bytes()
    assert data[:3] == b"\xff\xd8\xff" and len(data) > 1000
