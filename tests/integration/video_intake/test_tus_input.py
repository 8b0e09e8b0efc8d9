"""Malformed tus headers and video paths over real HTTP, on SQLite and PostgreSQL: a 4xx naming what was wrong,
never a 500 (issue 16.7: ``Upload-Length: ²`` passed ``str.isdigit()`` and crashed ``int()``)."""

from __future__ import annotations

import base64
import socket
from urllib.parse import quote, urlsplit

import pytest
import requests

TUS = {"Tus-Resumable": "1.0.0"}
OCTETS = {"Content-Type": "application/offset+octet-stream"}
# Not a plain ASCII decimal: Unicode digits, signs, spaces, other bases, exponents, too many digits.
BAD_NUMBERS = ["²", "¹²", "-1", "+5", "1_000", "0x10", "1e3", "12.0", "5 ", "9" * 25, ""]


def _b64(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


CONSENT = "consent " + _b64("yes")
NUL_NAME = _b64("a\x00b.mp4")
ESC_LANGUAGE = _b64("e\x1bn")


@pytest.fixture(params=["sqlite", "postgres"])
def server(request, tmp_path, clock):
    from tests.support.containers import make_container, postgres_container
    from tests.support.servers import serve_app

    if request.param == "sqlite":
        container = make_container(tmp_path, clock=clock, upload_rate_per_hour=1000)
        with serve_app(container) as url:
            yield container, url
        container.close()
    else:
        with postgres_container(tmp_path, clock, "tus_input", upload_rate_per_hour=1000) as container, \
                serve_app(container) as url:
            yield container, url


def _create(url, length="100", metadata=CONSENT):
    return requests.post(f"{url}/video/uploads", headers={**TUS, "Upload-Length": length, "Upload-Metadata": metadata})


def _refused(resp, status, *named):
    assert resp.status_code == status, (resp.status_code, resp.text)
    body = resp.json()
    for name in named:
        assert name in body["reason"], body


def test_bad_upload_length_is_400_naming_the_header(server):
    _, url = server
    for value in BAD_NUMBERS:
        _refused(_create(url, value), 400, "Upload-Length")
    _refused(_create(url, str(10**14)), 413)  # a well-formed number over the size limit: too large, not malformed
    assert _create(url, "100").status_code == 201


def test_bad_upload_offset_and_content_length_are_400_naming_the_header(server):
    _, url = server
    location = url + _create(url).headers["Location"]
    for value in BAD_NUMBERS:
        _refused(requests.patch(location, data=b"x", headers={**TUS, **OCTETS, "Upload-Offset": value}), 400,
                 "Upload-Offset")
    parts = urlsplit(location)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall((f"PATCH {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nTus-Resumable: 1.0.0\r\n"
                      "Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                      "Content-Length: ²\r\nConnection: close\r\n\r\nx").encode("latin-1"))
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400") and b"Content-Length" in answer, answer[:300]
    assert int(requests.head(location, headers=TUS).headers["Upload-Offset"]) == 0  # nothing was stored


def test_bad_checksum_and_metadata_are_400_naming_them(server):
    _, url = server
    location = url + _create(url).headers["Location"]
    for value in ["sha1 ²²", "sha1", "sha1 " + _b64("short"), "crc32 AAAA", "²"]:
        _refused(requests.patch(location, data=b"x", headers={**TUS, **OCTETS, "Upload-Offset": "0",
                                                              "Upload-Checksum": value}), 400, "Upload-Checksum")
    bad_metadata = {
        "filename": f"filename {NUL_NAME},{CONSENT}",       # a NUL byte PostgreSQL cannot store
        "language": f"language {ESC_LANGUAGE},{CONSENT}",            # a control character
        "cönsent": "cönsent " + _b64("yes"),                           # keys are ASCII
        "consent": f"{CONSENT},{CONSENT}",                             # keys are unique
        "Upload-Metadata": f"{CONSENT},filename {_b64('x' * 4000)}",   # bounded
        "region": f"region {_b64('²')},{CONSENT}",
    }
    for named, metadata in bad_metadata.items():
        _refused(_create(url, metadata=metadata), 400, named)


@pytest.mark.parametrize("path", [
    "/video/uploads/%00", "/video/uploads/" + "a" * 300, "/video/uploads/%C2%B2",
])
def test_bad_upload_ids_are_404(server, path):
    _, url = server
    for method in ("HEAD", "PATCH", "DELETE"):
        resp = requests.request(method, url + path, data=b"x", headers={**TUS, **OCTETS, "Upload-Offset": "0"})
        assert resp.status_code == 404, (method, resp.status_code)


def test_bad_codes_and_ids_on_the_video_pages_are_404(server):
    from tests.support.web import PASSWORD, add_user, csrf_from

    container, url = server
    browser = requests.Session()
    page = browser.get(f"{url}/video/appeal")
    token = page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    assert browser.post(f"{url}/video/uploads/%00/submit", headers={"X-CSRFToken": token}).status_code == 404
    assert browser.post(f"{url}/video/uploads/{'b' * 40}/submit", headers={"X-CSRFToken": token}).status_code == 404
    for code in ("\x00", "HP-\x00", "x" * 500, "²", "HP-ABCD-EFG\x00"):
        quoted = quote(code)
        assert requests.get(f"{url}/video/status/{quoted}").status_code == 404, code
        assert requests.get(f"{url}/video/api/status/{quoted}").status_code == 404, code
        assert requests.get(f"{url}/video/status", params={"code": code}).status_code == 404, code
    add_user(container, "admin", "admin")
    form = browser.get(f"{url}/auth/login")
    browser.post(f"{url}/auth/login", data={"username": "admin", "password": PASSWORD,
                                           "csrf_token": csrf_from(form.text)})
    assert browser.get(f"{url}/video/appeals/{'c' * 32}/original").status_code == 404  # logged in: no such appeal
    for appeal_id in ("%00", "%C2%B2", "d" * 300):
        assert browser.get(f"{url}/video/appeals/{appeal_id}/original").status_code == 404, appeal_id
        assert browser.get(f"{url}/video/appeals/{appeal_id}/poster").status_code == 404, appeal_id
