"""The one formatter for dates and times on pages: the instance's time zone, named; the reader's calendar and digits.

Persian readers get the Solar Hijri calendar (``text/jalali.py``; Babel only
knows the Gregorian one) with Persian digits, Arabic readers Arabic-Indic
digits, everyone the time in the configured ``timezone`` followed by the
zone's name in their language ("… (Tehran)").  Stored times without a zone
are UTC (that is how the database keeps them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, get_timezone_location
from healthpulse.text.jalali import MONTHS_FA, JalaliRangeError, to_jalali

Style = Literal["short", "medium", "long"]
EMPTY = "—"
_DIGITS = {
    "ar": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
    "fa": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
}


def as_datetime(value: Any) -> datetime | date | None:
    """A datetime/date from what templates hand over (datetime, date, ISO text); None when it is not one."""
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            try:
                return date.fromisoformat(value)
            except ValueError:
                return None
    return None


def zone_name(zone: tzinfo, lang: str) -> str:
    """The zone as readers of ``lang`` call it: its city ("Москва", "تهران"), or "UTC"."""
    key = getattr(zone, "key", None) or str(zone)
    if key in ("UTC", "Etc/UTC", "GMT", "Etc/GMT"):
        return "UTC"
    try:
        return str(get_timezone_location(zone, locale=lang, return_city=True))
    except (LookupError, ValueError):
        return key


def _digits(text: str, lang: str) -> str:
    table = _DIGITS.get(lang)
    return text.translate(table) if table else text


def _jalali_date(day: date, style: Style) -> str:
    """Every style spells the month ("۱۱ آذر ۱۴۰۵"): one form on a page, as the Gregorian short one does."""
    jy, jm, jd = to_jalali(day)
    return f"{jd} {MONTHS_FA[jm - 1]} {jy}"


def format_day(value: Any, lang: str, style: Style = "medium") -> str:
    """A calendar day (no time, no zone) in the reader's calendar and digits."""
    parsed = as_datetime(value)
    if parsed is None:
        return EMPTY if value in (None, "") else str(value)
    day = parsed.date() if isinstance(parsed, datetime) else parsed
    if lang == "fa":
        try:
            return _digits(_jalali_date(day, style), lang)
        except JalaliRangeError:
            pass
    return _digits(_gregorian_day(day, lang, style), lang)


def _gregorian_day(day: date, lang: str, style: Style) -> str:
    """CLDR's date for ``style``, except that "short" and "medium" spell the month: "12/2/26" reads as 2 December
    in the US and 12 February elsewhere, so they are "Dec 2, 2026" / "2 дек. 2026 г." / "٥ يناير ٢٠٢٦", one
    form on every page."""
    if style in ("short", "medium"):  # medium too: CLDR's Arabic medium date is the numeric "٠٥‏/٠١‏/٢٠٢٦"
        return str(format_skeleton("yMMMd", day, locale=lang))
    return str(format_date(day, style, locale=lang))


def format_local(value: Any, lang: str, zone: str | tzinfo = "UTC", style: Style = "medium") -> str:
    """A moment in the instance's time zone, for a reader of ``lang``: date, time (hours:minutes), zone name."""
    parsed = as_datetime(value)
    if parsed is None:
        return EMPTY if value in (None, "") else str(value)
    if not isinstance(parsed, datetime):
        return format_day(parsed, lang, style)
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    moment = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(tz)
    time_text = str(format_time(moment, "short", locale=lang))
    if lang == "fa":
        try:
            text = f"{_jalali_date(moment.date(), style)}، {time_text}"
        except JalaliRangeError:
            text = _gregorian(moment, lang, style, time_text)
    else:
        text = _gregorian(moment, lang, style, time_text)
    return _digits(f"{text} ({zone_name(tz, lang)})", lang)


def _gregorian(moment: datetime, lang: str, style: Style, time_text: str) -> str:
    day_text = _gregorian_day(moment.date(), lang, style)
    pattern = str(Locale.parse(lang).datetime_formats.get(style, "{1} {0}"))
    return pattern.replace("{1}", day_text).replace("{0}", time_text).replace("'", "")
