"""Joining the bundled Whisper weights: once, atomically, verified; a configured folder is checked."""

from __future__ import annotations

import threading

import pytest
from healthpulse.video_intake import model_cache
from healthpulse.video_intake.model_cache import (
    BUNDLED_SIZE,
    ModelUnavailable,
    ensure_bundled_model,
    resolve_model_path,
    verify_model_folder,
)


def test_joins_once_concurrently_and_verifies(tmp_path):
    results, errors = [], []

    def join():
        try:
            results.append(ensure_bundled_model(tmp_path))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=join) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(results)) == 1
    folder = results[0]
    assert (folder / "model.bin").stat().st_size == BUNDLED_SIZE
    assert {p.name for p in folder.iterdir()} >= {"model.bin", "config.json", "tokenizer.json", "vocabulary.json"}
    assert not [p for p in folder.iterdir() if ".tmp" in p.name]
    verify_model_folder(folder)  # full sha256 check
    stamp = (folder / "model.bin").stat().st_mtime_ns
    assert ensure_bundled_model(tmp_path) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == stamp  # not joined again


def test_corrupt_cache_is_detected_and_rebuilt(tmp_path):
    folder = ensure_bundled_model(tmp_path)
    with (folder / "model.bin").open("r+b") as fh:
        fh.seek(1000)
        fh.write(b"\x00" * 16)
    with pytest.raises(ModelUnavailable):
        verify_model_folder(folder)
    with (folder / "model.bin").open("r+b") as fh:
        fh.truncate(1000)
    assert ensure_bundled_model(tmp_path) == folder  # size mismatch → joined again
    verify_model_folder(folder)


def test_wrong_hash_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(model_cache, "BUNDLED_SHA256", "0" * 64)
    with pytest.raises(ModelUnavailable, match="corrupt"):
        ensure_bundled_model(tmp_path)
    assert not (tmp_path / model_cache.BUNDLED_NAME / "model.bin").exists()


def test_configured_model_folder(tmp_path):
    with pytest.raises(ModelUnavailable, match="missing model.bin"):
        resolve_model_path(str(tmp_path), None)
    bundled = ensure_bundled_model(tmp_path / "cache")
    assert resolve_model_path(str(bundled), None) == bundled
