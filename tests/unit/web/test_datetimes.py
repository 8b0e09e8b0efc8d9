"""The one date formatter: Jalali with Persian digits for fa, Arabic-Indic digits for ar, the instance's zone named."""

import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from healthpulse.web.datetimes import format_day, format_local, zone_name

NOWRUZ_UTC = datetime(2026, 3, 21, 6, 30, tzinfo=UTC)  # 10:00 in Tehran


def plain(text: str) -> str:
    """CLDR puts narrow no-break spaces before AM/PM and "г."; compare with plain ones."""
    return text.replace("\u202f", " ")


def test_persian_gets_solar_hijri_with_persian_digits_in_local_time():
    assert format_local(NOWRUZ_UTC, "fa", "Asia/Tehran") == "۱ فروردین ۱۴۰۵، ۱۰:۰۰ (تهران)"
    assert format_local(NOWRUZ_UTC, "fa", "Asia/Tehran", "short") == "۱ فروردین ۱۴۰۵، ۱۰:۰۰ (تهران)"
    # the day changes with the zone: 22:00 UTC on 20 March is already 1 Farvardin in Tehran
    late = datetime(2026, 3, 20, 22, 0, tzinfo=UTC)
    assert format_local(late, "fa", "Asia/Tehran").startswith("۱ فروردین ۱۴۰۵")
    assert format_local(late, "fa", "UTC").startswith("۲۹ اسفند ۱۴۰۴")


def test_arabic_gets_arabic_indic_digits_and_no_latin_ones():
    text = format_local(NOWRUZ_UTC, "ar", "Africa/Cairo", "long")
    assert text == "٢١ مارس ٢٠٢٦، ٨:٣٠ ص (القاهرة)"
    assert not re.search("[0-9]", text)


@pytest.mark.parametrize(("lang", "expected"), [
    ("ru", "21 мар. 2026 г., 09:30 (Москва)"),
    ("en", "Mar 21, 2026, 9:30 AM (Moscow)"),
    ("vi", "09:30 21 thg 3, 2026 (Mát-xcơ-va)"),
])
def test_other_languages_gregorian_in_the_zone_named_in_their_language(lang, expected):
    assert plain(format_local(NOWRUZ_UTC, lang, "Europe/Moscow")) == expected


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Dec 2, 2026"), ("ru", "2 дек. 2026 г."), ("vi", "2 thg 12, 2026"), ("ar", "٢ ديسمبر ٢٠٢٦"),
])
def test_short_dates_spell_the_month_so_day_and_month_cannot_swap(lang, expected):
    """"12/2/26" is 2 December to an American reader and 12 February to everyone else."""
    assert plain(format_day(date(2026, 12, 2), lang, "short")) == expected
    assert plain(format_local(datetime(2026, 12, 2, 9, 0, tzinfo=UTC), lang, "UTC", "short")).startswith(
        expected if lang != "vi" else "09:00 " + expected)


def test_naive_and_iso_text_are_utc_and_offsets_are_honoured():
    assert plain(format_local(datetime(2026, 3, 21, 6, 30), "en", "UTC")) == "Mar 21, 2026, 6:30 AM (UTC)"
    assert plain(format_local("2026-03-21T06:30:00", "en", "Asia/Tehran")) == "Mar 21, 2026, 10:00 AM (Tehran)"
    plus3 = datetime(2026, 3, 21, 9, 30, tzinfo=timezone(timedelta(hours=3)))
    assert plain(format_local(plus3, "en", "UTC")) == "Mar 21, 2026, 6:30 AM (UTC)"


def test_days_and_empty_values():
    assert format_day(date(2026, 3, 21), "fa") == "۱ فروردین ۱۴۰۵"
    assert format_day("2026-03-21", "fa", "short") == "۱ فروردین ۱۴۰۵"
    assert format_day("2026-03-21", "ar", "long") == "٢١ مارس ٢٠٢٦"
    assert format_local(date(2026, 3, 21), "en", "UTC") == "Mar 21, 2026"
    assert format_local(None, "fa") == "—" and format_local("", "en") == "—"
    assert format_local("not a date", "en") == "not a date"


def test_zone_names():
    assert zone_name(ZoneInfo("Etc/UTC"), "fa") == "UTC"
    assert zone_name(ZoneInfo("Asia/Tehran"), "fa") == "تهران"
    assert zone_name(ZoneInfo("Asia/Yekaterinburg"), "ru") == "Екатеринбург"
