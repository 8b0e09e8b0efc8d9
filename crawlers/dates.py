"""Publication dates in the five languages, from structured metadata or page text.

``dateparser`` handles Gregorian dates in every language we monitor
(«12 февраля 2024», «29-3-2022 | 18:46», «Thứ hai, 12/02/2024»); Solar Hijri
dates used by Persian media («۹ آبان ۱۴۰۲», «1402/08/09») are converted with
``persiantools``.  Numeric dates are read day-first except for English.
Dates without a zone are taken as UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import dateparser
from dateparser.search import search_dates
from healthpulse.core.domain import LANGUAGES
from healthpulse.text.normalize import to_ascii_digits
from persiantools.jdatetime import JalaliDateTime

PERSIAN_MONTHS = {
    name: i + 1
    for i, name in enumerate(
        ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]
    )
}
_MONTH_ALT = "|".join(sorted(PERSIAN_MONTHS, key=len, reverse=True))
_JALALI_WORDS = re.compile(rf"(\d{{1,2}})\s*({_MONTH_ALT})\s*(?:ماه\s*)?(1[34]\d\d)")
_JALALI_NUMERIC = re.compile(r"\b(1[34]\d\d)[/\-.](\d{1,2})[/\-.](\d{1,2})\b")
_TIME = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
_MIN_YEAR, _MAX_FUTURE_DAYS = 1990, 2


def _jalali(text: str) -> datetime | None:
    ascii_text = to_ascii_digits(text).replace("ي", "ی").replace("\u200c", " ")
    match = _JALALI_WORDS.search(ascii_text)
    if match:
        day, month, year = int(match.group(1)), PERSIAN_MONTHS[match.group(2)], int(match.group(3))
    else:
        match = _JALALI_NUMERIC.search(ascii_text)
        if not match:
            return None
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    hour = minute = 0
    time_match = _TIME.search(ascii_text[match.end():] or ascii_text[: match.start()])
    if time_match:
        hour, minute = int(time_match.group(1)), int(time_match.group(2))
    try:
        return JalaliDateTime(year, month, day, hour, minute).to_gregorian().replace(tzinfo=UTC)
    except ValueError:
        return None


def _plausible(value: datetime | None, now: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    now = now or datetime.now(UTC)
    if value.year < _MIN_YEAR or (value - now).days > _MAX_FUTURE_DAYS:
        return None
    return value


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
_RFC2822 = re.compile(r"^(\w{3}, )?\d{1,2} \w{3} \d{4} \d{2}:\d{2}(:\d{2})? ([+-]\d{4}|GMT|UTC|UT|Z)$")


def _fast(text: str) -> datetime | None:
    """ISO 8601 and RFC 2822 (feeds, meta tags) without dateparser's per-call cost."""
    try:
        if _ISO.match(text):
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        if _RFC2822.match(text):
            return parsedate_to_datetime(text)
    except (ValueError, TypeError, IndexError):
        return None
    return None


def parse_date(text: str | None, language: str | None = None, now: datetime | None = None) -> datetime | None:
    """An aware UTC datetime for a date string, or None when it is not a plausible date."""
    if not text:
        return None
    text = " ".join(str(text).split())[:200]
    if not text:
        return None
    if not re.search(r"[\d۰-۹٠-٩]", text):
        return None  # every format we accept has a year in digits
    fast = _fast(text)
    if fast is not None:
        return _plausible(fast, now)
    if language in (None, "fa"):
        jalali = _jalali(text)
        if jalali is not None:
            return _plausible(jalali, now)
    # only the deployment's languages: guessing among dateparser's ~200 is slow and misreads numbers
    languages = [language] if language in LANGUAGES else list(LANGUAGES)
    settings = {
        "DATE_ORDER": "MDY" if language == "en" else "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TIMEZONE": "UTC",
        "TO_TIMEZONE": "UTC",
        "STRICT_PARSING": False,
        "REQUIRE_PARTS": ["day", "month", "year"],
    }
    cleaned = to_ascii_digits(text).replace("|", " ")
    try:
        parsed = dateparser.parse(cleaned, languages=languages, settings=settings)  # type: ignore[arg-type]
        if parsed is None:
            # labels like «Опубликовано:» / «Published on» before the date
            first_digit = re.search(r"\d", cleaned)
            if first_digit and first_digit.start() > 0:
                parsed = dateparser.parse(cleaned[first_digit.start():], languages=languages, settings=settings)  # type: ignore[arg-type]
        if parsed is None and len(languages) == 1:  # the page's language hint may be wrong
            parsed = dateparser.parse(cleaned, languages=list(LANGUAGES), settings=settings)  # type: ignore[arg-type]
        if parsed is None:
            found = search_dates(cleaned, languages=languages, settings=settings)  # type: ignore[arg-type]
            parsed = found[0][1] if found else None
    except (ValueError, OverflowError, TypeError):
        return None
    return _plausible(parsed, now)
