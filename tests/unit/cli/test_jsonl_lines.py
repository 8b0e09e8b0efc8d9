"""The JSONL contract of `analyze` and `ingest` through the real CLI entry point: line N of the output is line N
of the input, and a run with any failed line exits 2.  The inputs here hold no analysable line, so no model loads."""

from __future__ import annotations

import io
import json
import sys

from healthpulse.cli import main

from tests.support.databases import database_url


def _run(monkeypatch, capsys, args: list[str], data: bytes) -> tuple[int, list[dict], str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code = main(args)
    captured = capsys.readouterr()
    return code, [json.loads(x) for x in captured.out.splitlines()], captured.err


def test_analyze_blank_line_keeps_alignment_and_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", database_url(tmp_path / "hp.db"))
    monkeypatch.setenv("HEALTHPULSE_DATA_DIR", str(tmp_path / "data"))
    data = b'{not json\n\n   \n{"id": "e", "text": ""}\n'
    code, out, err = _run(monkeypatch, capsys, ["analyze", "-"], data)
    assert len(out) == 4, out  # one output line per input line, blank ones included
    assert "line 1" in out[0]["error"]
    assert "line 2" in out[1]["error"] and "blank" in out[1]["error"]
    assert "line 3" in out[2]["error"] and "blank" in out[2]["error"]
    assert out[3]["id"] == "e" and "empty" in out[3]["error"]
    assert code == 2  # some lines failed, as `ingest` reports them
    assert "line 2" in err


def test_analyze_a_lone_surrogate_is_an_error_line_naming_line_and_field(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", database_url(tmp_path / "hp.db"))
    data = b'{"id": "s1", "text": "\\ud800 no insulin"}\n{"id": "s2", "text": "ok", "title": "a\\u0000b"}\n'
    code, out, err = _run(monkeypatch, capsys, ["analyze", "-"], data)
    assert [o["id"] for o in out] == ["s1", "s2"]
    assert out[0]["error"] == "line 1: 'text' is not valid Unicode: a lone surrogate \\ud800 at character 1"
    assert out[1]["error"] == "line 2: 'title' contains a NUL character at character 2"
    assert code == 2 and "line 1" in err
