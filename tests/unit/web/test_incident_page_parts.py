"""The incident page's own arithmetic: the per-day chart (local days, the response marked), the change after
the response, and the "why linked" reasons (web/services/incident_page.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from healthpulse.web.services.incident_page import CHART_MAX_DAYS, coverage_change, day_chart, link_reasons


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def test_days_are_counted_in_the_instance_zone_with_empty_days_drawn_and_the_response_marked():
    times = [at(1, 10), at(1, 22), at(3, 9)]  # 22:00 UTC on the 1st is the 2nd in Tehran (+03:30)
    chart = day_chart(times, at(2, 12), ZoneInfo("Asia/Tehran"))
    assert chart is not None
    assert [(b.day, b.documents, b.after_response) for b in chart.bars] == [
        (date(2026, 3, 1), 1, False), (date(2026, 3, 2), 1, True), (date(2026, 3, 3), 1, True)]
    utc = day_chart(times, at(2, 12), ZoneInfo("UTC"))
    assert utc is not None and [b.documents for b in utc.bars] == [2, 0, 1] and utc.peak == 2
    assert utc.bars[1].height == 0 and utc.bars[0].height == 140.0 and utc.bars[0].y == 0.0
    assert utc.response_x == 300.0  # the middle day's centre in a 600-wide chart


def test_no_response_marks_nothing_and_a_long_incident_shows_its_last_days():
    chart = day_chart([at(1, 10)], None, ZoneInfo("UTC"))
    assert chart is not None and chart.response_x is None and not any(b.after_response for b in chart.bars)
    assert day_chart([], None, ZoneInfo("UTC")) is None
    long = day_chart([datetime(2025, 1, 1, tzinfo=UTC), at(1, 10)], None, ZoneInfo("UTC"))
    assert long is not None and len(long.bars) == CHART_MAX_DAYS and long.bars[-1].day == date(2026, 3, 1)


def test_the_change_after_the_response_is_a_share_and_missing_where_a_side_is():
    assert coverage_change({"before_per_day": 4.0, "after_per_day": 1.0, "reach_before_per_day": 100.0,
                            "reach_after_per_day": 150.0}) == {"documents": -0.75, "reach": 0.5}
    assert coverage_change({"before_per_day": 4.0, "after_per_day": None, "reach_before_per_day": 0.0,
                            "reach_after_per_day": 5.0}) == {"documents": None, "reach": None}


def test_reasons_say_why_a_document_joined():
    assert link_reasons("opened", {"opened": True}) == [("opened", None)]
    assert link_reasons("staff", {"cosine": 0.9}) == [("staff", None)]
    signals = {"cosine": 0.91, "department": True, "topics": ["drug_supply"], "facilities": [], "score": 1.07}
    assert link_reasons("merge", signals) == [("similar", 0.91), ("department", None), ("topics", ["drug_supply"])]
