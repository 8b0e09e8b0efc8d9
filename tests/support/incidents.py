"""A demo-like incident for page tests: the insulin shortage in Surgut reported by news, posts and a hotline
call in three languages, a department response a day in, and reports after it; plus a Cairo incident.

The documents come analysed with embeddings near one another (so the real incident stage merges them at
ingest, as the demo's do through the NLP); nothing here writes incident rows by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from healthpulse.alerts.tickets.lifecycle import set_status
from healthpulse.core.domain import Channel, Document, Reach
from healthpulse.core.models.incidents import IncidentDocumentRow
from healthpulse.core.models.tickets import TicketDocumentRow, TicketRow
from sqlalchemy import select

from tests.support.alerts import analysed_document

SCRIPT_TITLE = "<script>alert('x')</script> Нет инсулина"


def vector(seed: int, noise: float = 0.0, base: int | None = None) -> list[float]:
    """A unit vector; the same ``base`` with a little ``noise`` gives a near neighbour."""
    rng = np.random.default_rng(seed)
    v = np.random.default_rng(base if base is not None else seed).normal(size=32) + noise * rng.normal(size=32)
    return (v / np.linalg.norm(v)).tolist()


@dataclass
class SeededIncidents:
    surgut: int  # the insulin incident (several channels and languages, a response)
    cairo: int
    surgut_other: int  # a second Surgut incident (another event), for merging
    start: datetime
    response_at: datetime


def _doc(doc_id: str, t: datetime, *, base: int, seed: int, department: str = "surgut", title: str,
         channel: Channel = Channel.NEWS, language: str = "ru", topic: str = "drug_supply", views: int | None = None,
         severity: str = "high") -> Document:
    d = analysed_document(doc_id, department, severity, topic=topic, channel=channel, language=language,
                          title=title, published_at=t, text=f"{title}. {doc_id}")
    assert d.analysis is not None
    d = d.model_copy(update={"analysis": d.analysis.model_copy(update={"embedding": vector(seed, 0.2, base=base)}),
                             "source": "surgut-inform" if channel == Channel.NEWS else None})
    if views is not None:
        d = d.model_copy(update={"reach": Reach(views=views)})
    return d


def seed_incidents(container: Any) -> SeededIncidents:
    """Ingest the reports (oldest first, as they arrive; the first 40 hours ago, fresh enough to open a ticket)
    and record the department's response 26 hours after the first report."""
    h = timedelta(hours=1)
    start = container.clock.now() - 40 * h
    first = [
        _doc("ins-news-ru", start, base=7, seed=1, title="В Сургуте нет инсулина"),
        _doc("ins-post-ru", start + 3 * h, base=7, seed=2, title="Инсулина нет вторую неделю",
             channel=Channel.SOCIAL, views=12000),
        _doc("ins-call", start + 5 * h, base=7, seed=3, title=SCRIPT_TITLE, channel=Channel.HOTLINE),
        _doc("ins-news-en", start + 20 * h, base=7, seed=4, title="Insulin shortage in Surgut", language="en"),
        _doc("cairo-1", start + 2 * h, base=40, seed=5, department="cairo", title="لا يوجد أنسولين في القاهرة",
             language="ar", topic="waiting_times"),
        _doc("surgut-ambulance", start + 4 * h, base=60, seed=6, title="Скорая ехала три часа",
             topic="emergency_care", severity="critical"),
    ]
    container.pipeline.ingest_many(first)
    response_at = start + 26 * h
    with container.session() as s:
        ticket_ids = s.scalars(select(TicketDocumentRow.ticket_id).where(
            TicketDocumentRow.document_id.in_(["ins-news-ru", "ins-post-ru", "ins-call", "ins-news-en"])))
        ticket = s.scalars(select(TicketRow).where(TicketRow.id.in_(list(ticket_ids)))
                           .order_by(TicketRow.id)).first()
        assert ticket is not None, "the alerts engine opened no ticket for the insulin reports"
        set_status(s, ticket, "in_progress", "surgut-officer", response_at)
    container.pipeline.ingest_many([
        _doc("ins-news-fa", start + 34 * h, base=7, seed=8, title="کمبود انسولین در سورگوت", language="fa"),
    ])
    with container.session() as s:
        def incident_of(doc_id: str) -> int:
            row = s.get(IncidentDocumentRow, doc_id)
            assert row is not None, f"{doc_id} joined no incident"
            return row.incident_id

        surgut = incident_of("ins-news-ru")
        assert {incident_of(d) for d in ("ins-post-ru", "ins-call", "ins-news-en", "ins-news-fa")} == {surgut}
        seeded = SeededIncidents(surgut=surgut, cairo=incident_of("cairo-1"),
                                 surgut_other=incident_of("surgut-ambulance"), start=start, response_at=response_at)
    assert len({seeded.surgut, seeded.cairo, seeded.surgut_other}) == 3
    return seeded
