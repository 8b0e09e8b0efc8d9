"""Issue 16 (risks): bytes reserved by unfinished uploads are bounded per address and per instance and by the
free disk; abandoned uploads expire, which deletes their bytes and frees their reservation."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from healthpulse.video_intake.uploads import UploadError, UploadService

from tests.support.containers import make_container

MB = 1024 * 1024


@pytest.fixture
def make_service(tmp_path, clock):
    made = []

    def make(**settings):
        options = {"upload_rate_per_hour": 100, "max_upload_mb": 2, "upload_open_mb_per_address": 5,
                   "upload_open_mb_total": 12, **settings}
        container = make_container(tmp_path / str(len(made)), clock=clock, **options)
        made.append(container)
        return UploadService(container)

    yield make
    for container in made:
        container.close()


def _create(service, ip, mb=2.0):
    return service.create(length=int(mb * MB), metadata={"consent": "yes"}, client_ip=ip)


def _refused(service, ip, mb=2.0):
    with pytest.raises(UploadError) as caught:
        _create(service, ip, mb)
    assert caught.value.reason
    return caught.value


def test_an_address_may_reserve_only_so_many_bytes_in_unfinished_uploads(make_service):
    service = make_service()
    _create(service, "10.0.0.1")
    _create(service, "10.0.0.1")
    refused = _refused(service, "10.0.0.1", mb=1.5)  # 4 MB open + 1.5 MB > 5 MB
    assert (refused.status, refused.code) == (429, "quota_address") and "MB" in refused.reason
    _create(service, "10.0.0.1", mb=1.0)  # what still fits is accepted
    _create(service, "10.0.0.2")  # another address is not affected


def test_the_instance_bounds_all_unfinished_uploads_together(make_service):
    service = make_service()
    for i in range(6):
        _create(service, f"10.0.1.{i}")  # 12 MB reserved by six addresses
    refused = _refused(service, "10.0.1.99", mb=0.5)
    assert (refused.status, refused.code) == (413, "quota_total")


def test_finished_cancelled_and_expired_uploads_free_their_reservation(make_service, clock):
    service = make_service()
    done = _create(service, "10.0.2.1", mb=1.0)
    service.append(done.id, offset=0, stream=io.BytesIO(b"v" * MB), content_length=MB)
    cancelled = _create(service, "10.0.2.1")
    abandoned = _create(service, "10.0.2.1")
    assert _refused(service, "10.0.2.1", mb=1.5).code == "quota_address"  # 1 + 2 + 2 MB held
    service.terminate(cancelled.id)
    _create(service, "10.0.2.1", mb=1.5)  # the cancelled one's 2 MB came back
    assert _refused(service, "10.0.2.1", mb=1.0).code == "quota_address"
    service.append(abandoned.id, offset=0, stream=io.BytesIO(b"x" * 1000), content_length=1000)
    clock.advance(timedelta(hours=25))  # nobody came back: every upload above has expired
    assert _create(service, "10.0.2.1").state == "uploading"
    assert not service.storage.upload_path(abandoned.id).exists()  # expiry deleted the abandoned bytes
    assert not service.storage.upload_path(done.id).exists()  # complete but never submitted: expired too
    with pytest.raises(UploadError) as caught:
        service.get(abandoned.id)
    assert caught.value.status == 404


def test_not_enough_free_disk_is_refused_with_a_reason(make_service):
    service = make_service(upload_disk_reserve_mb=10**9)  # keep a petabyte free: no disk has that
    refused = _refused(service, "10.0.3.1", mb=0.1)
    assert (refused.status, refused.code) == (413, "disk_full")
    assert make_service().create(length=MB // 10, metadata={"consent": "yes"}, client_ip="10.0.3.1")
