"""`healthpulse rules|alerts|tickets|report` on a database filled through the pipeline."""

import json

import pytest
from healthpulse.alerts import service
from healthpulse.cli import main

from tests.support.containers import make_container
from tests.support.databases import database_url

from .conftest import make_doc


@pytest.fixture
def filled(tmp_path, fclock, monkeypatch):
    c = make_container(tmp_path, clock=fclock, index=None)
    c.pipeline.ingest_many([make_doc("ext-A1", "surgut", "high", story="s"), make_doc("ext-A2", "surgut", "high", story="s"),
                            make_doc("ext-B", "cairo", "critical", topic="drug_supply")])
    c.close()
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", database_url(tmp_path / "hp.db"))
    return tmp_path


def test_tickets_list_json_uses_external_document_ids(filled, capsys):
    assert main(["tickets", "list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["department"], r["severity"], r["status"], r["origin"], sorted(r["document_ids"])) for r in rows] == [
        ("cairo", "critical", "new", "alert", ["ext-B"]), ("surgut", "high", "new", "alert", ["ext-A1", "ext-A2"])]
    assert all("due_at" in r and "id" in r for r in rows)
    assert main(["tickets", "list", "--department", "surgut", "--format", "json"]) == 0
    assert [r["department"] for r in json.loads(capsys.readouterr().out)] == ["surgut"]
    assert main(["tickets", "list", "--department", "atlantis"]) == 2
    assert "unknown department 'atlantis'" in capsys.readouterr().err


def test_alerts_list_and_ticket_show(filled, capsys):
    assert main(["alerts", "list", "--format", "json"]) == 0
    alerts = json.loads(capsys.readouterr().out)
    assert {a["department"]: a["document_ids"] for a in alerts}["surgut"] == ["ext-A1", "ext-A2"]
    assert main(["alerts", "list", "--format", "table"]) == 0
    assert "surgut" in capsys.readouterr().out
    tid = next(a["ticket_id"] for a in alerts if a["department"] == "surgut")
    assert main(["tickets", "show", str(tid)]) == 0
    out = capsys.readouterr().out
    assert f"Ticket #{tid} [high] new" in out and "ext-A1" in out and "system: created" in out
    assert main(["tickets", "show", "999"]) == 2


def test_report_formats(filled, capsys, tmp_path):
    assert main(["report", "--department", "surgut", "--period", "week", "--end", "2026-01-05", "--format", "json"]) == 0
    k = json.loads(capsys.readouterr().out)
    assert k["tickets_created"] == 1 and k["volume_by_channel"] == {"news": 1}
    assert main(["report", "--department", "surgut", "--period", "month", "--end", "2026-01-05", "--format", "csv"]) == 0
    csv_out = capsys.readouterr().out
    assert csv_out.startswith("metric,value") and "volume_by_channel.news,1" in csv_out
    out_file = tmp_path / "r.html"
    assert main(["report", "--department", "surgut", "--format", "html", "-o", str(out_file)]) == 0
    assert "<table>" in out_file.read_text() and "sla_compliance_pct" in out_file.read_text()


def test_rules_validate(tmp_path, capsys):
    assert main(["rules", "validate", str(service.__file__).replace("service.py", "default_rules.yaml")]) == 0
    assert "OK" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - id: w\n    type: watchlist\n    terms: [a]\n    severity: urgent\n")
    assert main(["rules", "validate", str(bad)]) == 2
    assert f"{bad}:5: rules[0].severity (entry 'w')" in capsys.readouterr().err


def test_alerts_list_shows_past_episodes_only_when_asked(tmp_path, fclock, monkeypatch, capsys):
    """Issue 21: a backfilled incident (published 10 days ago) is a past episode: `alerts list --include-past`."""
    from datetime import timedelta

    c = make_container(tmp_path, clock=fclock, index=None)
    c.pipeline.ingest_many([make_doc("old", "surgut", "high", published_at=fclock.now() - timedelta(days=10)),
                            make_doc("new", "cairo", "high", published_at=fclock.now() - timedelta(hours=1))])
    c.close()
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", database_url(tmp_path / "hp.db"))
    assert main(["alerts", "list", "--format", "json"]) == 0
    assert [(a["document_ids"], a["state"]) for a in json.loads(capsys.readouterr().out)] == [(["new"], "open")]
    assert main(["alerts", "list", "--include-past", "--format", "json"]) == 0
    listed = {a["document_ids"][0]: a for a in json.loads(capsys.readouterr().out)}
    assert listed["old"]["state"] == "past" and listed["old"]["ticket_id"] is None
    assert listed["old"]["event_start"].startswith((fclock.now() - timedelta(days=10)).date().isoformat())
    assert main(["alerts", "list", "--state", "past", "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "surgut" in out and "cairo" not in out
