"""Wiring: the one place that builds and connects the stages from settings.

Only core/ wires stages together; every entry point (CLI, web app, worker,
tests) asks ``build_container(settings)`` for a ready set of parts.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from healthpulse.core.clock import Clock, SystemClock
from healthpulse.core.db import make_engine, migrate, session_factory, transaction
from healthpulse.core.departments import DepartmentsFile, load_departments
from healthpulse.core.jobs import JobQueue, Worker
from healthpulse.core.pipeline import Pipeline, PostIngestHook
from healthpulse.core.settings import Settings
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# Modules that register job handlers (``@job_handler``); imported when a container is built.
JOB_MODULES: list[str] = [
    "healthpulse.core.core_jobs",
    "healthpulse.alerts.jobs",
    "healthpulse.video_intake.jobs",
]

# Post-ingest hooks, as "module:Class"; each class is built with the container.
HOOKS: list[str] = [
    "healthpulse.alerts.engine:AlertEngine",
]


class Container:
    def __init__(self, settings: Settings, *, clock: Clock | None = None, analyzer: Any = "auto",
                 index: Any = "auto", run_migrations: bool = True):
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.engine = make_engine(settings.database_url)
        if run_migrations:
            migrate(self.engine)
        self.session_factory = session_factory(self.engine)
        self._analyzer = analyzer
        self._index = index
        self.jobs = JobQueue(self.session_factory, self.clock)
        self.pipeline = Pipeline(self)
        self.worker = Worker(self, self.jobs)
        for mod in JOB_MODULES:
            importlib.import_module(mod)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with transaction(self.session_factory) as s:
            yield s

    @cached_property
    def departments(self) -> DepartmentsFile:
        path = self.settings.departments_file
        if path is None:
            from healthpulse.core.resources import bundled_departments_path

            path = bundled_departments_path()
        return load_departments(path)

    @property
    def analyzer(self) -> Any:
        """The NLP analyzer, loaded on first use (models load once per process)."""
        if self._analyzer == "auto":
            from healthpulse.nlp.analyzer import Analyzer

            self._analyzer = Analyzer.from_settings(self.settings, self.departments)
        return self._analyzer

    @property
    def index(self) -> Any:
        if self._index == "auto":
            from healthpulse.indexes.registry import create_index

            self._index = create_index(self.settings)
            try:
                self._index.ensure_ready()
            except Exception as exc:  # noqa: BLE001 - a down node must not stop the app; the outbox waits
                log.warning("search index not ready yet: %s", exc)
        return self._index

    @cached_property
    def hooks(self) -> list[PostIngestHook]:
        out = []
        for spec in HOOKS:
            mod, _, cls = spec.partition(":")
            out.append(getattr(importlib.import_module(mod), cls)(self))
        return out

    def close(self) -> None:
        idx = self._index if self._index != "auto" else None
        if idx is not None:
            idx.close()
        self.engine.dispose()


def build_container(settings: Settings, **kwargs: Any) -> Container:
    return Container(settings, **kwargs)
