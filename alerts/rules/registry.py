"""Rule types registered by name, and the rules-file model built from their config models.

A rule type is a module with a ``@register_rule`` class and its config model;
``alerts/rules_file.py`` imports the built-in ones (add a new module there).
"""

from __future__ import annotations

from typing import Annotated, Any, Union

from healthpulse.alerts.rules.base import Rule, RuleConfig
from pydantic import Field

RULE_TYPES: dict[str, type[Rule]] = {}


def register_rule(cls: type[Rule]) -> type[Rule]:
    """Class decorator: make a rule type available under ``cls.type``."""
    if cls.type in RULE_TYPES and RULE_TYPES[cls.type] is not cls:
        raise ValueError(f"rule type {cls.type!r} registered twice")
    RULE_TYPES[cls.type] = cls
    return cls


def rule_config_union() -> Any:
    """``Annotated[Union[<each type's config>], Field(discriminator="type")]``."""
    models = tuple(cls.config_model for cls in RULE_TYPES.values())
    if len(models) == 1:
        return models[0]
    return Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007


def build_rule(config: RuleConfig) -> Rule:
    return RULE_TYPES[config.type](config)  # type: ignore[attr-defined]
