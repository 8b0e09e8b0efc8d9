"""The incidents contract: `healthpulse incidents list/show` fields, coverage before vs after the response."""

from __future__ import annotations

import json
from datetime import timedelta

from healthpulse.alerts.tickets.lifecycle import set_status
from healthpulse.cli import main
from healthpulse.core.domain import Channel
from healthpulse.core.models.tickets import TicketRow
from sqlalchemy import select

from tests.support.databases import database_url

from .test_stage import T0, _doc, _vector, hp  # noqa: F401 - the shared fixture

CONTRACT = {"id", "department", "topics", "severity", "document_ids", "channels", "languages", "first_seen_at",
            "last_seen_at", "response_at", "coverage"}


def _event_with_a_response(hp):  # noqa: F811
    """Two reports, the department starts work 6 h in, then one more report a day later."""
    hp.pipeline.ingest_many([_doc("post", _vector(1, 0.0, base=7), channel=Channel.SOCIAL),
                             _doc("call", _vector(2, 0.2, base=7), channel=Channel.HOTLINE, hours=2)])
    with hp.session() as s:
        ticket = s.scalars(select(TicketRow)).first()
        assert ticket is not None
        set_status(s, ticket, "in_progress", "surgut-officer", T0 + timedelta(hours=6))
    hp.pipeline.ingest(_doc("news", _vector(3, 0.2, base=7), language="en", hours=30))


def test_cli_list_json_has_the_contract_fields_and_coverage(hp, monkeypatch, capsys, tmp_path):  # noqa: F811
    _event_with_a_response(hp)
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", database_url(tmp_path / "hp.db"))
    monkeypatch.setenv("HEALTHPULSE_DATA_DIR", str(tmp_path / "data"))
    assert main(["incidents", "list", "--department", "surgut", "--format", "json"]) == 0
    [inc] = json.loads(capsys.readouterr().out)
    assert CONTRACT <= set(inc)
    assert sorted(inc["document_ids"]) == ["call", "news", "post"]
    assert inc["channels"] == ["hotline", "news", "social"] and inc["languages"] == ["en", "ru"]
    assert inc["response_at"] == (T0 + timedelta(hours=6)).isoformat()
    # Two documents in the (at least one) day before the response, one in the day after it.
    assert inc["coverage"]["before_per_day"] == 2.0 and inc["coverage"]["after_per_day"] == 1.0

    assert main(["incidents", "show", str(inc["id"])]) == 0
    shown = capsys.readouterr().out
    assert "opened it" in shown and "cosine" in shown and "hotline" in shown
    assert main(["incidents", "list", "--department", "atlantis"]) == 2  # unknown department: bad usage
    assert main(["incidents", "show", "999"]) != 0


def test_demo_summary_line_names_the_largest_incident(hp):  # noqa: F811
    from healthpulse.wiring.demo import incident_line

    with hp.session() as s:
        assert incident_line(s).startswith("none")
    _event_with_a_response(hp)
    with hp.session() as s:
        line = incident_line(s)
    assert line.startswith("1 incidents, 1 of them with several reports; largest #")
    assert "3 documents from hotline, news, social" in line and "2.0/1.0" in line


def test_demo_summary_says_in_words_when_a_side_has_no_rate():
    from healthpulse.wiring.demo import coverage_pace

    def pace(response_at, before, after):
        return coverage_pace({"response_at": response_at, "coverage": {"before_per_day": before, "after_per_day": after}})

    assert pace(None, 4.0, None) == "4.0 per day, no response recorded yet"
    assert pace("2026-11-30", 10.0, None) == "10.0 per day before the response, none since"
    assert pace("2026-11-30", 2.0, 1.0) == "per day before/after the response 2.0/1.0"


def test_demo_summary_counts_incident_reports_apart_from_incidents():
    """The summary's count of incident-flagged documents is not called "incidents": next to "incidents merged:
    77 incidents" a line "incidents: 158" read as two contradictory counts of the same thing."""
    from collections import Counter

    from healthpulse.wiring.demo import DemoSummary

    lines = DemoSummary(incidents=158, by_severity=Counter(high=100, low=58),
                        extra={"incidents merged": "77 incidents"}).lines()
    assert "incident reports: 158 (high=100, low=58)" in lines
    assert not [line for line in lines if line.startswith("incidents:")], lines
