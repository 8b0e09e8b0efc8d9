"""The tus and video endpoints are in the served OpenAPI document, and requests generated from it never get
a 5xx (issue 16: the upload API was undocumented; generated headers like ``Upload-Length: ²`` crashed it)."""

from __future__ import annotations

import pytest

TUS_OPERATIONS = {
    ("POST", "/video/uploads"), ("OPTIONS", "/video/uploads"),
    ("HEAD", "/video/uploads/{upload_id}"), ("PATCH", "/video/uploads/{upload_id}"),
    ("DELETE", "/video/uploads/{upload_id}"), ("POST", "/video/uploads/{upload_id}/submit"),
    ("GET", "/video/api/status/{code}"),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from healthpulse.core.clock import FakeClock
    from healthpulse.web.app import create_app

    from tests.support.containers import make_container

    container = make_container(tmp_path_factory.mktemp("tus-openapi"), clock=FakeClock(), upload_rate_per_hour=10**6,
                               max_upload_mb=1)
    yield create_app(container=container)
    container.close()


def _documented(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    return doc, {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}


def test_document_lists_the_tus_and_video_endpoints(app):
    doc, operations = _documented(app)
    assert TUS_OPERATIONS <= operations
    routes = {r.rule.replace("<", "{").replace(">", "}") for r in app.url_map.iter_rules()
              if r.endpoint in ("video.tus_collection", "video.tus_resource", "video.tus_submit", "video.status_json")}
    assert routes == {path for _, path in TUS_OPERATIONS}  # every documented path is a real route and vice versa
    create = doc["paths"]["/video/uploads"]["post"]
    headers = {p["name"]: p for p in create["parameters"] if p["in"] == "header"}
    assert headers["Tus-Resumable"]["required"] and headers["Upload-Length"]["required"]
    assert {"201", "400", "412", "413", "429"} <= set(create["responses"])
    patch = doc["paths"]["/video/uploads/{upload_id}"]["patch"]
    assert "application/offset+octet-stream" in patch["requestBody"]["content"]
    assert {"204", "400", "404", "409", "460"} <= set(patch["responses"])


@pytest.mark.parametrize(("method", "path"), sorted(TUS_OPERATIONS))
def test_generated_requests_never_get_a_server_error(app, method, path):
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=4096))  # tus chunks
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    op = next(r.ok() for r in schema.get_all_operations() if r.ok().method.upper() == method and r.ok().path == path)

    @given(case=op.as_strategy())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        response = case.call()
        assert response.status_code < 500, f"{method} {case.formatted_path} {case.headers}: {response.status_code}"

    run()
