from datetime import UTC, datetime

import pytest
from healthpulse.crawlers.dates import parse_date


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("12 февраля 2024", "ru", utc(2024, 2, 12)),
        ("Опубликовано: 14 февраля 2024, 10:30", "ru", utc(2024, 2, 14, 10, 30)),
        ("12.02.2024 14:05", "ru", utc(2024, 2, 12, 14, 5)),
        ("29-3-2022 | 18:46", "ar", utc(2022, 3, 29, 18, 46)),
        ("الثلاثاء 29 مارس 2022", "ar", utc(2022, 3, 29)),
        ("۹ آبان ۱۴۰۲", "fa", utc(2023, 10, 31)),
        ("۱۴۰۲/۰۸/۰۹ - ۱۰:۳۰", "fa", utc(2023, 10, 31, 10, 30)),
        ("تاریخ انتشار: ۲۵ اسفند ۱۴۰۲", "fa", utc(2024, 3, 15)),
        ("12/02/2024", "vi", utc(2024, 2, 12)),  # day first
        ("Thứ hai, 12/02/2024 - 08:30", "vi", utc(2024, 2, 12, 8, 30)),
        ("02/12/2024", "en", utc(2024, 2, 12)),  # month first in English
        ("February 12, 2024 8:30 am", "en", utc(2024, 2, 12, 8, 30)),
        ("Published on February 12, 2024", "en", utc(2024, 2, 12)),
        ("2024-02-12T08:30:00+03:00", None, utc(2024, 2, 12, 5, 30)),
        ("Mon, 12 Feb 2024 09:00:00 +0300", None, utc(2024, 2, 12, 6, 0)),
    ],
)
def test_dates_in_five_languages(text, language, expected):
    assert parse_date(text, language) == expected


@pytest.mark.parametrize("text", ["", None, "Главная", "Home", "Comments (3)", "۱۴۰۲/۱۳/۴۰"])
def test_non_dates_give_none(text):
    assert parse_date(text, "ru" if text == "Главная" else None) is None


def test_implausible_dates_are_rejected():
    now = utc(2024, 3, 1)
    assert parse_date("2099-01-01", None, now=now) is None
    assert parse_date("01.01.1900", "ru", now=now) is None
    assert parse_date("2024-02-29", None, now=now) == utc(2024, 2, 29)
