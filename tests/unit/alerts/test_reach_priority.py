"""Reach feeds alert priority: an incident post seen 50,000 times outranks one seen 40 (issue 18)."""

from healthpulse.alerts import service
from healthpulse.core.domain import Channel, Reach

from .conftest import hours, make_doc


def _post(doc_id, department, severity, views):
    doc = make_doc(doc_id, department, severity, channel=Channel.SOCIAL, topic="drug_supply")
    return doc.model_copy(update={"reach": Reach(views=views, reactions=None)})


def test_priority_puts_severity_first_then_reach_then_newest(hp, fclock):
    hp.pipeline.ingest(_post("wide", "surgut", "high", 50_000))
    fclock.advance(hours(1))
    hp.pipeline.ingest(_post("narrow", "cairo", "high", 40))
    fclock.advance(hours(1))
    hp.pipeline.ingest(make_doc("news", "giza", "high", topic="drug_supply"))  # no reach known
    fclock.advance(hours(1))
    hp.pipeline.ingest(_post("minor", "hcmc", "low", 1_000_000))
    with hp.session() as s:
        newest, _ = service.list_alerts(s)
        ranked, _ = service.list_alerts(s, sort="priority")
        detail = service.get_alert(s, ranked[0]["id"])
    assert [a["department"] for a in newest] == ["hcmc", "giza", "cairo", "surgut"]
    assert [(a["department"], a["reach"]) for a in ranked] == [
        ("surgut", 50_000), ("cairo", 40), ("giza", None), ("hcmc", 1_000_000)]
    assert detail["reach"] == 50_000
