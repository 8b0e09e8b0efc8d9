"""The Solar Hijri (Jalali) calendar, used for dates shown to Persian readers.

Babel formats Gregorian dates only.  This is the well-known arithmetic of
Kazimierz Borkowski as used by jalaali-js: the leap-year pattern is taken
from a table of "break" years, which matches the astronomical calendar of
Iran for Jalali years -61 … 3177.  Julian day numbers come from Python's
proleptic Gregorian ordinals, so only the Jalali side is computed here.
"""

from __future__ import annotations

from datetime import date

# Jalali years where the 33-year leap pattern restarts (Borkowski).
_BREAKS = (-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394,
           2456, 3178)
_ORDINAL_TO_JDN = 1721425  # date(1, 1, 1).toordinal() == 1 is Julian day 1721426

MONTHS_FA = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
             "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")


class JalaliRangeError(ValueError):
    """The year is outside the range where the break table is valid."""


def _div(a: int, b: int) -> int:
    """Integer division truncating toward zero (the algorithm is written for that, not floor)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _mod(a: int, b: int) -> int:
    return a - _div(a, b) * b


def _cal(jy: int) -> tuple[int, int, int]:
    """(leap, gregorian year, March day of Farvardin 1) for Jalali year ``jy``; leap == 0 means a leap year."""
    if jy < _BREAKS[0] or jy >= _BREAKS[-1]:
        raise JalaliRangeError(f"Jalali year {jy} is outside {_BREAKS[0]}..{_BREAKS[-1] - 1}")
    gy = jy + 621
    leap_j = -14
    jp = _BREAKS[0]
    jump = 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += _div(jump, 33) * 8 + _div(_mod(jump, 33), 4)
        jp = jm
    n = jy - jp
    leap_j += _div(n, 33) * 8 + _div(_mod(n, 33) + 3, 4)
    if _mod(jump, 33) == 4 and jump - n == 4:
        leap_j += 1
    leap_g = _div(gy, 4) - _div((_div(gy, 100) + 1) * 3, 4) - 150
    march = 20 + leap_j - leap_g
    if jump - n < 6:
        n = n - jump + _div(jump + 4, 33) * 33
    leap = _mod(_mod(n + 1, 33) - 1, 4)
    if leap == -1:
        leap = 4
    return leap, gy, march


def is_leap(jy: int) -> bool:
    """Esfand of ``jy`` has 30 days."""
    return _cal(jy)[0] == 0


def month_length(jy: int, jm: int) -> int:
    if not 1 <= jm <= 12:
        raise ValueError(f"Jalali month must be 1..12, got {jm}")
    if jm <= 6:
        return 31
    if jm <= 11:
        return 30
    return 30 if is_leap(jy) else 29


def to_jalali(day: date) -> tuple[int, int, int]:
    """(year, month, day) in the Jalali calendar for a Gregorian ``day``."""
    jy = day.year - 621
    leap, gy, march = _cal(jy)
    k = day.toordinal() - date(gy, 3, march).toordinal()
    if k >= 0:
        if k <= 185:
            return jy, 1 + k // 31, k % 31 + 1
        k -= 186
    else:
        jy -= 1  # before Farvardin 1: the end of the previous year, 30 days longer when it was a leap year
        k += 179
        if leap == 1:
            k += 1
    return jy, 7 + k // 30, k % 30 + 1


def from_jalali(jy: int, jm: int, jd: int) -> date:
    """The Gregorian date of Jalali ``jy/jm/jd``."""
    if not 1 <= jd <= month_length(jy, jm):
        raise ValueError(f"day {jd} is not in Jalali month {jy}/{jm}")
    _leap, gy, march = _cal(jy)
    offset = (jm - 1) * 31 - (jm // 7) * (jm - 7) + jd - 1
    return date.fromordinal(date(gy, 3, march).toordinal() + offset)
