"""A video appeal end to end over real HTTP: tus upload cut off halfway and resumed, submit with CSRF,
the transcription job (with a crash and a retry), statuses, the Document, the ticket, and who may watch."""

from __future__ import annotations

import base64
import hashlib
import re
import socket
import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.uploads import VideoMediaRow, VideoUploadRow
from healthpulse.video_intake import jobs as video_jobs
from werkzeug.serving import make_server

from tests.support.containers import make_container

pytestmark = pytest.mark.slow
TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture
def served(tmp_path, clock):
    from healthpulse.web.app import create_app

    container = make_container(tmp_path, clock=clock)
    app = create_app(container=container)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield container, app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    container.close()


def _meta(**values):
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def _send_half_and_drop(base, location, data, half):
    """A PATCH announcing the whole body whose connection dies after ``half`` bytes."""
    url = urlsplit(base + location)
    with socket.create_connection((url.hostname, url.port)) as sock:
        head = (f"PATCH {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(data)}\r\n\r\n")
        sock.sendall(head.encode() + data[:half])
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(30)
        try:
            while sock.recv(4096):
                pass
        except OSError:
            pass


def _csrf_session(base):
    browser = requests.Session()
    page = browser.get(f"{base}/video/appeal")
    assert page.status_code == 200
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    browser.headers["X-CSRFToken"] = token
    return browser


def test_interrupted_upload_resumed_submitted_transcribed(served, speech_video, monkeypatch, clock):
    container, app, base = served
    video = speech_video("en", "webm")
    data = video.read_bytes()
    region = container.departments.departments[0].id

    caps = requests.options(f"{base}/video/uploads")
    assert caps.headers["Tus-Version"] == "1.0.0"
    assert set(caps.headers["Tus-Extension"].split(",")) >= {"creation", "termination", "checksum"}

    created = requests.post(f"{base}/video/uploads", headers={
        **TUS, "Upload-Length": str(len(data)),
        "Upload-Metadata": _meta(filename="appeal.webm", filetype="video/webm", consent="yes", language="en",
                                 region=region, contact="+7 912 345-67-89"),
    })
    assert created.status_code == 201, created.text
    location = created.headers["Location"]

    half = len(data) // 2
    _send_half_and_drop(base, location, data, half)
    offset = int(requests.head(base + location, headers=TUS).headers["Upload-Offset"])
    assert 0 < offset <= half

    # A submit before the upload is complete is refused; nothing is created.
    browser = _csrf_session(base)
    assert browser.post(f"{base}{location}/submit").status_code == 409

    rest = data[offset:]
    bad = requests.patch(base + location, data=rest, headers={
        **TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream",
        "Upload-Checksum": "sha1 " + base64.b64encode(hashlib.sha1(b"wrong").digest()).decode()})
    assert bad.status_code == 460
    done = requests.patch(base + location, data=rest, headers={
        **TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream",
        "Upload-Checksum": "sha1 " + base64.b64encode(hashlib.sha1(rest).digest()).decode()})
    assert done.status_code == 204 and int(done.headers["Upload-Offset"]) == len(data)

    upload_id = location.rsplit("/", 1)[1]
    with container.session() as s:
        assert s.get(VideoUploadRow, upload_id).sha256 == hashlib.sha256(data).hexdigest()

    # CSRF: the submit endpoint refuses a post without the token.
    assert requests.post(f"{base}{location}/submit").status_code == 400
    receipt = browser.post(f"{base}{location}/submit")
    assert receipt.status_code == 200, receipt.text
    code = receipt.json()["tracking_code"]
    assert re.fullmatch(r"HP-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert browser.post(f"{base}{location}/submit").json()["tracking_code"] == code  # idempotent

    with container.session() as s:
        appeal = s.scalar(__import__("sqlalchemy").select(AppealRow).where(AppealRow.tracking_code == code))
        media = s.get(VideoMediaRow, appeal.id)
        assert appeal.status == "received" and appeal.contact_phone == "+7 912 345-67-89"
        assert appeal.department_id == region and appeal.language == "en"
        assert hashlib.sha256(open(media.original_path, "rb").read()).hexdigest() == hashlib.sha256(data).hexdigest()
        assert s.get(VideoUploadRow, upload_id).contact_phone is None  # contacts live on the appeal only
        appeal_id = appeal.id

    # The worker crashes mid-job once (after validation, while extracting audio): the queue retries.
    real_extract = video_jobs.extract_audio
    calls = {"n": 0}

    def crash_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("worker killed")
        return real_extract(*args, **kwargs)

    monkeypatch.setattr(video_jobs, "extract_audio", crash_once)
    container.worker.run_until_idle()
    assert requests.get(f"{base}/video/api/status/{code}").json()["status"] == "transcribing"
    clock.advance(timedelta(minutes=5))
    container.worker.run_until_idle()

    status = requests.get(f"{base}/video/api/status/{code}").json()
    assert status["status"] == "ticket_opened", status
    steps = [h["status"] for h in status["history"]]
    assert steps[0] == "received" and steps[-1] == "ticket_opened"
    assert {"validating", "transcribing", "analysed"} <= set(steps)
    assert "contact" not in str(status) and "912" not in str(status)
    page = requests.get(f"{base}/video/status/{code}")
    assert page.status_code == 200 and code in page.text

    with container.session() as s:
        appeal = s.get(AppealRow, appeal_id)
        doc = s.get(DocumentRow, appeal.document_id)
        assert doc.channel == "video_appeal" and "insulin" in doc.text.lower()
        assert doc.media["segments"] and doc.media["poster_path"].endswith("poster.jpg")
        assert s.query(DocumentRow).count() == 1  # the retry did not duplicate the document


def test_bad_upload_refused_with_reason_and_nothing_kept(served, tmp_path):
    container, app, base = served
    junk = b"PK\x03\x04" + b"\x00" * 4000
    created = requests.post(f"{base}/video/uploads", headers={
        **TUS, "Upload-Length": str(len(junk)), "Upload-Metadata": _meta(filename="appeal.mp4", consent="yes")})
    location = created.headers["Location"]
    requests.patch(base + location, data=junk, headers={
        **TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
    refused = _csrf_session(base).post(f"{base}{location}/submit")
    assert refused.status_code == 422
    assert refused.json()["error"] == "archive" and "ZIP" in refused.json()["reason"]
    with container.session() as s:
        assert s.query(AppealRow).count() == 0
    assert not any(p.is_file() for p in (container.settings.data_dir / "video").rglob("*") if p.suffix != ".lock")

    no_consent = requests.post(f"{base}/video/uploads", headers={
        **TUS, "Upload-Length": "100", "Upload-Metadata": _meta(filename="a.mp4")})
    assert no_consent.status_code == 400 and no_consent.json()["error"] == "consent_required"
    too_big = requests.post(f"{base}/video/uploads", headers={
        **TUS, "Upload-Length": str(10**12), "Upload-Metadata": _meta(consent="yes")})
    assert too_big.status_code == 413
    assert requests.post(f"{base}/video/uploads", headers={"Upload-Length": "10"}).status_code == 412


def test_rate_limit_per_ip(tmp_path, clock):
    from healthpulse.web.app import create_app

    container = make_container(tmp_path, clock=clock, upload_rate_per_hour=2)
    client = create_app(container=container).test_client()
    headers = {**TUS, "Upload-Length": "100", "Upload-Metadata": _meta(consent="yes")}
    assert [client.post("/video/uploads", headers=headers).status_code for _ in range(3)] == [201, 201, 429]
    other = client.post("/video/uploads", headers=headers, environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert other.status_code == 201
    container.close()


def _submit_file(container, path, **meta):
    from healthpulse.video_intake.submission import submit_upload
    from healthpulse.video_intake.uploads import UploadService

    service = UploadService(container)
    size = path.stat().st_size
    state = service.create(length=size, client_ip="10.0.0.7", metadata={"consent": "yes", **meta})
    with path.open("rb") as fh:
        service.append(state.id, offset=0, stream=fh, content_length=size)
    return submit_upload(container, state.id)


def test_silent_appeal_still_reaches_the_department(tmp_path, clock, media_dir):
    from tests.support.synth import make_video

    container = make_container(tmp_path, clock=clock)
    region = container.departments.departments[0].id
    submitted = _submit_file(container, make_video(media_dir, seconds=4, silent_audio=True), region=region)
    container.worker.run_until_idle()
    with container.session() as s:
        appeal = s.get(AppealRow, submitted.appeal_id)
        doc = s.get(DocumentRow, appeal.document_id)
        assert appeal.status == "ticket_opened"
        assert doc.text == "" and doc.media["segments"] == []
        assert "no speech in the video" in doc.analysis["warnings"]
    container.close()


def test_transcript_contacts_only_for_the_assigned_department(tmp_path, clock, speech_video):
    from types import SimpleNamespace as NS

    from healthpulse.video_intake.department import video_appeal_view

    container = make_container(tmp_path, clock=clock)
    region = container.departments.departments[0].id
    submitted = _submit_file(container, speech_video("en"), region=region)
    said = "Call me back on +7 912 345-67-89 or anna@example.org."
    with container.session() as s:
        s.get(VideoMediaRow, submitted.appeal_id).segments = [{"start": 0.0, "end": 2.0, "text": said}]
    officer = NS(role="department", department_id=region)
    assert video_appeal_view(container, submitted.appeal_id, officer)["transcript"] == said
    assert video_appeal_view(container, submitted.appeal_id, officer)["video_url"].endswith("/original")
    for viewer in (NS(role="admin", department_id=None), NS(role="press", department_id=None), None):
        view = video_appeal_view(container, submitted.appeal_id, viewer)
        assert "912" not in view["transcript"] and "anna@" not in view["transcript"]
        assert view["contacts_visible"] is False
    assert video_appeal_view(container, submitted.appeal_id, NS(role="press", department_id=None))["video_url"] is None
    container.close()


def test_appeal_reaches_the_department_when_transcription_gives_up(tmp_path, clock, speech_video):
    """A broken model folder: every retry fails, then the dead-letter handler routes the appeal without text."""
    broken = tmp_path / "not-a-model"
    broken.mkdir()
    (broken / "model.bin").write_bytes(b"garbage")
    video_jobs._transcriber.cache_clear()
    container = make_container(tmp_path, clock=clock, whisper_model=str(broken))
    region = container.departments.departments[0].id
    submitted = _submit_file(container, speech_video("en"), region=region)
    for _ in range(8):
        container.worker.run_until_idle()
        clock.advance(timedelta(minutes=30))
    with container.session() as s:
        appeal = s.get(AppealRow, submitted.appeal_id)
        doc = s.get(DocumentRow, appeal.document_id)
        assert appeal.status == "ticket_opened"
        assert "automatic transcription failed" in [h["note"] for h in appeal.status_history]
        assert doc.media["path"] and "automatic transcription failed; watch the video" in doc.analysis["warnings"]
    assert container.jobs.counts().get("dead") == 1
    video_jobs._transcriber.cache_clear()
    container.close()
