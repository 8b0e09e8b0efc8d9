"""The tus upload service: limits, consent, offsets, checksums, interruption and resume, termination."""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import timedelta

import pytest
from healthpulse.video_intake.tus_headers import parse_checksum, parse_metadata
from healthpulse.video_intake.uploads import UploadError, UploadService

from tests.support.containers import make_container

PAYLOAD = bytes(range(256)) * 1000  # 256 000 bytes


@pytest.fixture
def service(tmp_path, clock):
    c = make_container(tmp_path, clock=clock, upload_rate_per_hour=3, max_upload_mb=1)
    yield UploadService(c)
    c.close()


def _create(service, length=len(PAYLOAD), ip="10.0.0.1", **meta):
    metadata = {"consent": "yes", "filename": "a.mp4"}
    metadata.update(meta)
    return service.create(length=length, metadata=metadata, client_ip=ip)


class _Dropping(io.RawIOBase):
    """A request body whose connection drops after ``limit`` bytes."""

    def __init__(self, data: bytes, limit: int):
        self.data, self.limit, self.pos = data, limit, 0

    def read(self, n=-1):
        if self.pos >= self.limit:
            raise ConnectionResetError("client went away")
        n = min(n if n > 0 else len(self.data), self.limit - self.pos)
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out


def test_interrupted_upload_resumes_to_identical_file(service):
    state = _create(service)
    half = len(PAYLOAD) // 2 + 123
    state = service.append(state.id, offset=0, stream=_Dropping(PAYLOAD, half), content_length=len(PAYLOAD))
    assert state.state == "uploading" and state.offset == half  # what arrived is kept
    assert service.get(state.id).offset == half  # HEAD after the drop
    rest = PAYLOAD[half:]
    state = service.append(state.id, offset=half, stream=io.BytesIO(rest), content_length=len(rest))
    assert state.state == "complete"
    stored = service.storage.upload_path(state.id).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(PAYLOAD).hexdigest()


def test_wrong_offset_is_a_conflict(service):
    state = _create(service)
    service.append(state.id, offset=0, stream=io.BytesIO(PAYLOAD[:1000]), content_length=1000)
    with pytest.raises(UploadError) as caught:
        service.append(state.id, offset=0, stream=io.BytesIO(PAYLOAD[:1000]), content_length=1000)
    assert caught.value.status == 409


def test_checksum_mismatch_discards_the_chunk(service):
    state = _create(service)
    chunk = PAYLOAD[:5000]
    good = ("sha1", hashlib.sha1(chunk).digest())
    bad = ("sha1", hashlib.sha1(b"other").digest())
    with pytest.raises(UploadError) as caught:
        service.append(state.id, offset=0, stream=io.BytesIO(chunk), content_length=len(chunk), checksum=bad)
    assert caught.value.status == 460
    assert service.get(state.id).offset == 0
    assert service.append(state.id, offset=0, stream=io.BytesIO(chunk), content_length=len(chunk), checksum=good).offset == 5000


def test_cut_off_chunk_with_checksum_is_discarded(service):
    state = _create(service)
    chunk = PAYLOAD[:8000]
    with pytest.raises(UploadError):
        service.append(state.id, offset=0, stream=_Dropping(chunk, 3000), content_length=len(chunk),
                       checksum=("sha256", hashlib.sha256(chunk).digest()))
    assert service.get(state.id).offset == 0


def test_chunk_past_length_is_refused(service):
    state = _create(service, length=100)
    with pytest.raises(UploadError) as caught:
        service.append(state.id, offset=0, stream=io.BytesIO(b"x" * 101), content_length=101)
    assert caught.value.status == 413


def test_size_limit_consent_contacts_region(service):
    with pytest.raises(UploadError) as caught:
        _create(service, length=2 * 1024 * 1024)
    assert caught.value.status == 413
    with pytest.raises(UploadError) as caught:
        service.create(length=10, metadata={"filename": "a.mp4"}, client_ip="10.0.0.2")
    assert caught.value.code == "consent_required"
    with pytest.raises(UploadError) as caught:
        _create(service, contact="not a phone")
    assert caught.value.code == "contact"
    with pytest.raises(UploadError) as caught:
        _create(service, region="atlantis")
    assert caught.value.code == "region"
    region = service.container.departments.departments[0].id
    assert _create(service, contact="+7 912 345-67-89", region=region, ip="10.0.0.3").state == "uploading"


def test_video_contacts_use_the_shared_validator(service):
    """Issues 16.2 / 15.2: one plain address only; a number typed in Persian or Arabic-Indic digits is accepted."""
    from healthpulse.core.models.uploads import VideoUploadRow

    for bad in ("a@x.com\r\nBcc: v@y", "Ops <a@x.com>", "a@x.com, b@y.com"):
        with pytest.raises(UploadError) as caught:
            _create(service, email=bad, ip="10.0.1.1")
        assert caught.value.code == "contact" and "name@example.org" in caught.value.template
    with pytest.raises(UploadError) as caught:
        _create(service, contact="12", ip="10.0.1.1")
    assert "+7 912 345-67-89" in caught.value.template  # says what is expected
    state = _create(service, contact="+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹", ip="10.0.1.2")
    with service.container.session() as s:
        assert s.get(VideoUploadRow, state.id).contact_phone == "+98 912 345 6789"


def test_rate_limit_per_ip_and_hour(service, clock):
    for _ in range(3):
        _create(service, ip="10.9.9.9")
    with pytest.raises(UploadError) as caught:
        _create(service, ip="10.9.9.9")
    assert caught.value.status == 429
    _create(service, ip="10.9.9.10")  # another address is not affected
    clock.advance(timedelta(minutes=61))
    _create(service, ip="10.9.9.9")


def test_terminate_deletes_bytes(service):
    state = _create(service)
    service.append(state.id, offset=0, stream=io.BytesIO(PAYLOAD[:100]), content_length=100)
    service.terminate(state.id)
    assert not service.storage.upload_path(state.id).exists()
    with pytest.raises(UploadError) as caught:
        service.get(state.id)
    assert caught.value.status == 404


def test_expired_uploads_are_purged(service, clock):
    state = _create(service)
    clock.advance(timedelta(hours=25))
    with pytest.raises(UploadError) as caught:
        service.get(state.id)
    assert caught.value.status == 410
    assert service.purge_expired() == 1
    assert not service.storage.upload_path(state.id).exists()


def test_header_parsing():
    header = "filename " + base64.b64encode("обращение.webm".encode()).decode() + ",consent " + base64.b64encode(b"yes").decode() + ",empty"
    assert parse_metadata(header) == {"filename": "обращение.webm", "consent": "yes", "empty": ""}
    with pytest.raises(UploadError):
        parse_metadata("filename ***")
    algo, digest = parse_checksum("sha1 " + base64.b64encode(hashlib.sha1(b"x").digest()).decode())
    assert algo == "sha1" and digest == hashlib.sha1(b"x").digest()
    with pytest.raises(UploadError):
        parse_checksum("crc32 AAAA")
