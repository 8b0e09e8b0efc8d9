"""Resumable uploads (tus 1.0.0 semantics), independent of the web framework.

The blueprint translates HTTP to these calls; the CLI uses them too.  Bytes
are streamed to ``uploads/<id>.part`` in blocks and never held whole in
memory; the offset in the database only moves after the bytes are on disk,
so a dropped connection resumes from what was really stored.  A chunk sent
with ``Upload-Checksum`` is kept only if it arrived whole and matches.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

from filelock import FileLock, Timeout
from healthpulse.core.contacts import InvalidContact, validate_email, validate_phone
from healthpulse.core.context import CoreContext
from healthpulse.core.models.uploads import VideoUploadRow
from healthpulse.video_intake.errors import N_, UploadError
from healthpulse.video_intake.storage import VideoStorage, file_sha256
from healthpulse.video_intake.upload_quota import check_reservation
from sqlalchemy import func, select

log = logging.getLogger(__name__)

BLOCK = 64 * 1024
UPLOAD_TTL = timedelta(hours=24)
CHECKSUM_ALGORITHMS = ("sha1", "sha256", "md5")


@dataclass(frozen=True)
class UploadState:
    id: str
    state: str
    length: int
    offset: int
    expires_at: Any
    appeal_id: str | None


def _state(row: VideoUploadRow) -> UploadState:
    return UploadState(row.id, row.state, row.length, row.offset, row.expires_at, row.appeal_id)


def client_key(ip: str | None, secret: str = "") -> str:
    """The rate-limit key: a salted hash, so the database holds no raw IP addresses."""
    return hashlib.sha256(f"{secret}|{ip or 'unknown'}".encode()).hexdigest()


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


class UploadService:
    def __init__(self, container: CoreContext):
        self.container = container
        self.settings = container.settings
        self.storage = VideoStorage.from_settings(container.settings)

    @property
    def max_bytes(self) -> int:
        return int(self.settings.max_upload_mb) * 1024 * 1024

    # -- creation ---------------------------------------------------------
    def create(self, *, length: int | None, metadata: dict[str, str], client_ip: str | None) -> UploadState:
        """Register an upload after checking consent, size, contacts, region and the per-IP rate limit."""
        if length is None or length < 0:
            raise UploadError(400, "Upload-Length is required", "length_required")
        if length == 0:
            raise UploadError(400, N_("The file is empty."), "empty")
        if length > self.max_bytes:
            raise UploadError(413, N_("The file is too large (limit %(mb)s MB)."), "too_large",
                              mb=self.settings.max_upload_mb)
        if not _truthy(metadata.get("consent")):
            raise UploadError(400, N_("Consent to process the appeal is required."), "consent_required")
        language = (metadata.get("language") or "").strip().lower() or None
        if language is not None and language not in self.settings.languages:
            raise UploadError(400, N_("Unsupported language '%(language)s'."), "language", language=language)
        region = (metadata.get("region") or "").strip() or None
        if region is not None and self.container.departments.get(region) is None:
            raise UploadError(400, N_("Unknown region '%(region)s'."), "region", region=region)
        phone, email = split_contact(metadata)
        self.purge_expired()  # abandoned uploads give their bytes and their reservation back first
        now = self.container.clock.now()
        key = client_key(client_ip, self._salt())
        with self.container.session() as s:
            recent = s.scalar(
                select(func.count(VideoUploadRow.id)).where(
                    VideoUploadRow.client_key == key, VideoUploadRow.created_at > now - timedelta(hours=1)
                )
            )
            if (recent or 0) >= self.settings.upload_rate_per_hour:
                raise UploadError(429, N_("Too many uploads from this address; please try again later."), "rate_limited")
            check_reservation(s, self.settings.web, client_key=key, length=length, now=now,
                              uploads_dir=self.storage.uploads_dir)
            row = VideoUploadRow(
                id=uuid.uuid4().hex, state="uploading", length=length, offset=0,
                filename=(metadata.get("filename") or "")[:255] or None,
                content_type=(metadata.get("filetype") or "")[:100] or None,
                client_key=key, language=language, region=region, contact_phone=phone, contact_email=email,
                consent=True, created_at=now, updated_at=now, expires_at=now + UPLOAD_TTL,
            )
            s.add(row)
            path = self.storage.upload_path(row.id)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
            log.info("upload created id=%s length=%d language=%s region=%s", row.id, length, language, region)
            return _state(row)

    def _salt(self) -> str:
        key = self.settings.secret_key
        return key.get_secret_value() if key is not None else ""

    # -- state ------------------------------------------------------------
    def get(self, upload_id: str) -> UploadState:
        with self.container.session() as s:
            row = s.get(VideoUploadRow, upload_id) if valid_upload_id(upload_id) else None
            if row is None or row.state == "terminated":
                raise UploadError(404, N_("No such upload."), "not_found")
            if row.state == "uploading" and row.expires_at <= self.container.clock.now():
                raise UploadError(410, N_("This upload has expired; please start again."), "expired")
            return _state(row)

    # -- PATCH ------------------------------------------------------------
    def append(
        self,
        upload_id: str,
        *,
        offset: int,
        stream: IO[bytes],
        content_length: int | None,
        checksum: tuple[str, bytes] | None = None,
        on_block: Callable[[int], None] | None = None,
    ) -> UploadState:
        """Write the body at ``offset``; returns the new state (offset moved by what was stored).

        The offset check, the write and the offset update are one step under the upload's file lock
        (held across processes): of two requests at the same offset, e.g. a client retrying after a
        timeout while its first request still runs, one is stored and the other gets 409 Conflict.
        """
        self.get(upload_id)  # 404 / 410 before touching the lock
        path = self.storage.upload_path(upload_id)
        try:
            lock = FileLock(str(self.storage.upload_lock(upload_id)), timeout=0)
            lock.acquire()
        except Timeout:
            raise UploadError(409, N_("Another request is writing this upload."), "locked") from None
        try:
            state = self.get(upload_id)  # read again under the lock: only now is the offset final
            if offset != state.offset:
                raise UploadError(409, f"Upload-Offset {offset} does not match the stored offset {state.offset}",
                                  "offset")
            if state.state != "uploading":
                raise UploadError(403, N_("This upload is already complete."), "complete")
            remaining = state.length - state.offset
            if content_length is not None and content_length > remaining:
                raise UploadError(413, N_("The chunk goes past the announced Upload-Length."), "too_long")
            return self._write(state, path, stream, content_length, checksum, on_block)
        finally:
            lock.release()

    def _write(self, state: UploadState, path: Any, stream: IO[bytes], content_length: int | None,
               checksum: tuple[str, bytes] | None, on_block: Callable[[int], None] | None) -> UploadState:
        hasher = hashlib.new(checksum[0]) if checksum else None
        want = state.length - state.offset if content_length is None else content_length
        written = 0
        interrupted = False
        with path.open("r+b") as out:
            out.truncate(state.offset)  # drop any unacknowledged tail of an earlier broken request
            out.seek(state.offset)
            while written < want:
                try:
                    block = stream.read(min(BLOCK, want - written))
                except Exception as exc:  # noqa: BLE001 - a dropped client surfaces as various errors
                    log.info("upload %s interrupted after %d bytes: %s", state.id, written, type(exc).__name__)
                    interrupted = True
                    break
                if not block:
                    interrupted = content_length is not None
                    break
                out.write(block)
                if hasher:
                    hasher.update(block)
                written += len(block)
                if on_block:
                    on_block(written)
            if content_length is None and not interrupted and stream.read(1):
                out.truncate(state.offset)
                raise UploadError(413, N_("The chunk goes past the announced Upload-Length."), "too_long")
            if checksum and (interrupted or hasher is None or hasher.digest() != checksum[1]):
                out.truncate(state.offset)
                if interrupted:
                    raise UploadError(400, N_("The chunk was cut off; send it again."), "incomplete_chunk")
                raise UploadError(460, N_("Checksum mismatch: the chunk was damaged in transit; send it again."),
                                  "checksum_mismatch")
            out.flush()
            os.fsync(out.fileno())
        return self._advance(state.id, written)

    def _advance(self, upload_id: str, written: int) -> UploadState:
        now = self.container.clock.now()
        with self.container.session() as s:
            row = s.get(VideoUploadRow, upload_id)
            if row is None or row.state != "uploading":  # terminated or purged while the bytes arrived
                raise UploadError(404, N_("No such upload."), "not_found")
            row.offset += written
            row.updated_at = now
            if row.offset >= row.length:
                row.state = "complete"
                row.sha256 = file_sha256(self.storage.upload_path(upload_id))
                log.info("upload complete id=%s bytes=%d sha256=%s", upload_id, row.offset, row.sha256)
            return _state(row)

    # -- DELETE -----------------------------------------------------------
    def terminate(self, upload_id: str) -> None:
        """tus termination: the client gives up; the bytes are deleted at once."""
        state = self.get(upload_id)
        if state.state == "submitted":
            raise UploadError(403, N_("This upload became an appeal and cannot be deleted."), "submitted")
        self.storage.upload_path(upload_id).unlink(missing_ok=True)
        self.storage.upload_lock(upload_id).unlink(missing_ok=True)
        with self.container.session() as s:
            row = s.get(VideoUploadRow, upload_id)
            if row is not None:
                row.state = "terminated"
                row.contact_phone = row.contact_email = None
                row.updated_at = self.container.clock.now()

    def purge_expired(self) -> int:
        """Delete the bytes of unfinished uploads past their expiry; returns how many."""
        now = self.container.clock.now()
        with self.container.session() as s:
            rows = s.scalars(
                select(VideoUploadRow).where(
                    VideoUploadRow.state.in_(("uploading", "complete")), VideoUploadRow.expires_at <= now
                )
            ).all()
            for row in rows:
                self.storage.upload_path(row.id).unlink(missing_ok=True)
                self.storage.upload_lock(row.id).unlink(missing_ok=True)
                row.state = "terminated"
                row.contact_phone = row.contact_email = None
                row.updated_at = now
            return len(rows)


def valid_upload_id(upload_id: str) -> bool:
    """Upload ids are 32 lowercase hex digits (``uuid4().hex``); anything else names no upload."""
    return bool(re.fullmatch(r"[0-9a-f]{32}", upload_id or ""))


def split_contact(metadata: dict[str, str]) -> tuple[str | None, str | None]:
    """The optional contact: ``phone``/``email`` keys, or one ``contact`` that is either."""
    phone = (metadata.get("phone") or "").strip() or None
    email = (metadata.get("email") or "").strip() or None
    contact = (metadata.get("contact") or "").strip()
    if contact:
        if "@" in contact:
            email = email or contact
        else:
            phone = phone or contact
    # The shared validators (core/contacts.py): one plain address; digits in any script, normalised.
    try:
        email = validate_email(email) if email is not None else None
    except InvalidContact:
        raise UploadError(400, N_("Enter one e-mail address, such as name@example.org."), "contact") from None
    try:
        phone = validate_phone(phone) if phone is not None else None
    except InvalidContact:
        raise UploadError(400, N_("Enter a phone number with digits only, such as +7 912 345-67-89."), "contact") from None
    return phone, email
