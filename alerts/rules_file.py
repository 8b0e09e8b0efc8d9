"""The rules file: which rules run, plus appeal, triage, delivery and digest options.

Validated with ``core.config_files`` so an error names the file, the line,
the rule (its ``id``) and the field, e.g.
``rules.yaml:14: rules[2].spike.min_count (entry 'flu-spike'): Input should be greater than or equal to 1``.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, cast

from healthpulse.alerts.rules import flatline, incident, spike, watchlist  # noqa: F401 - importing a rule module registers its type
from healthpulse.alerts.rules.base import Rule, RuleConfig
from healthpulse.alerts.rules.registry import RULE_TYPES, build_rule, rule_config_union
from healthpulse.core.config_files import (
    ConfigError,
    ConfigIssue,
    duplicate_id,
    format_validation_error,
    line_of,
    loc_to_str,
    parse_yaml_text,
    read_yaml,
)
from healthpulse.core.contacts import validate_email
from healthpulse.core.departments import DepartmentsFile
from healthpulse.core.domain import Severity
from healthpulse.core.settings import Settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_RULES_FILE = Path(__file__).parent / "default_rules.yaml"
SAVED_RULES_NAME = "rules.yaml"  # where the admin pages save the rules when settings name no rules file


def editable_rules_path(settings: Settings) -> Path:
    """The file an admin's edit is saved to: the deployment's own rules file, else one in the data folder
    (the bundled default is never written)."""
    return Path(settings.rules_file) if settings.rules_file else Path(settings.data_dir) / SAVED_RULES_NAME


def effective_rules_path(settings: Settings) -> Path:
    """The rules in force: the deployment's file, else the admin's saved copy, else the bundled default."""
    path = editable_rules_path(settings)
    return path if settings.rules_file or path.is_file() else DEFAULT_RULES_FILE


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AppealOptions(_Strict):
    default_severity: Severity = "medium"


class TriageOptions(_Strict):
    """Contacts for alerts with no department (the admins' triage queue)."""

    email: str | None = None
    webhook: str | None = None
    language: str = "en"

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        return None if v is None else validate_email(v)  # the shared strict validator: one plain address


class DeliveryOptions(_Strict):
    max_attempts: int = Field(default=30, ge=1)
    base_backoff_seconds: float = Field(default=15.0, gt=0)
    max_backoff_seconds: float = Field(default=3600.0, gt=0)
    timeout_seconds: float = Field(default=10.0, gt=0)


class DigestOptions(_Strict):
    """Departments listed here get one daily e-mail instead of one per alert."""

    departments: list[str] = Field(default_factory=list)
    hour_utc: int = Field(default=7, ge=0, le=23)


class TicketOptions(_Strict):
    # Spike and watchlist alerts below this open no ticket; an incident alert always opens one.
    min_alert_severity: Severity = "low"
    survey_days: float = Field(default=14.0, gt=0)
    sweep_minutes: float = Field(default=5.0, gt=0)


def _rules_file_model() -> type[BaseModel]:
    union = rule_config_union()

    class RulesFile(_Strict):
        version: int = 1
        rules: list[union] = Field(default_factory=list)  # type: ignore[valid-type]
        appeals: AppealOptions = Field(default_factory=AppealOptions)
        triage: TriageOptions = Field(default_factory=TriageOptions)
        delivery: DeliveryOptions = Field(default_factory=DeliveryOptions)
        digest: DigestOptions = Field(default_factory=DigestOptions)
        tickets: TicketOptions = Field(default_factory=TicketOptions)

        @model_validator(mode="after")
        def _unique_ids(self) -> Any:
            seen: dict[str, int] = {}
            for i, r in enumerate(self.rules):
                rid = cast(RuleConfig, r).id
                if rid in seen:
                    raise duplicate_id("rule", rid, "rules", i, seen[rid])
                seen[rid] = i
            return self

    return RulesFile


_MODELS: dict[tuple[str, ...], type[BaseModel]] = {}


def rules_file_model() -> type[BaseModel]:
    """The rules-file model for the rule types registered now (a type registered later is picked up)."""
    key = tuple(sorted(RULE_TYPES))
    if key not in _MODELS:
        _MODELS[key] = _rules_file_model()
    return _MODELS[key]


RulesFile = rules_file_model()


class RuleSet:
    """The loaded rules file: rule instances plus the options the engine needs."""

    def __init__(self, config: Any, path: Path):
        self.config = config
        self.path = path
        self.rules: list[Rule] = [build_rule(r) for r in config.rules if r.enabled]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.config, name)


def check_departments(config: Any, path: Path, departments: DepartmentsFile, root: Any = None) -> None:
    """Department ids a rule names must exist in the departments file."""
    if not departments.departments:
        return
    problems = []
    known = set(departments.ids)
    for i, r in enumerate(config.rules):
        for key in ("department", "departments"):
            value = getattr(r, key, None)
            for j, d in enumerate(value if isinstance(value, list) else [value]):
                if d is not None and d not in known:
                    loc: tuple[Any, ...] = ("rules", i, key) + ((j,) if isinstance(value, list) else ())
                    problems.append(ConfigIssue(str(path), line_of(root, loc), loc_to_str(loc),
                                                f"unknown department '{d}'", "unknown_department", r.id, {"value": d}))
    for j, d in enumerate(config.digest.departments):
        if d not in known:
            loc = ("digest", "departments", j)
            problems.append(ConfigIssue(str(path), line_of(root, loc), loc_to_str(loc), f"unknown department '{d}'",
                                        "unknown_department", None, {"value": d}))
    if problems:
        raise ConfigError(path, problems)


class _TaglessErrors:
    """A ValidationError seen without the discriminator tag in its locations.

    pydantic reports ``rules[2].spike.min_count``; the file has no ``spike``
    key, so the tag is dropped to let the line lookup reach ``min_count``.
    """

    def __init__(self, err: ValidationError):
        self.err = err

    def errors(self) -> list[dict[str, Any]]:
        out = []
        for e in self.err.errors():
            loc = list(e["loc"])
            if len(loc) >= 3 and loc[0] == "rules" and isinstance(loc[1], int) and loc[2] in RULE_TYPES:
                rule_type = RULE_TYPES[str(loc.pop(2))]
                if e["type"] == "extra_forbidden" and len(loc) == 3:  # a misspelt field: name the rule type's nearest
                    close = difflib.get_close_matches(str(loc[2]), list(rule_type.config_model.model_fields), n=1)
                    if close:
                        e = {**e, "ctx": {**(e.get("ctx") or {}), "suggestion": close[0]}}
            out.append({**e, "loc": tuple(loc)})
        return out


def parse_rules(data: Any, root: Any, path: Path, departments: DepartmentsFile | None = None) -> Any:
    """Validate parsed rules YAML (``root``: its node tree, for line numbers) → the rules-file model."""
    model = rules_file_model()
    try:
        config = model.model_validate(data if data is not None else {})
    except ValidationError as err:
        problems = format_validation_error(path, _TaglessErrors(err), data, root, model)  # type: ignore[arg-type]
        raise ConfigError(path, problems) from None
    if departments is not None:
        check_departments(config, path, departments, root)
    return config


def load_rules(path: str | Path | None = None, departments: DepartmentsFile | None = None) -> RuleSet:
    """Load and validate a rules file (the bundled default when ``path`` is None)."""
    p = Path(path) if path else DEFAULT_RULES_FILE
    data, root = read_yaml(p)
    return RuleSet(parse_rules(data, root, p, departments), p)


def check_rules_text(text: str, departments: DepartmentsFile | None, name: str = "rules.yaml") -> RuleSet:
    """Validate rules YAML given as text (an admin's edit) exactly as ``load_rules`` validates the file."""
    data, root = parse_yaml_text(text, name)
    return RuleSet(parse_rules(data, root, Path(name), departments), Path(name))
