"""Wiring: the one place that builds and connects the areas from settings.

Every entry point (CLI, web app, worker, tests) asks ``build_container(settings)``
for a ready set of parts.  The container knows every area by direct import: the
job handlers each area registers (importing its ``jobs`` module registers them)
and the post-ingest stages, in order.  Everything below ``wiring/`` receives a
small context Protocol (``core.context``, ``ingest.pipeline.PipelineContext``),
which this class satisfies, never the container itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

import healthpulse.alerts.jobs
import healthpulse.ingest.jobs
import healthpulse.video_intake.jobs  # noqa: F401 - importing a jobs module registers its handlers
from healthpulse.alerts.stages import post_ingest_stages as alerts_stages
from healthpulse.core.clock import Clock, SystemClock
from healthpulse.core.db import make_engine, migrate, session_factory, transaction
from healthpulse.core.departments import DepartmentsFile, load_departments
from healthpulse.core.jobs import JobQueue
from healthpulse.core.resources import bundled_departments_path
from healthpulse.core.settings import Settings
from healthpulse.core.stages import DocumentAnalyzer, PostIngestStage
from healthpulse.indexes.base import SearchIndex
from healthpulse.indexes.registry import create_index
from healthpulse.ingest.pipeline import Pipeline
from healthpulse.wiring.worker import Worker
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

AUTO = "auto"


class Container:
    def __init__(self, settings: Settings, *, clock: Clock | None = None, analyzer: Any = AUTO,
                 index: Any = AUTO, run_migrations: bool = True):
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.engine = make_engine(settings.database.url)
        if run_migrations:
            migrate(self.engine)
        self.session_factory = session_factory(self.engine)
        self._analyzer = analyzer
        self._index = index
        self.jobs = JobQueue(self.session_factory, self.clock)
        self.pipeline = Pipeline(self)
        self.worker = Worker(self, self.jobs, before_round=self.pipeline.drain_outbox,
                             lease_seconds=settings.jobs.lease_seconds)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with transaction(self.session_factory) as s:
            yield s

    @cached_property
    def departments(self) -> DepartmentsFile:
        return load_departments(self.settings.departments_file or bundled_departments_path())

    @property
    def analyzer(self) -> DocumentAnalyzer | None:
        """The NLP analyzer, loaded on first use (models load once per process)."""
        if self._analyzer == AUTO:
            # Deferred: the analyzer loads spaCy, lingua and the encoder (seconds, hundreds of MB).
            from healthpulse.nlp.analyzer import Analyzer

            self._analyzer = Analyzer.from_settings(self.settings, self.departments)
        return self._analyzer  # type: ignore[no-any-return]

    @property
    def index(self) -> SearchIndex | None:
        if self._index == AUTO:
            self._index = create_index(self.settings)
            try:
                self._index.ensure_ready()
            except Exception as exc:  # noqa: BLE001 - a down node must not stop the app; the outbox waits
                log.warning("search index not ready yet: %s", exc)
        return self._index  # type: ignore[no-any-return]

    @cached_property
    def hooks(self) -> list[PostIngestStage]:
        """The post-ingest stages each area registers, in pipeline order (today only alerts has some)."""
        return [*alerts_stages(self)]

    def close(self) -> None:
        idx = self._index if self._index != AUTO else None
        if idx is not None:
            idx.close()
        self.engine.dispose()


def build_container(settings: Settings, **kwargs: Any) -> Container:
    return Container(settings, **kwargs)
