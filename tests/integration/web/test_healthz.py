"""`GET /healthz`: 200 when the process can take work, 503 naming what is down (never where it is)."""

from __future__ import annotations

import json

from healthpulse.core.models.documents import JobRow
from sqlalchemy import select

from tests.support.web import make_web_app, make_web_container


def test_embedded_instance_is_healthy(tmp_path):
    c = make_web_container(tmp_path)
    try:
        r = make_web_app(c).test_client().get("/healthz")
        assert r.status_code == 200
        assert r.get_json() == {"status": "ok", "checks": {"database": "ok"}}
        assert r.headers["Cache-Control"] == "no-store"
    finally:
        c.close()


def test_a_broker_that_is_down_fails_the_check_and_appeals_are_still_taken(tmp_path):
    # Distributed mode with Redis down (port 9: nobody listens).
    c = make_web_container(tmp_path, broker_url="redis://127.0.0.1:9/0")
    try:
        client = make_web_app(c, WTF_CSRF_ENABLED=False).test_client()
        r = client.get("/healthz")
        assert r.status_code == 503
        body = r.get_json()
        assert body["status"] == "failing" and body["checks"]["database"] == "ok"
        assert body["checks"]["broker"].startswith("down: ")
        assert "127.0.0.1" not in r.get_data(as_text=True)  # what is down, never where
        # The web still takes appeals: the citizen gets a code; the analysis job waits in the database.
        r = client.post("/api/v1/appeals", content_type="application/json", data=json.dumps({
            "text": "Нет инсулина в аптеке поликлиники Сургута", "topic": "drug_supply", "department": "surgut",
            "language": "ru", "consent": True, "contact_name": "Анна"}))
        assert r.status_code == 201 and r.get_json()["tracking_code"]
        with c.session() as s:
            assert s.scalar(select(JobRow.state).where(JobRow.kind == "appeals.analyse")) == "queued"
    finally:
        c.close()
