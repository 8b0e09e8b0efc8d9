"""Job handlers of the ingest area: a failed post-ingest stage retried, the index outbox drained."""

from __future__ import annotations

from typing import Any, Protocol

from healthpulse.core.jobs import job_handler
from healthpulse.ingest.pipeline import Pipeline


class IngestJobContext(Protocol):
    @property
    def pipeline(self) -> Pipeline: ...


@job_handler("pipeline.post_ingest")
def rerun_post_ingest_hook(context: IngestJobContext, payload: dict[str, Any]) -> None:
    """A post-ingest stage that failed is retried here with the same documents."""
    context.pipeline.rerun_hook(payload["hook"], payload["document_ids"])


@job_handler("pipeline.drain_outbox")
def drain_outbox(context: IngestJobContext, payload: dict[str, Any]) -> None:
    context.pipeline.drain_outbox()
