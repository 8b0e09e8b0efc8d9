"""Query parameters of the search and list endpoints (pages and API), parsed by validated models.

Every search/list view reads its query string through ``parse_query`` and one
of the models below, never ``request.args`` directly, so a crafted value
(a forged cursor, ``to=9999-12-31``, an unknown topic, a huge ``size``)
becomes ``QueryParamError`` naming the parameter: 400 with a JSON error under
``/api/``, the error page elsewhere (``web/errors.py``) — never a 500.
An empty value (an unselected filter in a form) counts as absent.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal, TypeVar

from healthpulse.core.domain import LANGUAGES
from healthpulse.core.errors import HealthpulseError
from healthpulse.web.labels import ALERT_STATES, CHANNELS, SEVERITIES
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

# The index and the calendar arithmetic around it (a 30-day default window, the previous period of
# "rising topics") stay far from datetime's year 1 and 9999 limits inside this range.
MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2199, 12, 31)
MAX_CURSOR = 500
MAX_VALUES = 50
_CURSOR = re.compile(r"^[A-Za-z0-9_-]+$")  # what the indexes produce: urlsafe base64 without padding
SENTIMENT_VALUES = ("negative", "neutral", "positive")
SPLITS = ("sentiment", "topics", "department", "channel")

M = TypeVar("M", bound=BaseModel)


class QueryParamError(HealthpulseError, ValueError):
    """A query parameter this endpoint cannot use; ``field`` names it."""

    error_code = "invalid"

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class _Params(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


def _one_of(name: str, values: list[str], allowed: Any) -> list[str]:
    allowed = list(allowed)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {name} {unknown[0]!r}; one of: {', '.join(allowed)}")
    return sorted(set(values))


class PostsParams(_Params):
    """The press office's social posts list: order and the least reach shown."""

    sort: Literal["reach", "newest"] = "reach"
    min_reach: int | None = Field(default=None, ge=0, le=10**12)


class SearchModeParams(_Params):
    """How a text query is matched: ``text`` (its words, its language), ``semantic`` (vectors) or ``hybrid`` (both,
    plus the places and topics it names; cross-lingual)."""

    mode: Literal["text", "semantic", "hybrid"] = "hybrid"


class SearchParams(_Params):
    """The dashboard's and the document search's filters, page and chart split."""

    date_from: date | None = Field(default=None, alias="from")
    date_to: date | None = Field(default=None, alias="to")
    q: str | None = Field(default=None, max_length=200)
    language: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    channel: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    topic: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    department: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    sentiment: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    severity: list[str] = Field(default_factory=list, max_length=MAX_VALUES)
    incident: bool | None = None
    min_reach: int | None = Field(default=None, ge=0, le=10**12)
    sort: Literal["relevance", "newest", "oldest", "reach"] | None = None
    period: Literal["24h", "7d", "30d"] | None = None  # a preset; without one, from/to (default the last 30 days)
    split: Literal["sentiment", "topics", "department", "channel"] = "sentiment"
    cursor: str | None = Field(default=None, max_length=MAX_CURSOR, pattern=_CURSOR.pattern)
    size: int = Field(default=20, ge=1, le=100)

    @field_validator("date_from", "date_to", mode="before")
    @classmethod
    def _day(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                day = date.fromisoformat(value[:10]) if len(value) >= 10 else date.fromisoformat(value)
            except ValueError:
                raise ValueError("must be a date written YYYY-MM-DD") from None
            if not MIN_DAY <= day <= MAX_DAY:
                raise ValueError(f"must be a date between {MIN_DAY} and {MAX_DAY}")
            return day
        return value

    @field_validator("date_to")
    @classmethod
    def _not_before_from(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("date_from")
        if value is not None and start is not None and value < start:
            raise ValueError("must not be before 'from'")
        return value

    @field_validator("q")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return (value or "").strip() or None

    @field_validator("incident", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> Any:
        flags = {"1": True, "true": True, "0": False, "false": False}
        if isinstance(value, str):
            if value.lower() not in flags:
                raise ValueError("must be 1, 0, true or false")
            return flags[value.lower()]
        return value

    @field_validator("language", "channel", "topic", "department", "sentiment", "severity")
    @classmethod
    def _known(cls, values: list[str], info: ValidationInfo) -> list[str]:
        ctx = info.context or {}
        allowed = {"language": LANGUAGES, "channel": CHANNELS, "sentiment": SENTIMENT_VALUES,
                   "severity": SEVERITIES, "topic": ctx.get("topics", ()),
                   "department": ctx.get("departments", ())}[str(info.field_name)]
        return _one_of(str(info.field_name), values, allowed)


class AlertParams(_Params):
    """The alert list's filters (department inbox and API)."""

    state: Literal[tuple(ALERT_STATES)] | None = None  # type: ignore[valid-type]
    limit: int = Field(default=50, ge=1, le=500)


def _one_known(value: str | None, info: ValidationInfo) -> str | None:
    """One optional value of ``info.field_name`` among the context's choices (its plural: "topic" → "topics")."""
    if value is not None:
        name = str(info.field_name)
        _one_of(name, [value], (info.context or {}).get(f"{name}s", ()))
    return value


class IncidentListParams(_Params):
    """The press office's incident list: one department's incidents, or every department's."""

    department: str | None = None
    _department = field_validator("department")(_one_known)


class FaqParams(_Params):
    """The citizen FAQ's topic filter."""

    topic: str | None = None
    _topic = field_validator("topic")(_one_known)


def parse_query(model: type[M], args: Any, **context: Any) -> M:
    """``args`` (a werkzeug ``MultiDict``) through ``model``; the first problem → ``QueryParamError``.

    List fields take every value of a repeated parameter, the others its first
    one; empty values are absent; parameters the model does not name are ignored.
    """
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if info.annotation is not None and getattr(info.annotation, "__origin__", None) is list:
            values = [v for v in args.getlist(key) if v != ""]
            if values:
                data[key] = values
        else:
            value = args.get(key)
            if value not in (None, ""):
                data[key] = value
    try:
        return model.model_validate(data, context=context)
    except ValidationError as err:
        problem = err.errors(include_url=False)[0]
        field = str(problem["loc"][0]) if problem["loc"] else "query"
        field = model.model_fields[field].alias or field if field in model.model_fields else field
        message = str(problem["msg"]).removeprefix("Value error, ")
        raise QueryParamError(field, f"invalid '{field}': {message}") from None
