"""The inbox search, "my tickets" and triage routing on PostgreSQL (lower() folds every script there too)."""

import pytest
from healthpulse.core.models.tickets import TicketRow
from healthpulse.web.services import tickets as svc
from healthpulse.web.services import triage as triage_svc
from healthpulse.web.services.users import Principal

from tests.support.containers import postgres_container
from tests.support.web import add_user, submit_appeal, ticket_id_for

pytestmark = pytest.mark.integration
OFFICER = Principal(3, "surgut-officer", "department", "surgut")
DESK = Principal(4, "triage-desk", "triage", None)


@pytest.fixture
def pg(tmp_path, clock):
    with postgres_container(tmp_path, clock, "hp_inbox", index=None) as c:
        yield c


def _ids(pg, principal, **args):
    return [r["id"] for r in svc.list_tickets(pg, principal, svc.TicketFilters.from_args(args)).rows]


def test_search_mine_and_routing_on_postgresql(pg):
    add_user(pg, "surgut-officer", "department", "surgut")
    own_code = submit_appeal(pg, "surgut", text="В больнице нет ИНСУЛИНА две недели", language="ru")
    own = ticket_id_for(pg, own_code)
    ticket_id_for(pg, submit_appeal(pg, "surgut", text="Очередь к эндокринологу на месяц", language="ru"))
    cairo = ticket_id_for(pg, submit_appeal(pg, "cairo", text="لا يوجد أنسولين في مستشفى القصر العيني", language="ar"))
    assert _ids(pg, OFFICER, q="инсулин") == [own]
    assert _ids(pg, OFFICER, q=own_code.lower()) == [own]
    assert _ids(pg, OFFICER, q="100%_") == []
    assert _ids(pg, OFFICER, q=f"#{cairo}") == []  # another department's number finds nothing
    svc.act(pg, OFFICER, own, "take")
    assert _ids(pg, OFFICER, mine="1") == [own]
    with pg.session() as s:  # a ticket nobody could route
        s.get(TicketRow, cairo).department_id = None
    assert [r["id"] for r in triage_svc.queue(pg, DESK)["rows"]] == [cairo]
    triage_svc.route(pg, DESK, cairo, "giza")
    with pg.session() as s:
        assert s.get(TicketRow, cairo).department_id == "giza"
    with pytest.raises(svc.NotFound):
        triage_svc.route(pg, DESK, cairo, "cairo")
