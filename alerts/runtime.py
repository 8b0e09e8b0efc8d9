"""What the alert components share at run time: settings, departments, rules and the clock."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from healthpulse.alerts.rules_file import RuleSet, load_rules
from healthpulse.core.clock import Clock, SystemClock
from healthpulse.core.departments import DepartmentsFile
from healthpulse.core.settings import Settings

_BY_CONTAINER: weakref.WeakKeyDictionary[Any, AlertsRuntime] = weakref.WeakKeyDictionary()


@dataclass
class AlertsRuntime:
    settings: Settings
    departments: DepartmentsFile
    rules: RuleSet
    clock: Clock
    jobs: Any = None  # the core JobQueue, when running inside a container

    @classmethod
    def build(cls, settings: Settings, departments: DepartmentsFile, clock: Clock | None = None) -> AlertsRuntime:
        return cls(settings, departments, load_rules(settings.rules_file, departments), clock or SystemClock())

    @classmethod
    def of(cls, container: Any) -> AlertsRuntime:
        """The runtime of a core Container (built once per container)."""
        rt = _BY_CONTAINER.get(container)
        if rt is None:
            rt = cls.build(container.settings, container.departments, container.clock)
            rt.jobs = container.jobs
            _BY_CONTAINER[container] = rt
        return rt

    def link(self, path: str) -> str:
        return self.settings.base_url.rstrip("/") + path

    def department_name(self, dep_id: str | None) -> str | None:
        dep = self.departments.get(dep_id)
        return dep.name if dep else dep_id
