"""The departments file: who is competent for which places and facilities."""

from __future__ import annotations

from pathlib import Path

from healthpulse.core.config_files import load_yaml_model
from healthpulse.core.contacts import validate_email
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Department(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=64)
    name: str
    places: list[str] = Field(min_length=1)
    facilities: list[str] = Field(default_factory=list)
    email: str | None = None
    webhook: str | None = None
    escalation_email: str | None = None
    language: str = "en"  # language of its notifications
    timezone: str = "UTC"

    @field_validator("email", "escalation_email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        return None if v is None else validate_email(v)  # the shared strict validator: one plain address

    @field_validator("webhook")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError("webhook must be an http(s) URL")
        return v


class DepartmentsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    departments: list[Department] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> DepartmentsFile:
        seen: set[str] = set()
        for d in self.departments:
            if d.id in seen:
                raise ValueError(f"duplicate department id '{d.id}'")
            seen.add(d.id)
        return self

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


def load_departments(path: str | Path | None) -> DepartmentsFile:
    """The departments file, or an empty one when none is configured."""
    if path is None:
        return DepartmentsFile()
    return load_yaml_model(path, DepartmentsFile)
