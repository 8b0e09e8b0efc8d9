"""Synthetic video appeals (espeak-ng speech + an ffmpeg test picture).

Used by the tests and ``benchmarks/transcribe.py`` so that they run on real
media without shipping recordings.  Needs Debian's ``ffmpeg``, ``espeak-ng``
and, for Russian, ``festival`` + ``festvox-ru`` (espeak-ng's Russian is not
understood by Whisper base at all; Festival's Russian voice is).  Files are cached by their recipe: a second call with the same
arguments returns the existing file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import ffmpeg

# Voices and speeds that Whisper base understands best among espeak-ng's
# (measured; Russian needs a slower, lower voice to be recognisable at all).
FESTIVAL_VOICES = {"ru": "msu_ru_nsh_clunits"}
VOICES = {
    "en": ("en-us", 150, 50),
    "vi": ("vi", 140, 50),
    "ar": ("ar", 130, 50),
    "fa": ("fa", 140, 50),
}
# The recordings the tests and the WER benchmark use: text, and its key words.
# Key words are those Whisper base usually gets from the synthetic voice; tests require only some of them
# (tests/support/wer.py ``check_transcript``), since another machine may mishear one.
TEST_UTTERANCES: dict[str, tuple[str, list[str]]] = {
    "en": ("Hello. The hospital in Surgut has no insulin. The doctors do not answer the phone.",
           ["hospital", "insulin", "doctors", "answer", "phone"]),
    "ru": ("Здравствуйте. В больнице нет инсулина. Врачи не отвечают на звонки.",
           ["больнице", "инсулина", "врачи", "отвечают", "звонки"]),
    "vi": ("Xin chào. Bệnh viện không có thuốc. Bác sĩ không trả lời điện thoại.",
           ["xin chào", "không có", "bác sĩ", "điện thoại"]),
    # Arabic with its short vowels written: espeak-ng reads undiacritised Arabic too poorly to be understood.
    "ar": ("مَرْحَبًا. لَا يُوجَدُ إِنْسُولِين فِي الْمُسْتَشْفَى. الطَّبِيبُ لَا يَرُدُّ عَلَى الْهَاتِف.",
           ["مرحبا", "يوجد", "انسولين", "مستشفى"]),
    "fa": ("سلام. در بیمارستان انسولین نیست. دکتر تلفن را جواب نمی دهد.", ["بیمارستان", "نیست", "انسولین", "جواب"]),
}
FORMATS: dict[str, dict[str, object]] = {
    "mp4": {"vcodec": "libx264", "acodec": "aac", "pix_fmt": "yuv420p", "preset": "ultrafast"},
    "webm": {"vcodec": "libvpx", "acodec": "libopus", "deadline": "realtime", "cpu-used": 8},
    "webm-vp9": {"vcodec": "libvpx-vp9", "acodec": "libopus", "deadline": "realtime", "cpu-used": 8},
    "mkv": {"vcodec": "libx264", "acodec": "libopus", "pix_fmt": "yuv420p", "preset": "ultrafast"},
    "mov": {"vcodec": "libx264", "acodec": "aac", "pix_fmt": "yuv420p", "preset": "ultrafast"},
}


def missing_tools() -> list[str]:
    """Debian commands the synthetic media need that are not installed."""
    return [tool for tool in ("ffmpeg", "ffprobe", "espeak-ng", "text2wave") if not shutil.which(tool)]


def pytest_media_dir(tmp_path_factory: Any) -> Path:
    """The tests' shared media folder; fails in CI (skips locally) when the Debian tools are missing."""
    import pytest

    missing = missing_tools()
    if missing:
        message = f"{', '.join(missing)} missing: apt-get install -y ffmpeg espeak-ng festival festvox-ru"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return Path(tmp_path_factory.getbasetemp()) / "video-media"


def _key(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def speech_wav(text: str, language: str, out_dir: Path) -> Path:
    """Synthetic speech for ``text`` as a WAV file (Festival for Russian, espeak-ng otherwise)."""
    festival = FESTIVAL_VOICES.get(language)
    recipe = (text, festival) if festival else (text, *VOICES[language])
    target = out_dir / f"speech-{language}-{_key(*recipe)}.wav"
    if target.exists():
        return target
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp.wav")
    if festival:
        source = target.with_suffix(".txt")
        source.write_text(text, encoding="utf-8")
        command = ["text2wave", "-eval", f"(voice_{festival})", str(source), "-o", str(tmp)]
    else:
        voice, speed, pitch = VOICES[language]
        command = ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(tmp), text]
    subprocess.run(command, check=True, capture_output=True)
    os.replace(tmp, target)
    return target


def make_video(
    out_dir: Path,
    *,
    audio: Path | None = None,
    fmt: str = "mp4",
    seconds: float | None = None,
    silent_audio: bool = False,
    size: str = "320x240",
    pad_seconds: float = 0.5,
) -> Path:
    """A test-pattern video with ``audio`` (padded with a little silence), or silence, or no audio track."""
    ext = {"webm-vp9": "webm"}.get(fmt, fmt)
    target = out_dir / f"video-{_key(str(audio), fmt, seconds, silent_audio, size, pad_seconds)}.{ext}"
    if target.exists():
        return target
    out_dir.mkdir(parents=True, exist_ok=True)
    if audio is not None:
        length = float(ffmpeg.probe(str(audio))["format"]["duration"]) + 2 * pad_seconds
    else:
        length = seconds or 3.0
    video = ffmpeg.input(f"testsrc=size={size}:rate=15:duration={length}", f="lavfi")
    streams = [video]
    if audio is not None:
        delay = int(pad_seconds * 1000)
        streams.append(ffmpeg.input(str(audio)).audio.filter("adelay", f"{delay}|{delay}").filter("apad"))
    elif silent_audio:
        streams.append(ffmpeg.input(f"anullsrc=r=48000:cl=mono:d={length}", f="lavfi"))
    tmp = target.with_name(f".{target.stem}.tmp.{ext}")
    options = dict(FORMATS[fmt])
    options["t"] = length
    ffmpeg.output(*streams, str(tmp), **options).global_args("-v", "error").overwrite_output().run(
        capture_stdout=True, capture_stderr=True
    )
    os.replace(tmp, target)
    return target


def concat_speech(texts: list[str], language: str, out_dir: Path, target_seconds: float) -> Path:
    """Speech of ``texts`` repeated until it lasts about ``target_seconds`` (for the RTF benchmark)."""
    parts = [speech_wav(text, language, out_dir) for text in texts]
    target = out_dir / f"long-{language}-{_key(texts, target_seconds)}.wav"
    if target.exists():
        return target
    padded = []
    for part in parts:
        out = part.with_name(f"{part.stem}-padded.wav")
        if not out.exists():
            ffmpeg.input(str(part)).audio.filter("apad", pad_dur=0.6).output(str(out), ar=22050, ac=1).global_args(
                "-v", "error"
            ).overwrite_output().run(capture_stdout=True, capture_stderr=True)
        padded.append((out, float(ffmpeg.probe(str(out))["format"]["duration"])))
    sequence: list[Path] = []
    total = 0.0
    while total < target_seconds:
        for part, length in padded:
            sequence.append(part)
            total += length
            if total >= target_seconds:
                break
    listing = target.with_suffix(".txt")
    listing.write_text("".join(f"file '{p}'\n" for p in sequence))
    tmp = target.with_suffix(".tmp.wav")
    ffmpeg.input(str(listing), f="concat", safe=0).output(str(tmp), t=target_seconds).global_args(
        "-v", "error"
    ).overwrite_output().run(capture_stdout=True, capture_stderr=True)
    os.replace(tmp, target)
    return target
