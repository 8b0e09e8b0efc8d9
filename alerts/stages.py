"""The post-ingest stages the alerts area plugs into the pipeline, in the order they must run.

An appeal's ticket first, so that the alert rules, which run next, can join an
alert about that appeal to its ticket.  ``wiring/container.py`` adds these to
the pipeline's stages.
"""

from __future__ import annotations

from healthpulse.alerts.engine import AlertEngine
from healthpulse.alerts.tickets.appeal_stage import AppealTicketStage
from healthpulse.core.context import CoreContext
from healthpulse.core.stages import PostIngestStage


def post_ingest_stages(context: CoreContext) -> list[PostIngestStage]:
    return [AppealTicketStage(context), AlertEngine(context)]
