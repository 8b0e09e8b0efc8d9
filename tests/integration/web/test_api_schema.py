"""schemathesis against the served OpenAPI document: no generated request may cause a 5xx."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.support.web import add_user, api_token, make_web_app, submit_appeal


@pytest.fixture(scope="module")
def api_world(tmp_path_factory):
    from healthpulse.core.clock import FakeClock

    from tests.support.containers import make_container

    c = make_container(tmp_path_factory.mktemp("api"), clock=FakeClock())
    add_user(c, "admin", "admin")
    add_user(c, "cairo-officer", "department", "cairo")
    submit_appeal(c, "cairo")
    app = make_web_app(c)
    yield {"app": app, "admin": api_token(c, "admin"), "dept": api_token(c, "cairo-officer"), "container": c}
    c.close()


def _operations():
    """(method, path) of every documented /api/v1 operation (read from the document, no server needed); the
    video upload endpoints are fuzzed in tests/integration/video_intake/test_tus_openapi.py."""
    from healthpulse.web.openapi import openapi_document

    return [(m.upper(), p) for p, ops in openapi_document()["paths"].items() if p.startswith("/api/v1/") for m in ops]


@pytest.mark.parametrize("method,path", _operations())
def test_no_server_errors(api_world, method, path):
    """Generated requests for each operation, with an admin token, a department token and none."""
    from hypothesis import given

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_world["app"])
    op = next(r.ok() for r in schema.get_all_operations() if r.ok().method.upper() == method and r.ok().path == path)

    @given(case=op.as_strategy())
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        for token in (api_world["admin"], api_world["dept"], None):
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = case.call(headers=headers)
            assert response.status_code < 500, f"{method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
            ctype = {k.lower(): v for k, v in response.headers.items()}.get("content-type")
            ctype = ctype[0] if isinstance(ctype, list) else ctype
            assert ctype and ctype.startswith("application/json"), ctype

    run()


def test_openapi_document_is_valid_and_lists_every_api_route(api_world):
    app = api_world["app"]
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = {p.replace("{", "<").replace("}", ">") for p in doc["paths"] if p.startswith("/api/v1/")}
    routes = {r.rule.replace("<int:", "<").replace("<string:", "<") for r in app.url_map.iter_rules()
              if r.rule.startswith("/api/v1/") and r.endpoint not in ("api.openapi", "api.docs")}
    assert routes == documented


def test_appeal_api_roundtrip_and_errors(api_world):
    from healthpulse.core.models.ratelimits import RateLimitHit
    from sqlalchemy import delete

    with api_world["container"].session() as s:  # the fuzzing above used up the budget (counted in the database)
        s.execute(delete(RateLimitHit))
    client = api_world["app"].test_client()
    r = client.post("/api/v1/appeals", json={"text": "Нет инсулина в аптеке поликлиники Сургута", "topic": "drug_supply",
                                             "department": "surgut", "language": "ru", "consent": True})
    assert r.status_code == 201
    code = r.get_json()["tracking_code"]
    status = client.get(f"/api/v1/appeals/{code}").get_json()
    assert status["tracking_code"] == code and status["department"] == "surgut"
    assert client.get("/api/v1/appeals/HP-ZZZZ-ZZZZ").status_code == 404
    bad = client.post("/api/v1/appeals", json={"text": "short", "topic": "drug_supply", "department": "surgut",
                                               "language": "ru", "consent": True})
    assert bad.status_code == 422 and bad.get_json()["field"] == "description"
    assert client.post("/api/v1/appeals", data="x", content_type="text/plain").status_code == 415
    assert client.get("/api/v1/nope").get_json()["error"] == "not_found"
