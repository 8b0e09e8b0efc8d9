"""What the web layer may ask of the container it was given (``wiring.container.Container`` satisfies it)."""

from __future__ import annotations

from typing import Protocol

from healthpulse.core.context import IngestingContext
from healthpulse.core.region_shapes import RegionShapes
from healthpulse.indexes.base import SearchIndex


class WebContext(IngestingContext, Protocol):
    """Settings, clock, sessions, jobs, departments, the pipeline, and the search index (None: none configured)."""

    @property
    def index(self) -> SearchIndex | None: ...

    @property
    def region_shapes(self) -> RegionShapes | None:
        """The press map's region shapes (None: no map configured)."""
        ...

    def health(self) -> dict[str, str]:
        """"ok" or why not, per dependency (database; the broker in distributed mode)."""
        ...

    def refresh_places(self) -> bool:
        """Hand newly confirmed place aliases to the loaded NLP analyzer (admin page); True if anything changed."""
        ...
