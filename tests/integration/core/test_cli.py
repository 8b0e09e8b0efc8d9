"""The `healthpulse` command as a user runs it: a real subprocess, real models, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.databases import database_url

CONTRACT_KEYS = {"id", "language", "health_related", "sentiment", "topics", "department", "incident", "severity", "places"}


def run(args, tmp_path, stdin: bytes | None = None, timeout=600, extra_env: dict[str, str] | None = None):
    env = dict(os.environ)
    env.update({"HEALTHPULSE_DATABASE_URL": database_url(tmp_path / "cli.db"), "HEALTHPULSE_DATA_DIR": str(tmp_path / "data")})
    env.update(extra_env or {})
    env.pop("HEALTHPULSE_SEARCH_URL", None)
    return subprocess.run([sys.executable, "-m", "healthpulse.cli", *args], input=stdin, capture_output=True,
                          env=env, timeout=timeout, cwd=tmp_path)


def test_help_lists_every_command(tmp_path):
    out = run(["--help"], tmp_path)
    assert out.returncode == 0
    for cmd in ("analyze", "ingest", "search", "reindex", "demo", "worker", "migrate"):
        assert cmd in out.stdout.decode()
    assert run(["analyze", "--help"], tmp_path).returncode == 0


def test_unknown_command_is_usage_error(tmp_path):
    assert run(["frobnicate"], tmp_path).returncode == 2


@pytest.fixture(scope="module")
def analyze_output(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("analyze")
    lines = [
        json.dumps({"id": "ru1", "title": "В Сургуте умер пациент", "text": "В Сургуте пациент скончался в приёмном покое окружной больницы, так и не дождавшись врача."}, ensure_ascii=False),
        json.dumps({"id": "ar1", "text": "وفاة طفل بعد رفض مستشفى أم المصريين بالجيزة استقباله في الطوارئ"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "empty", "text": "   "}),
        json.dumps({"id": 7, "text": ["not", "text"]}),
        json.dumps({"id": "big", "text": "Очередь в поликлинике. " * 230_000}, ensure_ascii=False),
        json.dumps({"id": "emoji", "text": "😡😡😡 !!! ???"}),
        "",
        json.dumps({"id": "en1", "text": "Manchester Royal Infirmary opens a new children's ward"}),
    ]
    data = "\n".join(lines).encode("utf-8") + b"\n" + b'{"id": "bad-utf8", "text": "\xff\xfe"}\n'
    proc = run(["analyze", "-"], tmp, stdin=data)
    return proc, [json.loads(x) for x in proc.stdout.decode().splitlines()]


def test_analyze_one_line_per_input_in_order(analyze_output):
    proc, out = analyze_output
    assert proc.returncode == 2, proc.stderr.decode()  # some lines failed
    assert [o.get("id") for o in out] == ["ru1", "ar1", None, "empty", "7", "big", "emoji", None, "en1", None]


def test_analyze_contract_fields(analyze_output):
    _, out = analyze_output
    ru, ar, en = out[0], out[1], out[8]
    for o in (ru, ar, en):
        assert CONTRACT_KEYS <= set(o)
        assert o["sentiment"]["label"] in {"negative", "neutral", "positive"}
        assert 0.0 <= o["sentiment"]["score"] <= 1.0
        assert isinstance(o["health_related"], bool) and isinstance(o["incident"], bool)
    assert ru["language"] == "ru" and ru["department"] == "surgut" and ru["incident"] is True
    assert ru["severity"] in {"high", "critical"}
    assert ar["language"] == "ar" and ar["department"] == "giza" and ar["incident"] is True
    assert en["language"] == "en" and en["incident"] is False and en["department"] == "manchester"


def test_analyze_bad_lines_become_error_lines(analyze_output):
    proc, out = analyze_output
    assert "line 3" in out[2]["error"] and "malformed JSON" in out[2]["error"]
    assert "empty" in out[3]["error"]
    assert "text" in out[4]["error"]
    assert "line 8" in out[7]["error"] and "blank" in out[7]["error"]
    assert "invalid UTF-8" in out[9]["error"]
    assert "line 3" in proc.stderr.decode()


def test_analyze_huge_text_is_truncated_with_a_warning(analyze_output):
    proc, out = analyze_output
    big = out[5]
    assert "error" not in big and big["language"] == "ru"
    assert any("truncated" in w for w in big.get("warnings", []))
    assert "truncated" in proc.stderr.decode()


def test_analyze_emoji_only_is_und_not_a_crash(analyze_output):
    _, out = analyze_output
    assert out[6]["language"] == "und" or "error" in out[6]


def test_ingest_then_search(tmp_path):
    docs = [
        {"id": "n1", "title": "Нехватка инсулина в Сургуте", "text": "В аптеках Сургута нет льготного инсулина вторую неделю.", "published_at": "2026-11-01T10:00:00Z"},
        {"id": "n2", "text": "Bệnh viện Chợ Rẫy quá tải bệnh nhân sốt xuất huyết ở TP.HCM", "published_at": "2026-11-02T10:00:00Z"},
        {"id": "n3", "text": "", "published_at": "2026-11-02T10:00:00Z"},
    ]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs), encoding="utf-8")
    proc = run(["ingest", str(f)], tmp_path)
    assert proc.returncode == 2  # one bad line: reported, the others stored
    summary = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    assert summary["ingested"] == 2 and summary["errors"] == 1 and summary["created"] == 2
    assert "line 3" in proc.stderr.decode()
    found = run(["search", "инсулин", "--mode", "text", "--format", "json"], tmp_path)
    assert found.returncode == 0, found.stderr.decode()
    res = json.loads(found.stdout)
    assert res["total"] == 1 and res["hits"][0]["id"] == "n1"
    found = run(["search", "benh vien", "--mode", "text", "--format", "json"], tmp_path)
    assert [h["id"] for h in json.loads(found.stdout)["hits"]] == ["n2"]
    # Re-ingesting the same input creates nothing new.
    proc = run(["ingest", str(f)], tmp_path)
    assert json.loads(proc.stdout.decode().strip().splitlines()[-1])["created"] == 0


def test_missing_input_file_is_exit_2(tmp_path):
    proc = run(["ingest", str(tmp_path / "nope.jsonl")], tmp_path)
    assert proc.returncode == 2 and "not found" in proc.stderr.decode()


def test_bad_config_file_is_exit_2_with_location(tmp_path):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("database_url: sqlite:///x.db\nmax_upload_mb: [1, 2]\n", encoding="utf-8")
    proc = run(["migrate", "--config", str(cfg)], tmp_path)
    assert proc.returncode == 2
    assert f"{cfg}:2" in proc.stderr.decode() and "max_upload_mb" in proc.stderr.decode()


def test_env_typo_is_exit_2_with_the_nearest_setting(tmp_path):
    proc = run(["migrate"], tmp_path, extra_env={"HEALTHPULSE_SMTP_PROT": "2525"})
    assert proc.returncode == 2
    assert "unknown setting HEALTHPULSE_SMTP_PROT; did you mean HEALTHPULSE_SMTP_PORT?" in proc.stderr.decode()


def test_serve_refuses_to_start_with_a_broken_rules_file(tmp_path):
    """The rules file is checked at start-up (not at the first alert): exit 2 with its file, line and key."""
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - id: a\n    type: incident\n    min_severity: low\n    min_severity: high\n",
                     encoding="utf-8")
    cfg = tmp_path / "hp.yaml"
    cfg.write_text(f"rules_file: {rules}\nsecret_key: test-secret\n", encoding="utf-8")
    try:
        proc = run(["serve", "--config", str(cfg), "--port", "0", "--no-worker"], tmp_path, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("serve started with a broken rules file")
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "configuration error" in err and f"{rules}:5: rules[0].min_severity: key given twice (first on line 4)" in err


def test_serve_refuses_a_department_in_an_unknown_time_zone(tmp_path):
    deps = tmp_path / "deps.yaml"
    deps.write_text("departments:\n  - id: olympus\n    name: Olympus\n    places: [Olympus]\n"
                    "    timezone: Mars/Olympus\n", encoding="utf-8")
    try:
        proc = run(["serve", "--departments", str(deps), "--port", "0", "--no-worker"], tmp_path, timeout=60,
                   extra_env={"HEALTHPULSE_SECRET_KEY": "test-secret"})
    except subprocess.TimeoutExpired:
        pytest.fail("serve started with an unknown time zone")
    assert proc.returncode == 2
    assert f"{deps}:5: departments[0].timezone (entry 'olympus'): unknown time zone 'Mars/Olympus'" in proc.stderr.decode()


@pytest.mark.database_independent  # the demo is the embedded default: its own SQLite file in --dir
def test_demo_loads_and_summarises(tmp_path):
    proc = run(["demo", "--no-serve", "--dir", str(tmp_path / "demo")], tmp_path, timeout=900)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    out = proc.stdout.decode()
    assert "documents: 258" in out
    for lang in ("ru=", "ar=", "fa=", "vi=", "en="):
        assert lang in out
    assert "incident reports:" in out and "incidents merged:" in out and "tickets:" in out
    # Issue 21: the planted insulin spike fires (fresh); the measles cluster of three days ago is on record.
    assert "spike=" in out.split("alerts by type:")[1].splitlines()[0]
    spikes = out.split("spike alerts:")[1].splitlines()[0]
    assert "surgut × drug_supply" in spikes and "(open)" in spikes.split("surgut × drug_supply")[1].split(",")[0]
    assert "mashhad × infectious_disease" in spikes and "past=" in out
    assert "hotline calls: 7 (answered 5, abandoned 2, routed to triage 1)" in out


def test_ingest_a_lone_surrogate_loses_only_its_line(tmp_path):
    """Issue 16: one JSON-escaped lone surrogate made `ingest` exit 1 with none of the good lines stored."""
    good = [{"id": f"g{i}", "text": f"В аптеках Сургута нет льготного инсулина, сообщение {i}."} for i in range(3)]
    lines = [json.dumps(good[0], ensure_ascii=False), '{"id": "bad", "text": "Нет инсулина \\ud800 в аптеке"}',
             *(json.dumps(d, ensure_ascii=False) for d in good[1:])]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run(["ingest", str(f)], tmp_path)
    assert proc.returncode == 2, proc.stderr.decode()[-2000:]
    summary = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    assert summary["created"] == 3 and summary["errors"] == 1
    assert "line 2: 'text' is not valid Unicode: a lone surrogate \\ud800" in proc.stderr.decode()
    found = run(["search", "инсулин", "--mode", "text", "--format", "json"], tmp_path)
    assert sorted(h["id"] for h in json.loads(found.stdout)["hits"]) == ["g0", "g1", "g2"]
