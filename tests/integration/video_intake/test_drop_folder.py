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
from tests.support.databases import database_url

pytestmark = pytest.mark.slow


def _drop_folder(tmp_path, clock, monkeypatch, recording: str):
    """A migrated database the CLI opens through the environment, and a drop folder holding one 2 s recording."""
    make_container(tmp_path, clock=clock).close()
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", database_url(tmp_path / "hp.db"))
    monkeypatch.setenv("HEALTHPULSE_DATA_DIR", str(tmp_path / "data"))
    drop = tmp_path / "drop"
    drop.mkdir()
    good = drop / recording
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=8000", "-t", "2",
                    str(good)], check=True, capture_output=True)
    os.utime(good, (0, 0))  # settled long ago
    return drop, good


def test_drop_folder_accepts_named_recordings_and_rejects_the_rest(tmp_path, clock, monkeypatch, capsys):
    drop, good = _drop_folder(tmp_path, clock, monkeypatch, "in-79001234567-104-20260105-083015-1704443415.17.wav")
    (drop / "voicemail-0042.wav").write_bytes(good.read_bytes())
    (drop / "in-79001234567-104-20260105-083100-1704443460.3.wav").write_bytes(b"RIFF0000WAVEjunk" * 10)
    for p in drop.iterdir():
        os.utime(p, (0, 0))  # settled long ago

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


def test_a_folder_per_language_line_passes_its_language_on(tmp_path, clock, monkeypatch, capsys):
    """`calls watch DIR --language fa-IR`: the folder's calls are Persian appeals (Whisper's hint); a language the
    deployment does not serve is refused before anything is read."""
    drop, good = _drop_folder(tmp_path, clock, monkeypatch, "in-989121234567-1-20260105-083015-1704443999.2.wav")

    assert main(["calls", "watch", str(drop), "--once", "--language", "de"]) != 0
    assert "--language" in capsys.readouterr().err and good.exists()
    assert main(["calls", "watch", str(drop), "--once", "--language", "fa-IR"]) == 0
    assert json.loads(capsys.readouterr().out)["accepted"] == [good.name]
    c = make_container(tmp_path, clock=clock)
    try:
        with c.session() as s:
            appeal = s.get(AppealRow, s.get(CallRow, "1704443999.2").appeal_id)
            assert appeal.language == "fa"
    finally:
        c.close()
