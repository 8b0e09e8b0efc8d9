"""A confirmed place alias routes the next document naming that place, through the real NLP analyzer."""

import pytest
from healthpulse.core.domain import Document
from healthpulse.web.services import corrections as corr_svc
from healthpulse.web.services.users import Principal

from tests.support.containers import make_container

pytestmark = pytest.mark.slow

ADMIN = Principal(1, "admin", "admin", None)
FIRST = "A patient died in the Lyantor hospital after waiting three hours for an ambulance; relatives complained."
NEXT = "In Lyantor the only pharmacy has had no insulin for two weeks and diabetic patients are sent away."


def test_confirmed_alias_routes_the_next_document(tmp_path, clock):
    c = make_container(tmp_path / "a", clock=clock, index=None, analyzer="auto")
    try:
        (first,) = c.pipeline.ingest_many([Document(id="lyantor-1", text=FIRST)])
        assert first.analysis is not None and first.analysis.department != "surgut"
        corr_svc.correct(c, ADMIN, "lyantor-1", {"department": "surgut", "note": "Lyantor is in Surgut district"})
        with c.session() as s:
            from healthpulse.ingest.place_aliases import candidates

            (cand,) = candidates(s)
        assert cand["department"] == "surgut" and cand["document_id"] == "lyantor-1"
        corr_svc.confirm_alias(c, ADMIN, "surgut", "Lyantor", document_id="lyantor-1")
        (nxt,) = c.pipeline.ingest_many([Document(id="lyantor-2", text=NEXT)])
        assert nxt.analysis is not None and nxt.analysis.department == "surgut"
        assert "Lyantor" in nxt.analysis.places
    finally:
        c.close()
    # a new process (worker, CLI) builds its analyzer with the alias from the start
    fresh = make_container(tmp_path / "a", clock=clock, index=None, analyzer="auto")
    try:
        assert "Lyantor" in fresh.analysis_departments().get("surgut").places
    finally:
        fresh.close()
