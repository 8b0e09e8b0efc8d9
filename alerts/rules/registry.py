"""Rule types registered by name, and the rules-file model built from their config models.

Every module in ``healthpulse.alerts.rules`` is imported, so adding a rule
type is a new module with a ``@register_rule`` class and its config model.
"""

from __future__ import annotations

import importlib
import pkgutil
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


def load_rule_modules() -> dict[str, type[Rule]]:
    import healthpulse.alerts.rules as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name not in ("base", "registry"):
            importlib.import_module(f"{pkg.__name__}.{mod.name}")
    return RULE_TYPES


def rule_config_union() -> Any:
    """``Annotated[Union[<each type's config>], Field(discriminator="type")]``."""
    models = tuple(cls.config_model for cls in load_rule_modules().values())
    if len(models) == 1:
        return models[0]
    return Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007


def build_rule(config: RuleConfig) -> Rule:
    return RULE_TYPES[config.type](config)  # type: ignore[attr-defined]
