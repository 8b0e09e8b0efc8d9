"""The original video: only the assigned department and admins, with Range support for the player."""

from __future__ import annotations

import pytest
from healthpulse.video_intake.submission import submit_upload
from healthpulse.video_intake.uploads import UploadService

from tests.support.containers import make_container


@pytest.fixture(scope="module")
def appeal_app(tmp_path_factory, speech_video):
    from healthpulse.core.clock import FakeClock
    from healthpulse.web.app import create_app
    from healthpulse.web.services.users import create_user

    container = make_container(tmp_path_factory.mktemp("access"), clock=FakeClock())
    departments = [d.id for d in container.departments.departments]
    mine, other = departments[0], departments[1]
    video = speech_video("en", "mp4")
    service = UploadService(container)
    state = service.create(length=video.stat().st_size, client_ip="10.0.0.5",
                           metadata={"consent": "yes", "region": mine, "filename": "a.mp4"})
    with video.open("rb") as fh:
        service.append(state.id, offset=0, stream=fh, content_length=video.stat().st_size)
    appeal_id = submit_upload(container, state.id).appeal_id
    users = {}
    with container.session() as s:
        for name, role, dep in [("officer", "department", mine), ("stranger", "department", other),
                                ("press", "press", None), ("admin", "admin", None)]:
            user = create_user(s, name, "correct horse battery", role, dep)
            s.flush()
            users[name] = (user.id, user.password_hash[-16:])
    app = create_app(container=container)
    yield app, appeal_id, users, video.read_bytes()
    container.close()


def _client(app, users, who):
    client = app.test_client()
    if who:
        with client.session_transaction() as sess:
            sess["user_id"], sess["auth_epoch"] = users[who]
    return client


@pytest.mark.parametrize(("who", "expected"), [(None, 401), ("stranger", 403), ("press", 403), ("officer", 200),
                                               ("admin", 200)])
def test_who_may_watch(appeal_app, who, expected):
    app, appeal_id, users, data = appeal_app
    resp = _client(app, users, who).get(f"/video/appeals/{appeal_id}/original")
    assert resp.status_code == expected
    if expected == 200:
        assert resp.data == data and resp.headers["Cache-Control"].startswith("private")


def test_range_requests_for_seeking(appeal_app):
    app, appeal_id, users, data = appeal_app
    resp = _client(app, users, "officer").get(f"/video/appeals/{appeal_id}/original", headers={"Range": "bytes=100-199"})
    assert resp.status_code == 206
    assert resp.data == data[100:200]
    assert resp.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert resp.headers["Accept-Ranges"] == "bytes"
