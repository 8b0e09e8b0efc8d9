"""``healthpulse search`` / ``healthpulse reindex`` on a real embedded instance."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from healthpulse.cli import main
from healthpulse.core.domain import Analysis, Channel, Document, Sentiment, TopicScore

from tests.support.containers import make_container


def _document(i: int, text: str, lang: str, day: int, topic: str, department: str) -> Document:
    return Document(
        id=f"cli-{i}", title=f"Title {i}", text=text, channel=Channel.NEWS,
        published_at=datetime(2026, 11, day, 9, tzinfo=UTC),
        analysis=Analysis(language=lang, topics=[TopicScore(id=topic, score=0.8)], department=department,
                          sentiment=Sentiment(label="negative", score=0.7)),
    )


@pytest.fixture
def instance(tmp_path, monkeypatch):
    container = make_container(tmp_path)
    container.pipeline.ingest_many([
        _document(1, "В больнице Сургута нет лекарств", "ru", 1, "drug_supply", "surgut"),
        _document(2, "Больница Нижневартовска переполнена", "ru", 3, "waiting_times", "nizhnevartovsk"),
        _document(3, "Bệnh viện quá tải", "vi", 3, "waiting_times", "hcmc"),
        _document(4, "نقص الأدوية في المستشفى", "ar", 5, "drug_supply", "cairo"),
    ])
    settings = container.settings
    container.close()
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("HEALTHPULSE_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("HEALTHPULSE_SEARCH_URL", raising=False)
    # These documents have no vectors: default (hybrid) mode falls back to the full-text answer without an encoder.
    monkeypatch.setenv("HEALTHPULSE_DOCUMENT_VECTORS", "false")
    return settings


def run_json(capsys, *argv: str) -> dict:
    assert main(["search", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_search_json_has_hits_and_facets(instance, capsys):
    out = run_json(capsys, "больницы")
    assert out["total"] == 2
    assert [h["id"] for h in out["hits"]] and {h["id"] for h in out["hits"]} == {"cli-1", "cli-2"}
    hit = next(h for h in out["hits"] if h["id"] == "cli-1")
    assert hit["title"] == "Title 1" and hit["language"] == "ru" and "больнице" in hit["snippet"]
    assert "\x02" not in hit["snippet"]
    assert out["facets"]["department"] == [{"key": "nizhnevartovsk", "count": 1}, {"key": "surgut", "count": 1}]


def test_filters_and_inclusive_to_date(instance, capsys):
    assert [h["id"] for h in run_json(capsys, "--lang", "ru,vi", "--topic", "waiting_times")["hits"]] == ["cli-2", "cli-3"]
    assert run_json(capsys, "--from", "2026-11-03", "--to", "2026-11-03")["total"] == 2
    assert [h["id"] for h in run_json(capsys, "--department", "cairo", "--channel", "news")["hits"]] == ["cli-4"]
    assert run_json(capsys, "benh vien", "--size", "0")["total"] == 1


def test_table_output_marks_matches(instance, capsys):
    assert main(["search", "лекарства"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 documents") and "[лекарств]" in out and "cli-1" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", "x", "--from", "yesterday"], "invalid date"),
        (["search", "x", "--facet", "colour"], "unknown facet"),
        (["search", "x", "--from", "2026-11-05", "--to", "2026-11-01"], "--from must be before --to"),
        (["search", "x", "--cursor", "garbage"], "invalid cursor"),
    ],
)
def test_bad_input_exits_2_with_a_message(instance, capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_reindex_rebuilds_from_the_database(instance, capsys):
    assert main(["reindex"]) == 0
    assert "reindexed 4 documents" in capsys.readouterr().err
    assert run_json(capsys, "المستشفى")["total"] == 1


def test_unreachable_node_exits_1(instance, capsys, monkeypatch):
    monkeypatch.setenv("HEALTHPULSE_SEARCH_URL", "http://127.0.0.1:9")
    assert main(["search", "x"]) == 1
    assert "search index unavailable" in capsys.readouterr().err


def test_mode_option(instance, capsys):
    assert run_json(capsys, "больницы")["mode"] == "hybrid"  # the default
    text = run_json(capsys, "больницы", "--mode", "text")
    assert text["mode"] == "text" and {h["id"] for h in text["hits"]} == {"cli-1", "cli-2"}
    assert text["hits"][0]["highlights"] and "\x02" not in text["hits"][0]["snippet"]
    assert run_json(capsys, "больницы", "--mode", "semantic")["hits"] == []  # vectors are off here: no neighbours
    with pytest.raises(SystemExit) as exc:
        main(["search", "x", "--mode", "fuzzy"])
    assert exc.value.code == 2 and "fuzzy" in capsys.readouterr().err
