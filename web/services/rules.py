"""The admin's rules editor: read, validate with the alerts area's own loader, save atomically with an audit entry.

The page never shows where the file lives: problems name ``rules.yaml`` and
the audit diff is labelled the same way.  A save is refused when the rules
changed since the admin opened them (``base``: a hash of what the page showed).
"""

from __future__ import annotations

import hashlib
from typing import Any

from healthpulse.alerts.rules_file import check_rules_text, editable_rules_path, effective_rules_path
from healthpulse.core.config_audit import record_change, text_change
from healthpulse.core.config_files import ConfigError, ConfigIssue, write_text_atomically
from healthpulse.core.errors import HealthpulseError
from healthpulse.core.settings import Settings
from sqlalchemy.orm import Session

MAX_RULES_BYTES = 256 * 1024
DISPLAY_NAME = "rules.yaml"


class RulesChanged(HealthpulseError):
    """Someone saved the rules after this admin opened them: saving would overwrite that edit."""
    error_code = "conflict"


def read_rules(settings: Settings) -> str:
    """The rules in force, as text (the deployment's file, an admin's saved copy, or the bundled default)."""
    try:
        return effective_rules_path(settings).read_text(encoding="utf-8")
    except OSError:
        return ""


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def validate_rules(text: str, departments: Any) -> tuple[list[ConfigIssue], int]:
    """(problems, enabled rule count) for YAML ``text``; each problem names its line, rule id and key."""
    if len(text.encode("utf-8")) > MAX_RULES_BYTES:
        return [ConfigIssue(DISPLAY_NAME, None, "", f"larger than {MAX_RULES_BYTES // 1024} KiB", "too_large",
                            None, {"max_kib": MAX_RULES_BYTES // 1024})], 0
    try:
        ruleset = check_rules_text(text, departments, DISPLAY_NAME)
    except ConfigError as err:
        return err.issues, 0
    return [], len(ruleset.rules)


def save_rules(session: Session, settings: Settings, text: str, base: str, actor: str, now: Any) -> bool:
    """Write validated ``text`` (the caller validated it) and audit it in ``session``; False if nothing changed.

    Raises ``RulesChanged`` when the rules in force are no longer the ones ``base`` fingerprints.
    """
    current = read_rules(settings)
    if fingerprint(current) != base:
        raise RulesChanged("the rules were changed since you opened them")
    if text == current:
        return False
    summary, diff, counts = text_change(current, text, DISPLAY_NAME)
    record_change(session, target="rules", actor=actor, at=now, summary=summary, diff=diff, details=counts)
    write_text_atomically(editable_rules_path(settings), text)  # last: a failed write rolls the audit row back
    return True
