"""list_tickets filters/sorting, counters and per-rule digest mode."""

import pytest
from healthpulse.alerts import service
from healthpulse.core.models.alerts import NotificationRow
from sqlalchemy import select

from tests.support.containers import make_container

from .conftest import hours, make_doc


@pytest.fixture
def mixed(hp, fclock):
    hp.pipeline.ingest_many([
        make_doc("a", "surgut", "critical", topic="emergency_care"),
        make_doc("b", "surgut", "medium", topic="drug_supply"),
        make_doc("c", "cairo", "high", topic="drug_supply"),
    ])
    return hp


def _ids(items):
    return [t["document_ids"][0] for t in items]


def test_filters_and_sorting(mixed, fclock):
    with mixed.session() as s:
        assert _ids(service.list_tickets(s, sort="due_at")[0]) == ["a", "c", "b"]
        assert _ids(service.list_tickets(s, sort="-severity")[0]) == ["a", "c", "b"]
        assert _ids(service.list_tickets(s, sort="severity")[0]) == ["b", "c", "a"]
        assert _ids(service.list_tickets(s, topic="drug_supply", sort="id")[0]) == ["b", "c"]
        assert _ids(service.list_tickets(s, severity=["high", "critical"], sort="id")[0]) == ["a", "c"]
        assert _ids(service.list_tickets(s, due_before=fclock.now() + hours(30), sort="id")[0]) == ["a", "c"]
        assert service.list_tickets(s, channel="hotline")[1] == 0
        items, total = service.list_tickets(s, limit=1, offset=1, sort="id")
        assert total == 3 and _ids(items) == ["b"]
        with pytest.raises(ValueError, match="unknown sort"):
            service.list_tickets(s, sort="title")
        tid = service.list_tickets(s, sort="id")[0][0]["id"]
        service.record_contact(s, tid, "phone", "reached", "olga", now=fclock.now())
        service.close_ticket(s, tid, "olga", "done", now=fclock.now())
        assert _ids(service.list_tickets(s, status="open", sort="id")[0]) == ["b", "c"]
        assert _ids(service.list_tickets(s, status="closed")[0]) == ["a"]


def test_counters(mixed, fclock):
    with mixed.session() as s:
        c = service.ticket_counters(s, ["surgut"], now=fclock.now())
        assert (c["open"], c["new"], c["breached"], c["due_within_24h"]) == (2, 2, 0, 1)
        assert c["by_severity_open"] == {"critical": 1, "medium": 1} and c["triage_open"] is None
        assert service.ticket_counters(s, None, now=fclock.now())["open"] == 3


def test_rule_in_digest_mode_holds_its_mail(tmp_path, fclock):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - {id: quiet, type: incident, notify: digest}\n")
    c = make_container(tmp_path, clock=fclock, index=None, rules_file=rules)
    try:
        c.pipeline.ingest(make_doc("a", "surgut", "high"))
        with c.session() as s:
            assert [(n.event, n.state) for n in s.scalars(select(NotificationRow))] == [("alert", "held")]
    finally:
        c.close()
