"""What the alert components share at run time: settings, departments, rules and the clock."""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from healthpulse.alerts.rules_file import RuleSet, load_rules
from healthpulse.core.clock import Clock, SystemClock
from healthpulse.core.config_files import ConfigError
from healthpulse.core.context import CoreContext
from healthpulse.core.departments import DepartmentsFile
from healthpulse.core.settings import Settings

log = logging.getLogger(__name__)


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


_BY_CONTAINER: weakref.WeakKeyDictionary[Any, AlertsRuntime] = weakref.WeakKeyDictionary()


@dataclass
class AlertsRuntime:
    settings: Settings
    departments: DepartmentsFile
    rules: RuleSet
    clock: Clock
    jobs: Any = None  # the core JobQueue, when running inside a container
    rules_mtime: float | None = None

    @classmethod
    def build(cls, settings: Settings, departments: DepartmentsFile, clock: Clock | None = None) -> AlertsRuntime:
        return cls(settings, departments, load_rules(settings.rules_file, departments), clock or SystemClock())

    @classmethod
    def of(cls, container: CoreContext) -> AlertsRuntime:
        """The runtime of a core Container (built once per container; rules reload when their file changes)."""
        rt = _BY_CONTAINER.get(container)
        if rt is None:
            rt = cls.build(container.settings, container.departments, container.clock)
            rt.jobs = container.jobs
            rt.rules_mtime = _mtime(rt.rules.path)
            _BY_CONTAINER[container] = rt
        else:
            rt.reload_if_changed()
        return rt

    def reload_if_changed(self) -> None:
        """Pick up an edited rules file (e.g. saved by an admin); a broken file keeps the rules in force."""
        mtime = _mtime(self.rules.path)
        if mtime == self.rules_mtime:
            return
        self.rules_mtime = mtime
        try:
            self.rules = load_rules(self.rules.path, self.departments)
            log.info("alert rules reloaded from %s (%d rules)", self.rules.path, len(self.rules.rules))
        except ConfigError as exc:
            log.error("alert rules file %s is invalid, keeping the previous rules:\n%s", self.rules.path, exc)

    def link(self, path: str) -> str:
        return self.settings.base_url.rstrip("/") + path

    def department_name(self, dep_id: str | None) -> str | None:
        dep = self.departments.get(dep_id)
        return dep.name if dep else dep_id
