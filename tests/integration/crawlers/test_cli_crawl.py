"""``healthpulse crawl`` end to end against the fixture site, into a real (temporary) store.

The container is the test one (``make_container``: migrated SQLite, embedded
index, no NLP models — the crawler's contract ends at ``pipeline.ingest_many``).
"""

from __future__ import annotations

import json

import pytest
from healthpulse.cli import main

pytestmark = pytest.mark.integration


def _sources(tmp_path, base, department="surgut"):
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"""sources:
  - id: atom-main
    kind: atom
    url: {base}/feeds/atom.xml
    download_delay: 0
    autothrottle: false
  - id: listing
    kind: html
    url: {base}/news/index.html
    link_selector: a.news-link
    department: {department}
    download_delay: 0
    autothrottle: false
""",
        encoding="utf-8",
    )
    return path


def test_crawl_once_writes_jsonl_and_stats(tmp_path, site, cli_container, capsys):
    out = tmp_path / "new.jsonl"
    sources = _sources(tmp_path, site.base)
    # --workers 0: extraction inline (the worker pool has its own test in test_incremental_state.py)
    assert main(["crawl", "--sources", str(sources), "--once", "--jsonl", str(out), "--workers", "0"]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 5  # ar, fa, en (AMP → article), ru (redirect chain), vi
    assert {line["language"] for line in lines} == {"ar", "fa", "en", "ru", "vi"}
    for line in lines:
        assert set(line) == {"id", "channel", "source", "url", "canonical_url", "title", "text", "author", "published_at",
                             "language", "story_id", "reach", "transcript"}
        assert line["channel"] == "news" and line["reach"] is None
        assert line["text"] and line["title"] and line["published_at"]
    err = capsys.readouterr().err
    assert "source" in err and "atom-main" in err and "listing" in err and "not_modified" in err
    assert cli_container[-1].pipeline.count_documents() == 5

    # a second --once run: nothing new, nothing appended
    assert main(["crawl", "--sources", str(sources), "--once", "--jsonl", str(out), "--workers", "0"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5
    total = [line for line in capsys.readouterr().err.splitlines() if line.startswith("total")][0].split()
    assert total[1:] == ["3", "0", "0", "2", "0"]  # 1 robots.txt + 2 listings (304); 0 new


def test_bad_input_exits_2_with_a_clear_message(tmp_path, site, cli_container, capsys):
    assert main(["crawl", "--sources", str(tmp_path / "nope.yaml"), "--once"]) == 2
    assert "sources file not found" in capsys.readouterr().err

    bad = _sources(tmp_path, site.base, department="atlantis")
    assert main(["crawl", "--sources", str(bad), "--once"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:11: sources[1].department (entry 'listing'): unknown department 'atlantis'" in err

    bad.write_text("sources:\n  - id: x\n    kind: rss\n", encoding="utf-8")
    assert main(["crawl", "--sources", str(bad), "--once"]) == 2
    assert f"{bad}:2: sources[0].url (entry 'x'): url is required for kind rss" in capsys.readouterr().err

    assert main(["crawl", "--sources", str(_sources(tmp_path, site.base)), "--once", "--only", "ghost"]) == 2
    assert "no source with id ghost" in capsys.readouterr().err


def test_unloadable_analyser_stops_before_crawling(tmp_path, site, cli_container, capsys, monkeypatch):
    from healthpulse.wiring.container import Container

    def broken(self):
        raise FileNotFoundError("no trained NLP heads")

    monkeypatch.setattr(Container, "analyzer", property(broken))
    assert main(["crawl", "--sources", str(_sources(tmp_path, site.base)), "--once", "--workers", "0"]) == 1
    assert "cannot analyse documents, nothing crawled" in capsys.readouterr().err
    assert site.requests() == []  # not a single request was sent
