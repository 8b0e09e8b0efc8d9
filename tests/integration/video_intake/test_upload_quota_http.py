"""Upload reservations over real HTTP: an address over its bound gets 429, a full instance 413, each with a
reason in the citizen's language; abandoned uploads expire and count no more (issue 16, risks)."""

from __future__ import annotations

import base64
import http.client
import json
from datetime import timedelta
from urllib.parse import urlsplit

CONSENT = "consent " + base64.b64encode(b"yes").decode()
MB = 1024 * 1024


def _create(url: str, mb: float, source: str = "127.0.0.1", lang: str = "en") -> tuple[int, dict]:
    """A tus creation request sent from the loopback address ``source`` (each is a different client)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30, source_address=(source, 0))
    try:
        conn.request("POST", "/video/uploads", headers={
            "Tus-Resumable": "1.0.0", "Upload-Length": str(int(mb * MB)), "Upload-Metadata": CONSENT,
            "Accept-Language": lang})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, json.loads(body) if body else {}
    finally:
        conn.close()


def test_reservations_are_bounded_per_address_and_instance(tmp_path, clock):
    from tests.support.containers import make_container
    from tests.support.servers import serve_app

    container = make_container(tmp_path, clock=clock, max_upload_mb=2, upload_open_mb_per_address=3,
                               upload_open_mb_total=4)
    with serve_app(container) as url:
        assert _create(url, 2)[0] == 201
        status, body = _create(url, 1.5)
        assert status == 429 and body["error"] == "quota_address" and "2 MB" in body["reason"]
        status, body = _create(url, 1.5, lang="ru")
        assert status == 429 and "2 МБ" in body["reason"]
        assert _create(url, 1)[0] == 201  # 3 MB held: just within the address's bound
        status, body = _create(url, 1.5, source="127.0.0.2")  # another address, but 4.5 MB in all
        assert status == 413 and body["error"] == "quota_total" and "try again later" in body["reason"]
        assert _create(url, 1, source="127.0.0.2")[0] == 201  # 4 MB in all still fits
        clock.advance(timedelta(hours=25))  # every upload was abandoned: they expire and count no more
        assert _create(url, 2)[0] == 201 and _create(url, 2, source="127.0.0.2")[0] == 201
    container.close()
