"""Transcription speed (real-time factor) and word error rate of the video appeal recogniser.

    python benchmarks/transcribe.py                 # RTF on a 60 s appeal, 2 threads, bundled Whisper base
    python benchmarks/transcribe.py --wer           # + WER/CER per language on the test recordings
    python benchmarks/transcribe.py --threads 4 --seconds 120 --model /path/to/ct2-whisper

RTF = processing time / audio duration (lower is faster; target ≤ 0.5).  The
60 s appeal is synthetic speech (espeak-ng; Festival for Russian) in a real
WebM (VP8 + Opus) file, going through the production path: ffmpeg audio
extraction to 16 kHz mono, VAD, then decoding.  Needs Debian ffmpeg,
espeak-ng, festival, festvox-ru.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from healthpulse.core.settings import Settings
from healthpulse.video_intake.media import extract_audio
from healthpulse.video_intake.model_cache import resolve_model_path
from healthpulse.video_intake.transcriber import WhisperTranscriber, load_whisper

# Run as a script: put the checkout on sys.path so the test helpers (tests/support/, not shipped) import.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.synth import TEST_UTTERANCES, concat_speech, make_video, speech_wav
from tests.support.wer import cer, wer

APPEAL_EN = [
    "Hello. My name is Anna and I live in Surgut.",
    "Last week my mother went to the city hospital with a high temperature.",
    "She waited in the emergency room for six hours and nobody examined her.",
    "The pharmacy had no insulin, and the doctors did not answer the phone.",
    "Please check the hospital and help the patients. Thank you.",
]


def rtf(args: argparse.Namespace, work: Path) -> None:
    wav = concat_speech(APPEAL_EN, "en", work, float(args.seconds))
    video = make_video(work, audio=wav, fmt="webm", pad_seconds=0.0)
    model_path = resolve_model_path(args.model, None)
    started = time.perf_counter()
    load_whisper(model_path, args.threads)
    load_s = time.perf_counter() - started
    transcriber = WhisperTranscriber(model_path, threads=args.threads, beam_size=args.beam)
    runs, cpu = [], []
    for _ in range(args.repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        audio = extract_audio(video, work / "bench.wav")
        transcript = transcriber.transcribe_file(audio, language="en" if not args.detect else None)
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    best = min(runs)
    load1, _, _ = os.getloadavg()
    print(f"model: {model_path}")
    print(f"threads: {args.threads}  beam: {args.beam}  cpu count: {os.cpu_count()}  load: {load_s:.2f} s")
    print(f"audio: {transcript.duration:.1f} s  segments: {len(transcript.segments)}  language: {transcript.language}")
    print(f"processing (extract + VAD + decode): best {best:.2f} s of {len(runs)}  "
          f"RTF: {best / transcript.duration:.3f}  (median run RTF {sorted(runs)[len(runs) // 2] / transcript.duration:.3f})")
    # On a shared machine wall time includes waiting for the CPU; CPU seconds / threads is what the
    # same run costs on a machine with ``threads`` free cores (ffmpeg's share runs in a child, not counted).
    print(f"CPU time in this process: {min(cpu):.2f} s → RTF if {args.threads} cores were free: "
          f"{min(cpu) / args.threads / transcript.duration:.3f}  (load average now {load1:.1f})")
    print(f"WER on the benchmark appeal: {wer(' '.join(_repeat_text(APPEAL_EN, transcript.duration)), transcript.text):.3f}")


def _repeat_text(sentences: list[str], seconds: float) -> list[str]:
    """The reference for the looped benchmark speech is approximate (the last sentence may be cut)."""
    return sentences * max(1, round(seconds / 22))


def wer_table(args: argparse.Namespace, work: Path) -> None:
    model_path = resolve_model_path(args.model, None)
    transcriber = WhisperTranscriber(model_path, threads=args.threads, beam_size=args.beam)
    print("\nlang | hint | detected | WER | CER | hypothesis")
    for language, (text, _keywords) in TEST_UTTERANCES.items():
        video = make_video(work, audio=speech_wav(text, language, work), fmt="mp4")
        audio = extract_audio(video, work / f"wer-{language}.wav")
        for hint in (language, None):
            transcript = transcriber.transcribe_file(audio, language=hint)
            print(f"{language} | {hint or '-'} | {transcript.language} | {wer(text, transcript.text):.2f} | "
                  f"{cer(text, transcript.text):.2f} | {transcript.text}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--beam", type=int, default=Settings.model_fields["whisper_beam_size"].default,
                        help="beam size (default: the product default, HEALTHPULSE_WHISPER_BEAM_SIZE)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--model", help="a CTranslate2 Whisper folder (default: the bundled base model)")
    parser.add_argument("--detect", action="store_true", help="detect the language instead of passing 'en'")
    parser.add_argument("--wer", action="store_true", help="also print WER/CER per language on the test recordings")
    parser.add_argument("--work", help="folder for the generated media (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hp-bench-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        rtf(args, work)
        if args.wer:
            wer_table(args, work)


if __name__ == "__main__":
    main()
