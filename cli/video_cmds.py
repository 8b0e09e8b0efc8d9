"""Video subcommands: ``transcribe`` (contract JSON) and ``appeal submit --video``."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from healthpulse.cli.common import EXIT_OK, CliError, add_config_args, load_cli_settings, open_container
from healthpulse.video_intake.jobs import transcriber_for
from healthpulse.video_intake.media import extract_audio
from healthpulse.video_intake.submission import submit_upload
from healthpulse.video_intake.uploads import UploadError, UploadService
from healthpulse.video_intake.validation import VideoRejected, validate_video


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("transcribe", help="transcribe a video or audio file → JSON {language, duration, segments}")
    add_config_args(p, departments=False)
    p.add_argument("--language", metavar="xx", help="language spoken (ru, ar, fa, vi, en); else detected among the configured ones")
    p.add_argument("--no-validate", action="store_true", help="accept any file ffmpeg can decode (audio files too)")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_transcribe)

    p = sub.add_parser("appeal", help="citizen appeals from the command line")
    appeal_sub = p.add_subparsers(dest="appeal_command", metavar="ACTION")
    appeal_sub.required = True
    s = appeal_sub.add_parser("submit", help="submit a video appeal; prints its tracking code")
    add_config_args(s)
    s.add_argument("--video", required=True, metavar="FILE")
    s.add_argument("--contact", help="phone number or e-mail of the citizen")
    s.add_argument("--region", help="department id (see the departments file)")
    s.add_argument("--language", metavar="xx", help="language spoken in the video")
    s.add_argument("--process", action="store_true", help="also run the transcription job now (else the worker does)")
    s.set_defaults(func=cmd_appeal_submit)


def _check_language(settings: object, language: str | None) -> str | None:
    if language is None:
        return None
    language = language.strip().lower()
    allowed = getattr(settings, "languages", [])
    if language not in allowed:
        raise CliError(f"unsupported language '{language}' (configured: {', '.join(allowed)})")
    return language


def cmd_transcribe(args: argparse.Namespace) -> int:
    settings = load_cli_settings(args)
    language = _check_language(settings, args.language)
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    if not args.no_validate:
        try:
            validate_video(path, min_seconds=settings.min_video_seconds, max_seconds=settings.max_video_seconds)
        except VideoRejected as rejected:
            raise CliError(f"{path}: invalid video ({rejected.code}): {rejected.reason}") from None
    with tempfile.TemporaryDirectory(prefix="healthpulse-audio-") as tmp:
        try:
            audio = extract_audio(path, Path(tmp) / "audio.wav")
        except Exception as exc:  # noqa: BLE001 - any decode failure is the file's fault here
            raise CliError(f"{path}: cannot read the audio: {exc}") from None
        transcript = transcriber_for(settings).transcribe_file(audio, language=language)
    json.dump(transcript.contract_json(), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_OK


def cmd_appeal_submit(args: argparse.Namespace) -> int:
    path = Path(args.video)
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    container = open_container(args)
    try:
        language = _check_language(container.settings, args.language)
        service = UploadService(container)
        metadata = {"consent": "yes", "filename": path.name, "language": language or "", "region": args.region or "",
                    "contact": args.contact or ""}
        size = path.stat().st_size
        try:
            state = service.create(length=size, metadata=metadata, client_ip="cli")
            with path.open("rb") as fh:
                service.append(state.id, offset=0, stream=fh, content_length=size)
            result = submit_upload(container, state.id)
        except UploadError as err:
            raise CliError(f"{path}: {err.reason}") from None
        except VideoRejected as rejected:
            raise CliError(f"{path}: invalid video ({rejected.code}): {rejected.reason}") from None
        if args.process:
            container.worker.run_until_idle()
        print(result.tracking_code)
    finally:
        container.close()
    return EXIT_OK
