"""Where video files live on disk (under ``settings.data_dir/video``).

``uploads/<id>.part`` while a tus upload is in progress; once submitted the
file moves to ``appeals/<appeal id>/original.<ext>`` next to its derived
``audio.wav`` and ``poster.jpg``.  Paths stored in the database are absolute.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from healthpulse.core.settings import Settings

EXTENSIONS = {"mp4": "mp4", "matroska": "mkv", "webm": "webm"}


class VideoStorage:
    def __init__(self, data_dir: Path | str):
        self.root = Path(data_dir).expanduser().resolve() / "video"

    @classmethod
    def from_settings(cls, settings: Settings) -> VideoStorage:
        return cls(settings.data_dir)

    @property
    def uploads_dir(self) -> Path:
        return self.root / "uploads"

    @property
    def recordings_spool(self) -> Path:
        """Where a posted call recording waits while it is checked (moved to its appeal's folder, or deleted)."""
        return self.root / "recordings-spool"

    def upload_path(self, upload_id: str) -> Path:
        return self.uploads_dir / f"{upload_id}.part"

    def upload_lock(self, upload_id: str) -> Path:
        return self.uploads_dir / f"{upload_id}.lock"

    def appeal_dir(self, appeal_id: str) -> Path:
        return self.root / "appeals" / appeal_id

    def original_path(self, appeal_id: str, container: str) -> Path:
        return self.appeal_dir(appeal_id) / f"original.{EXTENSIONS.get(container, 'bin')}"

    def audio_path(self, appeal_id: str) -> Path:
        return self.appeal_dir(appeal_id) / "audio.wav"

    def poster_path(self, appeal_id: str) -> Path:
        return self.appeal_dir(appeal_id) / "poster.jpg"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
