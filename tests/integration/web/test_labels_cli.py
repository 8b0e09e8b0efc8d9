"""`healthpulse labels export` and the KPI report's corrected-analyses share, on a real instance's database."""

import json
from datetime import timedelta

from healthpulse.cli import main
from healthpulse.web.services import corrections as corr_svc
from healthpulse.web.services.users import Principal

from tests.support.containers import make_container
from tests.support.databases import database_url
from tests.support.web import news_document

OFFICER = Principal(7, "surgut-officer", "department", "surgut")


def _world(tmp_path, clock, monkeypatch):
    c = make_container(tmp_path, clock=clock)
    now = clock.now()
    docs = [news_document(i, department=dep, published=now - timedelta(hours=2), incident=False,
                          topics=["waiting_times"], text=f"Story {i}: the clinic in {dep} keeps patients waiting.")
            for i, dep in ((1, "surgut"), (2, "surgut"), (3, "surgut"), (4, "cairo"))]
    c.pipeline.ingest_many(docs)
    corr_svc.correct(c, OFFICER, docs[0].id, {"incident": True, "severity": "high", "topics": ["drug_supply"]})
    clock.advance(timedelta(days=2))
    corr_svc.correct(c, OFFICER, docs[1].id, {"sentiment": "positive"})
    c.close()
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", database_url(tmp_path / "hp.db"))
    monkeypatch.setenv("HEALTHPULSE_DATA_DIR", str(tmp_path / "data"))
    return docs


def test_labels_export_writes_one_line_per_corrected_document(tmp_path, clock, monkeypatch, capsys):
    docs = _world(tmp_path, clock, monkeypatch)
    out = tmp_path / "labels.jsonl"
    assert main(["labels", "export", str(out)]) == 0
    assert "2 corrected document(s)" in capsys.readouterr().err
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    by_id = {x["id"]: x for x in lines}
    assert set(by_id) == {docs[0].id, docs[1].id}
    first = by_id[docs[0].id]
    assert (first["incident"], first["severity"], first["health_related"], first["topics"]) == (
        True, "high", True, ["drug_supply"])
    assert first["corrected_fields"] == ["incident", "severity", "topics"] and first["source"] == "staff_correction"
    assert by_id[docs[1].id]["severity"] is None and by_id[docs[1].id]["sentiment"] == "positive"
    # --since and --department filter; "-" writes to stdout
    since = (clock.now() - timedelta(days=1)).date().isoformat()
    assert main(["labels", "export", "--since", since, "-"]) == 0
    assert [json.loads(x)["id"] for x in capsys.readouterr().out.splitlines()] == [docs[1].id]
    assert main(["labels", "export", "--department", "cairo"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["labels", "export", "--department", "atlantis"]) == 2
    assert "unknown department 'atlantis'" in capsys.readouterr().err
    assert main(["labels", "export", "--since", "yesterday"]) == 2


def test_report_has_the_share_of_corrected_analyses(tmp_path, clock, monkeypatch, capsys):
    _world(tmp_path, clock, monkeypatch)
    end = clock.now().date().isoformat()
    assert main(["report", "--department", "surgut", "--period", "week", "--end", end]) == 0
    k = json.loads(capsys.readouterr().out)
    assert (k["analyses"], k["analyses_corrected"], k["analyses_corrected_pct"]) == (3, 2, 66.7)
    assert main(["report", "--department", "surgut", "--format", "csv", "--end", end]) == 0
    assert "analyses_corrected_pct,66.7" in capsys.readouterr().out


def test_train_with_a_missing_or_broken_extra_file_is_a_usage_error_before_any_work(tmp_path, capsys):
    """`train --extra` checks its files first: exit 2 naming the file, not an internal error after minutes of embedding."""
    missing = tmp_path / "nope.jsonl"
    assert main(["train", "--extra", str(missing), "--out", str(tmp_path / "heads")]) == 2
    assert f"labelled data file not found: {missing}" in capsys.readouterr().err
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x", "lang": "ru"\n', encoding="utf-8")
    assert main(["train", "--extra", str(broken), "--out", str(tmp_path / "heads")]) == 2
    err = capsys.readouterr().err
    assert "--extra" in err and "broken.jsonl" in err
    assert not (tmp_path / "heads").exists()
