"""Issue 19: the worker scans the hotline drop folder itself (HEALTHPULSE_CALLS_DROP_FOLDER), every
``calls_drop_scan_seconds`` of the container's clock, once per slot; a scan twice over the same folder is harmless."""

from __future__ import annotations

import os
import time

from healthpulse.core.models.documents import JobRow
from healthpulse.video_intake.drop_folder_job import DROP_SCAN_JOB
from sqlalchemy import select

from tests.support.containers import make_container


def _scan_jobs(c) -> list[str]:
    with c.session() as s:
        return list(s.scalars(select(JobRow.state).where(JobRow.kind == DROP_SCAN_JOB).order_by(JobRow.id)))


def _drop(folder, name):
    path = folder / name
    path.write_bytes(b"not a recording")
    old = time.time() - 60  # written a minute ago: settled
    os.utime(path, (old, old))
    return path


def test_the_worker_scans_the_drop_folder_on_its_own(tmp_path, clock):
    folder = tmp_path / "drop"
    folder.mkdir()
    c = make_container(tmp_path, clock=clock, calls_drop_folder=folder, calls_drop_scan_seconds=10)
    try:
        _drop(folder, "garbage-1.wav")
        rounds = iter(range(2))
        c.worker.run_forever(poll_seconds=0.01, stop=lambda: next(rounds, None) is None)  # starting seeds the chain
        c.worker.run_forever(poll_seconds=0.01, stop=lambda: True)
        assert _scan_jobs(c) == ["queued"]
        assert (folder / "garbage-1.wav").exists()  # the first scan is due at the next 10-second slot

        clock.advance(seconds=10)
        c.worker.run_until_idle()
        assert not (folder / "garbage-1.wav").exists()
        assert "unparseable file name" in (folder / "rejected" / "garbage-1.wav.reason.txt").read_text()
        assert _scan_jobs(c) == ["done", "queued"]  # it queued its next run

        _drop(folder, "garbage-2.wav")
        c.worker.run_until_idle()
        assert (folder / "garbage-2.wav").exists()  # not before its slot
        clock.advance(seconds=10)
        c.worker.run_until_idle()
        assert sorted(p.name for p in (folder / "rejected").iterdir() if p.suffix == ".wav") == [
            "garbage-1.wav", "garbage-2.wav"]
        assert _scan_jobs(c) == ["done", "done", "queued"]
    finally:
        c.close()


def test_without_the_setting_the_worker_queues_no_scans(tmp_path, clock):
    c = make_container(tmp_path, clock=clock)
    try:
        c.worker.run_forever(poll_seconds=0.01, stop=iter([False, True]).__next__)
        assert _scan_jobs(c) == []
    finally:
        c.close()


def test_the_worker_passes_the_folders_language_on(tmp_path, clock):
    """HEALTHPULSE_CALLS_DROP_LANGUAGE: the line's language becomes the appeal's (Whisper's hint)."""
    import subprocess

    from healthpulse.core.models.appeals import AppealRow
    from healthpulse.core.models.calls import CallRow

    folder = tmp_path / "drop"
    folder.mkdir()
    c = make_container(tmp_path, clock=clock, calls_drop_folder=folder, calls_drop_scan_seconds=10,
                       calls_drop_language="ar")
    try:
        good = folder / "in-201001234567-2-20260105-083015-1704443777.5.wav"
        subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "2",
                        str(good)], check=True, capture_output=True)
        old = time.time() - 60
        os.utime(good, (old, old))
        c.worker.run_forever(poll_seconds=0.01, stop=iter([False, True]).__next__)
        clock.advance(seconds=10)
        c.worker.run_until_idle()
        assert not good.exists()
        with c.session() as s:
            assert s.get(AppealRow, s.get(CallRow, "1704443777.5").appeal_id).language == "ar"
    finally:
        c.close()
