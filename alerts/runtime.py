"""What the alert components share at run time: settings, departments, rules and the clock."""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from healthpulse.alerts.rules_file import RuleSet, effective_rules_path, load_rules
from healthpulse.core.clock import Clock, SystemClock
from healthpulse.core.config_files import ConfigError
from healthpulse.core.context import CoreContext
from healthpulse.core.departments import DepartmentsFile
from healthpulse.core.settings import Settings

log = logging.getLogger(__name__)


def _stamp(path: Path) -> tuple[str, int, int, int] | None:
    """What changes when the file is replaced or edited (an atomic save gives a new inode)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return str(path), st.st_ino, st.st_mtime_ns, st.st_size


_BY_CONTAINER: weakref.WeakKeyDictionary[Any, AlertsRuntime] = weakref.WeakKeyDictionary()


@dataclass
class AlertsRuntime:
    settings: Settings
    departments: DepartmentsFile
    rules: RuleSet
    clock: Clock
    jobs: Any = None  # the core JobQueue, when running inside a container
    rules_stamp: tuple[str, int, int, int] | None = None

    @classmethod
    def build(cls, settings: Settings, departments: DepartmentsFile, clock: Clock | None = None) -> AlertsRuntime:
        return cls(settings, departments, load_rules(effective_rules_path(settings), departments), clock or SystemClock())

    @classmethod
    def of(cls, container: CoreContext) -> AlertsRuntime:
        """The runtime of a core Container (built once per container; rules reload when their file changes,
        or when an admin's saved copy takes over from the bundled default)."""
        rt = _BY_CONTAINER.get(container)
        if rt is None:
            rt = cls.build(container.settings, container.departments, container.clock)
            rt.jobs = container.jobs
            rt.rules_stamp = _stamp(rt.rules.path)
            _BY_CONTAINER[container] = rt
        else:
            rt.reload_if_changed()
        return rt

    def reload_if_changed(self) -> None:
        """Pick up an edited rules file (e.g. saved by an admin); a broken file keeps the rules in force."""
        path = effective_rules_path(self.settings)
        stamp = _stamp(path)
        if stamp == self.rules_stamp:
            return
        self.rules_stamp = stamp
        try:
            self.rules = load_rules(path, self.departments)
            log.info("alert rules reloaded from %s (%d rules)", path, len(self.rules.rules))
        except ConfigError as exc:
            log.error("alert rules file %s is invalid, keeping the previous rules:\n%s", path, exc)

    def link(self, path: str) -> str:
        return self.settings.base_url.rstrip("/") + path

    def department_name(self, dep_id: str | None) -> str | None:
        dep = self.departments.get(dep_id)
        return dep.name if dep else dep_id
