"""Issue 16.8: a `healthpulse worker` process stopped with SIGTERM mid-job releases the job at once — no waiting
for the 300 s lease, and the interrupted run is not counted as a failed attempt."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from healthpulse.core.clock import SystemClock

from tests.support.containers import make_container

REPO = Path(__file__).resolve().parents[3]


def test_sigterm_mid_job_releases_it_for_the_next_worker(tmp_path):
    container = make_container(tmp_path, clock=SystemClock())
    started = tmp_path / "started"
    jid = container.jobs.enqueue("test.slow", {"started": str(started)})
    env = {**os.environ, "HEALTHPULSE_DATABASE_URL": str(container.settings.database_url),
           "HEALTHPULSE_DATA_DIR": str(tmp_path / "data"), "HEALTHPULSE_WORKER_POLL_SECONDS": "0.1"}
    worker = subprocess.Popen([sys.executable, "-m", "tests.support.slow_worker"], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 240
        while not started.exists() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert started.exists(), worker.communicate(timeout=30)[0] if worker.poll() is not None else "not started"
        job = container.jobs.get(jid)
        assert job.state == "running" and job.locked_by and job.attempts == 1
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=120)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(30)
    assert worker.returncode == 0, output
    job = container.jobs.get(jid)
    assert job.state == "queued" and job.locked_until is None and job.attempts == 0, output
    claimed = container.jobs.claim("next-worker", lease_seconds=300)  # at once: the clock has not moved on
    assert claimed is not None and claimed.id == jid
    container.close()
