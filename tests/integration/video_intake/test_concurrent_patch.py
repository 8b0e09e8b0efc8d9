"""Two PATCHes at the same offset (a client retrying after a timeout) against a real threaded server:
exactly one is stored, the other answers 409, and the file holds exactly what was sent (issue 16.1)."""

from __future__ import annotations

import base64
import threading

import pytest
import requests

TUS = {"Tus-Resumable": "1.0.0"}
CHUNK = 48 * 1024
TRIALS = 30


def _create(base: str, length: int) -> str:
    meta = "consent " + base64.b64encode(b"yes").decode()
    created = requests.post(f"{base}/video/uploads", headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": meta})
    assert created.status_code == 201, created.text
    return base + created.headers["Location"]


def _patch(url: str, offset: int, data: bytes) -> requests.Response:
    return requests.patch(url, data=data, headers={
        **TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"}, timeout=60)


def _race(url: str, offset: int, data: bytes) -> list[int]:
    """Send the same chunk twice at once; returns both status codes, sorted."""
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def send() -> None:
        barrier.wait()
        codes.append(_patch(url, offset, data).status_code)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    return sorted(codes)


@pytest.fixture
def base(tmp_path, clock):
    from tests.support.containers import make_container
    from tests.support.servers import serve_app

    container = make_container(tmp_path, clock=clock, upload_rate_per_hour=10 * TRIALS)
    with serve_app(container) as url:
        yield container, url
    container.close()


def test_concurrent_patches_at_one_offset_store_one_and_conflict_the_other(base):
    container, url = base
    from healthpulse.video_intake.storage import VideoStorage

    storage = VideoStorage.from_settings(container.settings)
    for trial in range(TRIALS):
        first, second = bytes([trial % 251]) * CHUNK, bytes([(trial + 7) % 251]) * (CHUNK // 2 + trial)
        location = _create(url, len(first) + len(second))
        assert _race(location, 0, first) == [204, 409], f"trial {trial}"
        head = requests.head(location, headers=TUS)
        assert int(head.headers["Upload-Offset"]) == len(first), f"trial {trial}"
        assert _race(location, len(first), second) == [204, 409], f"trial {trial}"
        stored = storage.upload_path(location.rsplit("/", 1)[1]).read_bytes()
        assert stored == first + second, f"trial {trial}: {len(stored)} bytes stored"
