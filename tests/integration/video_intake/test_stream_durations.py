"""Issue 15.4 over real HTTP: a video whose audio ends before its picture becomes an appeal; a really
truncated file is still refused with its reason (tus upload → submit on a real server, real ffmpeg files)."""

from __future__ import annotations

import base64
import re
import subprocess

import pytest
import requests

TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture
def url(tmp_path, clock):
    from tests.support.containers import make_container
    from tests.support.servers import serve_app

    container = make_container(tmp_path, clock=clock)
    with serve_app(container) as base:
        yield base
    container.close()


def _short_audio_mp4(tmp_path, media_dir, seconds):
    from tests.support.synth import speech_wav

    target = tmp_path / f"phone-{seconds}.mp4"
    voice = speech_wav("Hello. The hospital has no insulin.", "en", media_dir)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc=size=320x240:rate=15:duration={seconds}",
                    "-i", str(voice), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
                    "-movflags", "+faststart", str(target)], check=True, capture_output=True)
    return target.read_bytes()


def _upload_and_submit(base, data):
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in
                    {"consent": "yes", "filename": "phone.mp4", "language": "en"}.items())
    created = requests.post(f"{base}/video/uploads", headers={**TUS, "Upload-Length": str(len(data)),
                                                              "Upload-Metadata": meta})
    location = base + created.headers["Location"]
    done = requests.patch(location, data=data, headers={**TUS, "Upload-Offset": "0",
                                                        "Content-Type": "application/offset+octet-stream"})
    assert done.status_code == 204, done.text
    browser = requests.Session()
    page = browser.get(f"{base}/video/appeal")
    browser.headers["X-CSRFToken"] = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    return browser.post(f"{location}/submit")


def test_audio_shorter_than_the_picture_becomes_an_appeal(url, tmp_path, media_dir):
    receipt = _upload_and_submit(url, _short_audio_mp4(tmp_path, media_dir, seconds=9))
    assert receipt.status_code == 200, receipt.text
    assert re.fullmatch(r"HP-[A-Z0-9]{4}-[A-Z0-9]{4}", receipt.json()["tracking_code"])


def test_truncated_video_is_refused_with_its_reason(url, tmp_path, media_dir):
    whole = _short_audio_mp4(tmp_path, media_dir, seconds=12)
    refused = _upload_and_submit(url, whole[: len(whole) * 3 // 4])
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == "damaged" and "incomplete" in refused.json()["reason"]
