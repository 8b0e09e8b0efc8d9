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
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

import healthpulse.alerts.jobs
import healthpulse.appeals.jobs
import healthpulse.ingest.jobs
import healthpulse.video_intake.jobs  # noqa: F401 - importing a jobs module registers its handlers
import healthpulse.wiring.crawl_jobs  # noqa: F401 - registers the crawl.source job
import healthpulse.wiring.press_digest  # noqa: F401 - registers the press.digest job
from healthpulse.alerts.runtime import AlertsRuntime
from healthpulse.alerts.stages import post_ingest_stages as alerts_stages
from healthpulse.core.clock import Clock, SystemClock
from healthpulse.core.db import make_engine, migrate, session_factory, transaction
from healthpulse.core.departments import DepartmentsFile, load_departments
from healthpulse.core.jobs import JobQueue
from healthpulse.core.region_shapes import RegionShapes, bundled_regions_path, load_region_shapes
from healthpulse.core.resources import bundled_departments_path
from healthpulse.core.settings import Settings
from healthpulse.core.stages import DocumentAnalyzer, PostIngestStage, TextEmbedder
from healthpulse.crawlers.sources import load_sources
from healthpulse.incidents.stage import post_ingest_stages as incident_stages
from healthpulse.indexes.base import SearchIndex
from healthpulse.indexes.registry import create_index
from healthpulse.ingest import place_aliases
from healthpulse.ingest.pipeline import Pipeline
from healthpulse.ingest.search_plan import QueryReader
from healthpulse.nlp.taxonomy import load_taxonomy
from healthpulse.video_intake.drop_folder_job import ensure_scheduled as ensure_drop_folder_scan
from healthpulse.wiring.worker import Worker
from sqlalchemy import text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

AUTO = "auto"
SAME_AS_ANALYZER = object()
PLACES_RECHECK_S = 60.0  # how often a long-running process looks for newly confirmed place aliases


class Container:
    def __init__(self, settings: Settings, *, clock: Clock | None = None, analyzer: Any = AUTO,
                 index: Any = AUTO, run_migrations: bool = True, embedder: Any = SAME_AS_ANALYZER):
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.engine = make_engine(settings.database.url)
        if run_migrations:
            migrate(self.engine)
        self.session_factory = session_factory(self.engine)
        self._analyzer = analyzer
        self._index = index
        # Tests that feed ready-made analyses (analyzer=None) load no encoder for vectors either.
        self._embedder = (AUTO if analyzer == AUTO else None) if embedder is SAME_AS_ANALYZER else embedder
        # A container that does not migrate touches no database (``analyze``): it reads no aliases either.
        self._aliases_from_db = run_migrations
        self._places_stamp: tuple[int, int] | None = None
        self._places_checked = 0.0
        self.celery: Any = None
        self.dispatcher: Any = None
        if settings.broker_url:  # distributed mode (wiring.celery_jobs); celery is imported only then
            from healthpulse.wiring.celery_jobs import CeleryDispatcher, make_celery

            self.celery = make_celery(settings.broker_url)
            self.dispatcher = CeleryDispatcher(self.celery, settings.broker_url, self.clock)
        self.jobs = JobQueue(self.session_factory, self.clock, dispatcher=self.dispatcher)
        self.pipeline = Pipeline(self)
        self.worker = Worker(self, self.jobs, before_round=self._before_round,
                             lease_seconds=settings.jobs.lease_seconds)
        self._drop_scan_seeded = False

    def _before_round(self) -> None:
        """Each worker round: drain the index outbox; on the first, start the drop-folder scans (if configured)."""
        if not self._drop_scan_seeded:
            ensure_drop_folder_scan(self)
            self._drop_scan_seeded = True
        self.pipeline.drain_outbox()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with transaction(self.session_factory) as s:
            yield s

    @cached_property
    def departments(self) -> DepartmentsFile:
        return load_departments(self.settings.departments_file or bundled_departments_path())

    @cached_property
    def region_shapes(self) -> RegionShapes | None:
        """The press map's shapes: the configured file, the bundled one for the bundled departments, else none."""
        path = self.settings.regions_geojson_file or (None if self.settings.departments_file else bundled_regions_path())
        return load_region_shapes(path, set(self.departments.ids)) if path else None

    def check_config(self) -> None:
        """Load every config file the settings name, so that a mistake stops start-up with its file, line and key
        (the rules file would otherwise first be read at the first alert, the sources file at the first crawl)."""
        departments = self.departments
        AlertsRuntime.of(self)
        if self.settings.sources_file:
            load_sources(self.settings.sources_file, set(departments.ids))
        if self.settings.taxonomy_file:
            load_taxonomy(self.settings.taxonomy_file)
        _ = self.region_shapes

    @property
    def analyzer(self) -> DocumentAnalyzer | None:
        """The NLP analyzer, loaded on first use (models load once per process)."""
        if self._analyzer not in (AUTO, None) and time.monotonic() - self._places_checked > PLACES_RECHECK_S:
            self.refresh_places()  # may ask for a rebuild (AUTO), done just below
        if self._analyzer == AUTO:
            # Deferred: the analyzer loads spaCy, lingua and the encoder (seconds, hundreds of MB).
            from healthpulse.nlp.analyzer import Analyzer

            self._analyzer = Analyzer.from_settings(self.settings, self.analysis_departments())
        return self._analyzer  # type: ignore[no-any-return]

    @property
    def embedder(self) -> TextEmbedder | None:
        """The document embedder (nlp.embedding), loaded on first use; None when vectors are off."""
        if self._embedder == AUTO:
            if not self.settings.document_vectors:
                self._embedder = None
            else:
                from healthpulse.nlp.embedding import DocumentEmbedder

                self._embedder = DocumentEmbedder(num_threads=self.settings.nlp_threads,
                                                  cache_dir=str(self.settings.model_cache_dir or "") or None)
        return self._embedder  # type: ignore[no-any-return,return-value]

    def analysis_departments(self) -> DepartmentsFile:
        """The departments file plus the place aliases an admin confirmed from staff corrections."""
        if not self._aliases_from_db:
            return self.departments
        with self.session() as s:
            extra = place_aliases.aliases_by_department(s)
            self._places_stamp = place_aliases.stamp(s)
        self._places_checked = time.monotonic()
        return self.departments.with_places(extra) if extra else self.departments

    def refresh_places(self) -> bool:
        """Give a loaded analyzer's gazetteer the confirmed aliases when they changed; True if it did.

        Called after an admin confirms an alias (this process) and, at most every
        ``PLACES_RECHECK_S``, when a worker asks for the analyzer (other processes).
        """
        self._places_checked = time.monotonic()
        loaded = self._analyzer not in (AUTO, None)
        if not self._aliases_from_db:
            return False
        with self.session() as s:
            if self._places_stamp == place_aliases.stamp(s) or not loaded:
                return False
        departments = self.analysis_departments()
        set_departments = getattr(self._analyzer, "set_departments", None)
        if set_departments is not None:  # swap only the gazetteer: the models stay loaded
            set_departments(departments)
        else:  # an analyzer of another shape (tests' stand-ins): rebuild it on next use
            self._analyzer = AUTO
        return True

    @cached_property
    def query_reader(self) -> QueryReader:
        """Reads search queries into places, topics and a vector (cross-lingual search); one per process."""
        return QueryReader(self.departments, self.embedder, self.settings.taxonomy_file)  # type: ignore[arg-type]

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
        """The post-ingest stages each area registers, in pipeline order: incidents first, so that the alert
        engine can join a document's alert to its incident's open alert instead of opening another ticket."""
        # The statement model reads through the encoder: only where this container embeds documents itself
        # (a container fed ready-made analyses, analyzer=None, loads no encoder, as for vectors).
        reads_text = self._embedder is not None and self.settings.document_vectors
        return [*incident_stages(self, read_statements=reads_text), *alerts_stages(self)]

    def health(self) -> dict[str, str]:
        """"ok" or why not, per dependency the web and workers need now: the database and, in distributed
        mode, the broker. (A search node that is down is not a failure: writes wait in the outbox.)"""
        checks: dict[str, str] = {}
        try:
            with self.session() as s:
                s.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - reported, never raised
            checks["database"] = f"down: {type(exc).__name__}"
        if self.dispatcher is not None:
            problem = self.dispatcher.ping()
            if problem:
                log.warning("health check: broker down: %s", problem)
            checks["broker"] = f"down: {problem.split(':')[0]}" if problem else "ok"  # no addresses on a public page
        return checks

    def close(self) -> None:
        idx = self._index if self._index != AUTO else None
        if idx is not None:
            idx.close()
        if self.dispatcher is not None:
            self.dispatcher.redis.close()
            self.celery.close()  # its broker connections: a consumer left open would take messages nobody runs
        self.engine.dispose()


def build_container(settings: Settings, **kwargs: Any) -> Container:
    return Container(settings, **kwargs)
