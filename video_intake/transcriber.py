"""Speech to text with faster-whisper (CTranslate2, int8 on CPU).

Why it looks like this:
- The model is loaded once per process (``load_whisper``), since loading
  costs ~1 s and ~450 MB; workers and the CLI share the cache.
- Silero VAD runs first, with a strict threshold: audio without speech
  (silence, music, noise) returns an empty transcript without ever asking
  the decoder, which is where Whisper invents text ("Thanks for watching!").
- Language: a hint (the citizen's UI language) is used as given.  Without
  one, Whisper's language probabilities are restricted to the deployment's
  languages — detection over all 99 languages is unreliable on short appeals
  (Russian comes out as Polish).
- ``condition_on_previous_text=False`` against repetition loops.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from healthpulse.core.domain import UNKNOWN_LANGUAGE, Segment
from healthpulse.core.settings import Settings
from healthpulse.video_intake.model_cache import resolve_model_path
from pydantic import BaseModel, Field

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
# Decoder output with a high no-speech probability and a low log-probability
# is what Whisper produces for noise; faster-whisper already drops most, this
# catches the rest after VAD let a noisy chunk through.
NO_SPEECH_DROP = 0.6
LOGPROB_DROP = -1.0

# "Is anyone speaking at all?" is asked with a stricter Silero threshold than the default 0.5 used to
# cut the audio into chunks: music and noise reach 0.5–0.7, speech (even synthetic) stays above 0.9
# (measured on the test recordings: the same speech is kept at 0.5 and 0.7, a synthetic chord is not).
SPEECH_GATE_THRESHOLD = 0.7

_models: dict[tuple[str, int], Any] = {}
_models_lock = threading.Lock()


class Transcript(BaseModel):
    """What ``healthpulse transcribe`` prints (plus the detection score, for logs)."""

    language: str
    duration: float
    segments: list[Segment] = Field(default_factory=list)
    language_probability: float | None = None

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments).strip()

    def contract_json(self) -> dict[str, Any]:
        """The ARCHITECTURE contract: {"language", "duration", "segments": [{"start", "end", "text"}]}."""
        return {
            "language": self.language,
            "duration": round(self.duration, 3),
            "segments": [{"start": s.start, "end": s.end, "text": s.text} for s in self.segments],
        }


def load_whisper(model_path: Path, threads: int) -> Any:
    """The WhisperModel for this folder and thread count, loaded once per process."""
    key = (str(model_path), threads)
    with _models_lock:
        model = _models.get(key)
        if model is None:
            # Deferred: faster-whisper loads CTranslate2 and onnxruntime (heavy); only transcription needs it.
            from faster_whisper import WhisperModel

            started = time.perf_counter()
            model = WhisperModel(str(model_path), device="cpu", compute_type="int8", cpu_threads=threads)
            log.info("whisper loaded path=%s threads=%d seconds=%.2f", model_path, threads, time.perf_counter() - started)
            _models[key] = model
        return model


def load_audio(path: str | Path) -> np.ndarray:
    """16 kHz mono float32 samples of any audio/video file (PyAV, bundled with faster-whisper)."""
    # Deferred: faster-whisper loads CTranslate2 and onnxruntime (heavy); only transcription needs it.
    from faster_whisper.audio import decode_audio

    return decode_audio(str(path), sampling_rate=SAMPLE_RATE)


def restrict_language(probabilities: Iterable[tuple[str, float]], allowed: Sequence[str]) -> tuple[str, float]:
    """The most probable language among ``allowed``, renormalised over them."""
    allowed_set = set(allowed)
    kept = [(lang, prob) for lang, prob in probabilities if lang in allowed_set]
    if not kept:
        raise ValueError(f"none of the allowed languages {sorted(allowed_set)} is known to the model")
    total = sum(prob for _, prob in kept) or 1.0
    lang, prob = max(kept, key=lambda item: item[1])
    return lang, prob / total


class WhisperTranscriber:
    """Transcribes 16 kHz audio with VAD, a language hint or restricted detection, segment timestamps."""

    def __init__(
        self,
        model_path: Path,
        *,
        threads: int = 2,
        languages: Sequence[str] = ("ru", "ar", "fa", "vi", "en"),
        beam_size: int = 5,
    ):
        self.model_path = Path(model_path)
        self.threads = threads
        self.languages = tuple(languages)
        self.beam_size = beam_size

    @classmethod
    def from_settings(cls, settings: Settings) -> WhisperTranscriber:
        path = resolve_model_path(settings.whisper_model, settings.model_cache_dir)
        return cls(path, threads=settings.whisper_threads, languages=settings.languages)

    @property
    def model(self) -> Any:
        return load_whisper(self.model_path, self.threads)

    def transcribe_file(self, path: str | Path, language: str | None = None) -> Transcript:
        return self.transcribe(load_audio(path), language=language)

    def transcribe(self, audio: np.ndarray, language: str | None = None) -> Transcript:
        # Deferred: faster-whisper loads CTranslate2 and onnxruntime (heavy); only transcription needs it.
        from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

        duration = len(audio) / SAMPLE_RATE
        gate = get_speech_timestamps(audio, VadOptions(threshold=SPEECH_GATE_THRESHOLD)) if len(audio) else []
        if not gate:
            log.info("transcribe no speech duration=%.1f", duration)
            return Transcript(language=language or UNKNOWN_LANGUAGE, duration=duration)
        model = self.model
        probability: float | None = None
        if language is None:
            chunks, _ = collect_chunks(audio, get_speech_timestamps(audio, VadOptions()))
            speech_audio = np.concatenate(chunks, axis=0)
            _, _, all_probs = model.detect_language(audio=speech_audio, language_detection_segments=1)
            language, probability = restrict_language(all_probs, self.languages)
        segments_iter, _info = model.transcribe(
            audio,
            language=language,
            beam_size=self.beam_size,
            vad_filter=True,
            condition_on_previous_text=False,
        )
        segments: list[Segment] = []
        for seg in segments_iter:
            text = seg.text.strip()
            if not text or (seg.no_speech_prob > NO_SPEECH_DROP and seg.avg_logprob < LOGPROB_DROP):
                continue
            start = max(round(float(seg.start), 2), segments[-1].end if segments else 0.0)
            end = max(round(float(seg.end), 2), start)
            segments.append(Segment(start=start, end=end, text=text))
        log.info("transcribe language=%s duration=%.1f segments=%d", language, duration, len(segments))
        return Transcript(language=language, duration=duration, segments=segments, language_probability=probability)
