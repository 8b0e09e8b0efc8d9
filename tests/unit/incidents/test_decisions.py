"""Staff split / merge through the API (scoped, stored as decisions) and `healthpulse incidents tune`."""

from __future__ import annotations

import json

import pytest
from healthpulse.cli import main
from healthpulse.core.models.incidents import IncidentDecisionRow, IncidentDocumentRow, IncidentRow
from healthpulse.incidents.decisions import tune_threshold
from sqlalchemy import select

from tests.support.databases import database_url
from tests.support.web import api_token, make_web_app

from .test_stage import _doc, _vector, hp  # noqa: F401 - the shared fixture


@pytest.fixture
def api(hp):  # noqa: F811
    from tests.support.web import add_user

    add_user(hp, "surgut-officer", "department", "surgut")
    add_user(hp, "cairo-officer", "department", "cairo")
    client = make_web_app(hp).test_client()

    def post(url, body, user="surgut-officer"):
        return client.post(url, json=body, headers={"Authorization": f"Bearer {api_token(hp, user)}"})
    return post


def _incident_of(hp, doc_id):  # noqa: F811
    with hp.session() as s:
        m = s.get(IncidentDocumentRow, doc_id)
        return m.incident_id if m else None


def test_split_moves_a_document_out_and_merge_joins_two_incidents(hp, api):  # noqa: F811
    hp.pipeline.ingest_many([_doc("a", _vector(1, 0.0, base=7)), _doc("b", _vector(2, 0.2, base=7), hours=1),
                             _doc("c", _vector(50), hours=2)])
    first, lone = _incident_of(hp, "a"), _incident_of(hp, "c")
    assert _incident_of(hp, "b") == first and lone != first

    r = api(f"/api/v1/incidents/{first}/split", {"document_id": "b", "note": "another pharmacy"})
    assert r.status_code == 200, r.get_json()
    assert _incident_of(hp, "b") not in (first, None) and _incident_of(hp, "a") == first

    r = api(f"/api/v1/incidents/{first}/merge", {"incident_id": lone})
    assert r.status_code == 200 and sorted(r.get_json()["incident"]["document_ids"]) == ["a", "c"]
    with hp.session() as s:
        assert s.get(IncidentRow, lone).status == "merged"
        decisions = [(d.action, d.actor, d.document_id) for d in s.scalars(select(IncidentDecisionRow)
                                                                           .order_by(IncidentDecisionRow.id))]
    assert decisions == [("split", "surgut-officer", "b"), ("merge", "surgut-officer", None)]


def test_after_a_split_each_incident_has_its_own_documents_topics_and_name(hp, api):  # noqa: F811
    """A browser review: after a split the incident kept the topic only the moved report had, and the new
    incident carried the old one's name."""
    hp.pipeline.ingest_many([_doc("opener", _vector(1, 0.0, base=7), topic="waiting_times"),
                             _doc("other-topic", _vector(2, 0.2, base=7), topic="drug_supply", hours=1),
                             _doc("same", _vector(3, 0.2, base=7), hours=2)])
    first = _incident_of(hp, "opener")
    assert {_incident_of(hp, "other-topic"), _incident_of(hp, "same")} == {first}
    with hp.session() as s:
        before = s.get(IncidentRow, first)
        assert set(before.topics) == {"waiting_times", "drug_supply"} and before.title == "Incident opener"
    # the opener (which names the incident) leaves: the rest keep their topics and take the next report's name
    r = api(f"/api/v1/incidents/{first}/split", {"document_id": "opener"})
    assert r.status_code == 200, r.get_json()
    with hp.session() as s:
        old, new = s.get(IncidentRow, first), s.get(IncidentRow, _incident_of(hp, "opener"))
        assert (new.title, new.topics) == ("Incident opener", ["waiting_times"])
        assert (old.title, old.topics) == ("Incident other-topic", ["drug_supply"])


def test_decisions_are_scoped_and_bad_input_is_named(hp, api):  # noqa: F811
    hp.pipeline.ingest_many([_doc("a", _vector(1, 0.0, base=7)), _doc("b", _vector(2, 0.2, base=7), hours=1)])
    inc = _incident_of(hp, "a")
    assert api(f"/api/v1/incidents/{inc}/split", {"document_id": "b"}, user="cairo-officer").status_code == 404
    r = api(f"/api/v1/incidents/{inc}/split", {})
    assert r.status_code == 422 and r.get_json()["field"] == "document_id"
    assert api(f"/api/v1/incidents/{inc}/merge", {"incident_id": "x"}).status_code == 422
    assert api(f"/api/v1/incidents/{inc}/split", {"document_id": "nope"}).status_code == 409
    assert _incident_of(hp, "b") == inc  # nothing changed


def test_tune_rechooses_the_threshold_from_decisions(hp, monkeypatch, capsys, tmp_path):  # noqa: F811
    assert tune_threshold([], 0.96) == 0.96
    # Staff split two links the machine scored 0.97 and 0.98, and merged a pair it scored 0.90.
    assert 0.98 < tune_threshold([("split", 0.97), ("split", 0.98), ("merge", 0.99)], 0.96) <= 0.99
    assert tune_threshold([("merge", 0.90)], 0.96) == 0.90
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", database_url(tmp_path / "hp.db"))
    monkeypatch.setenv("HEALTHPULSE_DATA_DIR", str(tmp_path / "data"))
    assert main(["incidents", "tune", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["decisions"] == 0 and out["threshold"] == out["current_threshold"] == 0.88
