"""How many bytes unfinished uploads may hold, checked when an upload is created.

Why: tus creation is anonymous and reserves space for the announced
``Upload-Length`` before a byte arrives; without a bound, one address could
reserve ``upload_rate_per_hour`` × ``max_upload_mb`` every hour and a few
addresses could fill the disk.  An upload holds its reservation while it is
open (uploading, or complete but not yet submitted) and unexpired; finishing,
cancelling or expiring it (``UploadService.purge_expired``) gives it back.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from healthpulse.core.models.uploads import VideoUploadRow
from healthpulse.core.settings import WebSettings
from healthpulse.video_intake.errors import N_, UploadError
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import ColumnExpressionArgument

MB = 1024 * 1024
OPEN_STATES = ("uploading", "complete")
BUSY = N_("The service cannot take this video right now; please try again later.")


def _open(now: datetime) -> ColumnElement[bool]:
    return and_(VideoUploadRow.state.in_(OPEN_STATES), VideoUploadRow.expires_at > now)


def _sum(session: Session, column: ColumnExpressionArgument[int], *where: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(column), 0)).where(*where)) or 0)


def check_reservation(session: Session, settings: WebSettings, *, client_key: str, length: int, now: datetime,
                      uploads_dir: Path) -> None:
    """Refuse a new upload of ``length`` bytes: 429 when its address holds too much already, 413 when the
    instance as a whole or the disk cannot take it."""
    open_now = _open(now)
    mine = _sum(session, VideoUploadRow.length, open_now, VideoUploadRow.client_key == client_key)
    if mine + length > settings.upload_open_mb_per_address * MB:
        raise UploadError(429, N_("Unfinished uploads from this address already hold %(mb)s MB; finish or cancel "
                                  "them, or try again later."), "quota_address", mb=round(mine / MB))
    if _sum(session, VideoUploadRow.length, open_now) + length > settings.upload_open_mb_total * MB:
        raise UploadError(413, BUSY, "quota_total")
    still_to_come = _sum(session, VideoUploadRow.length - VideoUploadRow.offset, open_now,
                         VideoUploadRow.state == "uploading")
    uploads_dir.mkdir(parents=True, exist_ok=True)
    if still_to_come + length + settings.upload_disk_reserve_mb * MB > shutil.disk_usage(uploads_dir).free:
        raise UploadError(413, BUSY, "disk_full")
