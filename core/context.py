"""The collaborators a service, job handler or stage may ask for: small Protocols, not the container.

``healthpulse.wiring.container.Container`` satisfies all of them; tests may pass
anything that has the same attributes.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from healthpulse.core.clock import Clock
from healthpulse.core.departments import DepartmentsFile
from healthpulse.core.jobs import JobQueue
from healthpulse.core.settings import Settings
from healthpulse.core.stages import Ingestor
from sqlalchemy.orm import Session, sessionmaker


class StoreContext(Protocol):
    """Settings, clock, database sessions and the job queue."""

    @property
    def settings(self) -> Settings: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def session_factory(self) -> sessionmaker[Session]: ...

    @property
    def jobs(self) -> JobQueue: ...


class CoreContext(StoreContext, Protocol):
    """A ``StoreContext`` with the departments file and a transaction helper."""

    @property
    def departments(self) -> DepartmentsFile: ...

    def session(self) -> AbstractContextManager[Session]: ...


class IngestingContext(CoreContext, Protocol):
    """A ``CoreContext`` that can also hand documents to the ingest pipeline (appeals, video jobs)."""

    @property
    def pipeline(self) -> Ingestor: ...
