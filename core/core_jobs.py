"""Job handlers of the core itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from healthpulse.core.jobs import job_handler

if TYPE_CHECKING:
    from healthpulse.core.container import Container


@job_handler("pipeline.post_ingest")
def rerun_post_ingest_hook(container: Container, payload: dict[str, Any]) -> None:
    """A post-ingest hook that failed is retried here with the same documents."""
    container.pipeline.rerun_hook(payload["hook"], payload["document_ids"])


@job_handler("pipeline.drain_outbox")
def drain_outbox(container: Container, payload: dict[str, Any]) -> None:
    container.pipeline.drain_outbox()
