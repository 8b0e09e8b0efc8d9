"""Rules file viewing, validation and saving for the admin (validated by the alerts area's loader)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from healthpulse.alerts.rules_file import DEFAULT_RULES_FILE, load_rules
from healthpulse.core.config_files import ConfigError
from healthpulse.core.settings import Settings

MAX_RULES_BYTES = 256 * 1024


def rules_path(settings: Settings) -> Path:
    if settings.rules_file:
        return Path(settings.rules_file)

    return Path(DEFAULT_RULES_FILE)


def editable(settings: Settings) -> bool:
    """Only a deployment's own rules file is saved from the web, never the bundled default."""
    return bool(settings.rules_file)


def read_rules(settings: Settings) -> str:
    try:
        return rules_path(settings).read_text(encoding="utf-8")
    except OSError:
        return ""


def validate_rules(text: str, departments: Any) -> tuple[list[str], int]:
    """(problems, rule count) for YAML ``text``; problems name the line, rule id and field."""

    if len(text.encode("utf-8")) > MAX_RULES_BYTES:
        return [f"the rules file is larger than {MAX_RULES_BYTES // 1024} KiB"], 0
    fd, tmp = tempfile.mkstemp(prefix="rules-", suffix=".yaml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            ruleset = load_rules(tmp, departments)
        except ConfigError as err:
            return [p.replace(tmp, "rules.yaml") for p in err.problems], 0
        rules = getattr(ruleset, "rules", [])
        return [], len(rules)
    finally:
        os.unlink(tmp)


def save_rules(settings: Settings, text: str) -> None:
    path = rules_path(settings)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
