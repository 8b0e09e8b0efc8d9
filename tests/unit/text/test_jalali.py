"""The Jalali calendar against dates published by Iran's calendar authority."""

from datetime import date, timedelta

import pytest
from healthpulse.text.jalali import JalaliRangeError, from_jalali, is_leap, month_length, to_jalali

KNOWN = [
    (date(2026, 3, 21), (1405, 1, 1)),    # Nowruz 1405
    (date(2026, 3, 20), (1404, 12, 29)),  # 1404 is a common year
    (date(2025, 3, 21), (1404, 1, 1)),
    (date(2025, 3, 20), (1403, 12, 30)),  # 1403 is a leap year: Esfand has 30 days
    (date(2024, 3, 20), (1403, 1, 1)),
    (date(1979, 2, 11), (1357, 11, 22)),  # 22 Bahman 1357
    (date(2000, 1, 1), (1378, 10, 11)),
    (date(2017, 9, 22), (1396, 6, 31)),   # last day of the 31-day months
    (date(2017, 9, 23), (1396, 7, 1)),
    (date(1989, 6, 4), (1368, 3, 14)),
    (date(2033, 3, 20), (1412, 1, 1)),    # the 33-year cycle shifts Nowruz to March 20
]


@pytest.mark.parametrize(("gregorian", "jalali"), KNOWN)
def test_known_dates_both_ways(gregorian, jalali):
    assert to_jalali(gregorian) == jalali
    assert from_jalali(*jalali) == gregorian


def test_leap_years_and_month_lengths():
    assert [y for y in range(1395, 1412) if is_leap(y)] == [1395, 1399, 1403, 1408]
    assert month_length(1403, 12) == 30 and month_length(1404, 12) == 29
    assert month_length(1404, 6) == 31 and month_length(1404, 7) == 30


def test_every_day_round_trips_and_is_consecutive():
    day = date(1990, 1, 1)
    previous = to_jalali(day - timedelta(days=1))
    while day < date(2060, 1, 1):
        j = to_jalali(day)
        assert from_jalali(*j) == day
        y, m, d = previous
        expected = (y, m, d + 1) if d < month_length(y, m) else ((y, m + 1, 1) if m < 12 else (y + 1, 1, 1))
        assert j == expected, (day, previous, j)
        previous = j
        day += timedelta(days=1)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="day 30 is not in Jalali month 1404/12"):
        from_jalali(1404, 12, 30)
    with pytest.raises(ValueError, match="month must be 1..12"):
        month_length(1404, 13)
    with pytest.raises(JalaliRangeError, match="outside"):
        to_jalali(date(3900, 1, 1))
