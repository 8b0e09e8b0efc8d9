"""`healthpulse appeal submit --video FILE` prints a tracking code; a bad file exits 2 with the reason."""

from __future__ import annotations

import re

from healthpulse.cli import main
from sqlalchemy import create_engine, text

from tests.support.databases import database_url


def test_appeal_submit_prints_tracking_code(tmp_path, monkeypatch, capsys, speech_video):
    db = tmp_path / "hp.db"
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", database_url(db))
    monkeypatch.setenv("HEALTHPULSE_DATA_DIR", str(tmp_path / "data"))
    video = speech_video("en", "webm")
    code = main(["appeal", "submit", "--video", str(video), "--contact", "anna@example.org", "--language", "en"])
    out = capsys.readouterr()
    assert code == 0, out.err
    tracking = out.out.strip()
    assert re.fullmatch(r"HP-[A-Z0-9]{4}-[A-Z0-9]{4}", tracking)
    engine = create_engine(database_url(db))
    with engine.connect() as conn:
        row = conn.execute(text("select status, contact_email, language from appeals where tracking_code = :c"),
                           {"c": tracking}).one()
        assert tuple(row) == ("received", "anna@example.org", "en")
        assert conn.execute(text("select count(*) from jobs where kind = 'video.transcribe'")).scalar() == 1
    engine.dispose()

    bad = tmp_path / "photo.mp4"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    assert main(["appeal", "submit", "--video", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "picture" in err
    assert main(["appeal", "submit", "--video", str(video), "--region", "atlantis"]) == 2
    assert "Unknown region" in capsys.readouterr().err
