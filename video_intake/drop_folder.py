"""A watched folder for exchanges that only write recordings to disk (FreePBX-style names).

``in-<from>-<to or extension>-<YYYYMMDD>-<HHMMSS>-<uniqueid>.<wav|mp3|ogg|m4a>``
(``out-…`` for a callback: ``out-<to>-<from>-…``).  Each file becomes the call
(events stored as if the exchange had posted them, at the name's time in the
instance's time zone; the extension is the IVR path) and its recording (the same
``submit_recording`` as the API).  A name that does not parse, or a recording the
checks refuse, is moved to ``rejected/`` beside a ``<name>.reason.txt`` saying
why; nothing is deleted unread.  Files younger than ``settle_seconds`` are left
for the next scan (the exchange may still be writing them).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from healthpulse.appeals.calls.events import CallEvent, record_event
from healthpulse.core.contacts import normalize_phone
from healthpulse.core.context import CoreContext
from healthpulse.core.ivr import is_ivr_path, normalise_ivr
from healthpulse.video_intake.recording import RecordingRejected, submit_recording
from healthpulse.video_intake.storage import VideoStorage

log = logging.getLogger(__name__)

NAME = re.compile(r"^(?P<dir>in|out)-(?P<a>[^-]+)-(?P<b>[^-]+)-(?P<date>\d{8})-(?P<time>\d{6})-(?P<uid>[\w.]+)"
                  r"\.(?P<ext>wav|mp3|ogg|opus|m4a)$", re.IGNORECASE)
REJECTED = "rejected"
REPORTER = "drop-folder"


@dataclass(frozen=True)
class DroppedCall:
    call_id: str
    direction: str
    from_number: str
    to_number: str
    at: datetime


@dataclass
class ScanReport:
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)


def parse_name(name: str, zone: ZoneInfo) -> DroppedCall | None:
    """The call a file name describes, or None when it is not one (the reason is then the expected shape)."""
    m = NAME.match(name)
    if m is None:
        return None
    try:
        at = datetime.strptime(m["date"] + m["time"], "%Y%m%d%H%M%S").replace(tzinfo=zone)
    except ValueError:
        return None
    inbound = m["dir"].lower() == "in"
    caller, called = (m["a"], m["b"]) if inbound else (m["b"], m["a"])
    return DroppedCall(call_id=f"{m['uid']}", direction="inbound" if inbound else "outbound",
                       from_number=normalize_phone(caller), to_number=normalize_phone(called), at=at)


def _reject(path: Path, reason: str) -> None:
    target_dir = path.parent / REJECTED
    target_dir.mkdir(exist_ok=True)
    os.replace(path, target_dir / path.name)
    (target_dir / f"{path.name}.reason.txt").write_text(reason + "\n", encoding="utf-8")
    log.warning("drop folder: %s rejected: %s", path.name, reason)


def _record_call(container: CoreContext, call: DroppedCall) -> None:
    ivr = normalise_ivr(call.to_number) if call.direction == "inbound" and is_ivr_path(call.to_number) else None
    at = call.at.astimezone(container.clock.now().tzinfo)
    for event in ("newCall", "hangup"):
        record_event(container, CallEvent(call_id=call.call_id, event=event, at=at, from_number=call.from_number,
                                          to_number=call.to_number, direction=call.direction, ivr=ivr,
                                          cause="normalClearing" if event == "hangup" else None), REPORTER)


def scan(container: CoreContext, folder: Path, *, settle_seconds: float = 5.0,
         language: str | None = None) -> ScanReport:
    """One pass over ``folder``: every settled recording is accepted or moved to ``rejected/`` with its reason.
    ``language``: the line's language (a folder per language line), the transcription's hint; None detects."""
    report = ScanReport()
    zone = ZoneInfo(container.settings.timezone)
    spool = VideoStorage.from_settings(container.settings).recordings_spool
    spool.mkdir(parents=True, exist_ok=True)
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if time.time() - path.stat().st_mtime < settle_seconds:
            report.waiting.append(path.name)
            continue
        call = parse_name(path.name, zone)
        if call is None:
            _reject(path, "unparseable file name: expected in-<from>-<to or extension>-<YYYYMMDD>-<HHMMSS>-"
                          "<uniqueid>.<wav|mp3|ogg|m4a> (or out-<to>-<from>-…)")
            report.rejected.append(path.name)
            continue
        _record_call(container, call)
        copy = spool / f"drop-{call.call_id}{path.suffix.lower()}"
        shutil.copyfile(path, copy)
        try:
            submit_recording(container, call.call_id, copy, path.name, language)
        except RecordingRejected as err:
            _reject(path, f"recording refused ({err.code}): {err.reason}")
            report.rejected.append(path.name)
            continue
        path.unlink()
        report.accepted.append(path.name)
    return report
