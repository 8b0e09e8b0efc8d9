"""The departments file: who is competent for which places and facilities."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from healthpulse.core.config_files import duplicate_id, load_yaml_model
from healthpulse.core.contacts import validate_email
from healthpulse.core.domain import LANGUAGES
from healthpulse.core.ivr import check_ivr_path, check_topic_id, ivr_segments
from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, field_validator, model_validator
from pydantic_core import PydanticCustomError, core_schema


class LocalizedName(str):
    """A name that is also a plain string (its English form, else the first given) and knows its other languages.

    The departments file may say ``name: Cairo health directorate`` or
    ``name: {ar: …, ru: …, en: …}``; code that only wants a string keeps
    using the value as one, pages call ``in_language(lang)``.
    """

    _by_language: dict[str, str]

    def __new__(cls, value: str | dict[str, str]) -> LocalizedName:
        by_language = dict(value) if isinstance(value, dict) else {}
        default = (by_language.get("en") or next(iter(by_language.values()))) if by_language else str(value)
        obj = super().__new__(cls, default)
        obj._by_language = by_language
        return obj

    def in_language(self, lang: str | None) -> str:
        """The name in ``lang``, or the default one when the file gives none for it."""
        return self._by_language.get(lang or "", "") or str(self)

    @property
    def by_language(self) -> dict[str, str]:
        return dict(self._by_language)

    def __reduce__(self) -> tuple[Any, ...]:
        return (LocalizedName, (self._by_language or str(self),))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        text = core_schema.str_schema(min_length=1, strip_whitespace=True)
        per_language = core_schema.dict_schema(
            keys_schema=core_schema.str_schema(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$"), values_schema=text, min_length=1)
        return core_schema.no_info_after_validator_function(
            cls, core_schema.union_schema([text, per_language], custom_error_type="localized_name",
                                          custom_error_message="expected a name, or a mapping of language codes "
                                                               "(ru, ar, fa, vi, en) to non-empty names"),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda v: v.by_language or str(v), when_used="always"))


class Department(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=64)
    name: LocalizedName
    places: list[str] = Field(min_length=1)
    facilities: list[str] = Field(default_factory=list)
    email: str | None = None
    webhook: str | None = None
    escalation_email: str | None = None
    language: str = "en"  # language of its notifications
    timezone: str | None = None  # its staff read and type times in it; None: the instance's (HEALTHPULSE_TIMEZONE)
    ivr: list[str] = Field(default_factory=list)  # hotline digit paths routed here, e.g. ["101", "1-3"]

    @field_validator("ivr")
    @classmethod
    def _ivr(cls, v: list[str]) -> list[str]:
        return [check_ivr_path(p) for p in v]

    @field_validator("email", "escalation_email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        return None if v is None else validate_email(v)  # the shared strict validator: one plain address

    @field_validator("language")
    @classmethod
    def _language(cls, v: str) -> str:
        if v not in LANGUAGES:
            raise ValueError(f"notifications are written in {', '.join(LANGUAGES[:-1])} or {LANGUAGES[-1]}, not '{v}'")
        return v

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, v: str | None) -> str | None:
        if v is None:
            return v
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{v}' (an IANA name such as Europe/Moscow or Asia/Tehran)") from None
        return v

    @field_validator("webhook")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError("webhook must be an http(s) URL")
        return v


class DepartmentsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    departments: list[Department] = Field(default_factory=list)
    ivr_topics: dict[str, str] = Field(default_factory=dict)  # hotline digit path -> topic id, e.g. {"104": "drug_supply"}

    @field_validator("ivr_topics")
    @classmethod
    def _ivr_topics(cls, v: dict[str, str]) -> dict[str, str]:
        return {check_ivr_path(path): check_topic_id(topic) for path, topic in v.items()}

    @model_validator(mode="after")
    def _unique_ids(self) -> DepartmentsFile:
        seen: dict[str, int] = {}
        for i, d in enumerate(self.departments):
            if d.id in seen:
                raise duplicate_id("department", d.id, "departments", i, seen[d.id])
            seen[d.id] = i
        return self

    @model_validator(mode="after")
    def _one_department_per_ivr_path(self) -> DepartmentsFile:
        seen: dict[str, tuple[int, int]] = {}
        for i, d in enumerate(self.departments):
            for j, path in enumerate(d.ivr):
                if path in seen:
                    first = seen[path]
                    raise PydanticCustomError(
                        "duplicate_ivr", "IVR path '{value}' is routed to two departments",
                        {"value": path, "at": ("departments", i, "ivr", j),
                         "first_at": ("departments", first[0], "ivr", first[1])})
                seen[path] = (i, j)
        return self

    def ivr_route(self, path: str | None) -> tuple[str | None, str | None]:
        """(department id, topic) for the digits a caller chose: the longest listed prefix wins; (None, None) = triage."""
        segments = ivr_segments(path)
        dep = topic = None
        dep_len = topic_len = 0
        for d in self.departments:
            for p in d.ivr:
                n = _prefix_len(p, segments)
                if n > dep_len:
                    dep, dep_len = d.id, n
        for p, t in self.ivr_topics.items():
            n = _prefix_len(p, segments)
            if n > topic_len:
                topic, topic_len = t, n
        return dep, topic

    def get(self, dep_id: str | None) -> Department | None:
        return next((d for d in self.departments if d.id == dep_id), None)

    @property
    def ids(self) -> list[str]:
        return [d.id for d in self.departments]

    def with_places(self, extra: dict[str, list[str]]) -> DepartmentsFile:
        """A copy with more place names per department (confirmed aliases); unknown ids are ignored."""
        deps = []
        for d in self.departments:
            more = [p for p in extra.get(d.id, []) if p not in d.places]
            deps.append(d.model_copy(update={"places": [*d.places, *more]}) if more else d)
        return self.model_copy(update={"departments": deps})


def _prefix_len(listed: str, segments: list[str]) -> int:
    """How many segments ``listed`` covers when it is a prefix of ``segments`` (0 when it is not)."""
    own = listed.split("-")
    return len(own) if own == segments[:len(own)] else 0


def load_departments(path: str | Path | None) -> DepartmentsFile:
    """The departments file, or an empty one when none is configured."""
    if path is None:
        return DepartmentsFile()
    return load_yaml_model(path, DepartmentsFile)
