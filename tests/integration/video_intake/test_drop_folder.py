"""Issue 19: a PBX that only writes files: FreePBX-style names become calls and hotline appeals; a name that does
not parse, or a recording the checks refuse, is moved to rejected/ with a reason file."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from healthpulse.cli import main
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.calls import CallRow

from tests.support.containers import make_container

pytestmark = pytest.mark.slow


def test_drop_folder_accepts_named_recordings_and_rejects_the_rest(tmp_path, clock, monkeypatch, capsys):
    c = make_container(tmp_path, clock=clock)
    c.close()
    drop = tmp_path / "drop"
    drop.mkdir()
    good = drop / "in-79001234567-104-20260105-083015-1704443415.17.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=8000", "-t", "2",
                    str(good)], check=True, capture_output=True)
    (drop / "voicemail-0042.wav").write_bytes(good.read_bytes())
    (drop / "in-79001234567-104-20260105-083100-1704443460.3.wav").write_bytes(b"RIFF0000WAVEjunk" * 10)
    for p in drop.iterdir():
        os.utime(p, (0, 0))  # settled long ago
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'hp.db'}")
    monkeypatch.setenv("HEALTHPULSE_DATA_DIR", str(tmp_path / "data"))

    assert main(["calls", "watch", str(drop), "--once"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["accepted"] == [good.name]
    assert sorted(summary["rejected"]) == ["in-79001234567-104-20260105-083100-1704443460.3.wav", "voicemail-0042.wav"]
    assert sorted(p.name for p in drop.iterdir()) == ["rejected"]
    rejected = drop / "rejected"
    assert "unparseable file name" in (rejected / "voicemail-0042.wav.reason.txt").read_text()
    assert "recording refused" in (rejected / "in-79001234567-104-20260105-083100-1704443460.3.wav.reason.txt").read_text()
    assert (rejected / "voicemail-0042.wav").stat().st_size > 1000  # kept whole, not deleted

    c = make_container(tmp_path, clock=clock)
    try:
        with c.session() as s:
            call = s.get(CallRow, "1704443415.17")
            assert (call.from_number, call.ivr, call.department_id, call.topic) == ("79001234567", "104", "hcmc",
                                                                                     "drug_supply")
            appeal = s.get(AppealRow, call.appeal_id)
            assert appeal.channel == "hotline" and appeal.contact_phone == "79001234567"
    finally:
        c.close()
