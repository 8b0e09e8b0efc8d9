"""Blocked callers: numbers whose ``newCall`` the PBX is told to refuse as busy (abusive or automated callers).

Numbers are compared by their digits only, so ``+7 900 000-00-01`` and
``79000000001`` are the same caller.  Every block and unblock is written to the
configuration audit log (target ``blocked_callers``) in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthpulse.core.config_audit import record_change
from healthpulse.core.contacts import validate_phone
from healthpulse.core.models.calls import BlockedCallerRow
from sqlalchemy import select
from sqlalchemy.orm import Session

AUDIT_TARGET = "blocked_callers"


def caller_digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def is_blocked(session: Session, number: str | None) -> bool:
    digits = caller_digits(number or "")
    return bool(digits) and session.get(BlockedCallerRow, digits) is not None


def block(session: Session, number: str, *, actor: str, at: datetime, reason: str | None = None) -> bool:
    """Block ``number`` (``InvalidContact`` when it is not one); False when it was already blocked."""
    normalised = validate_phone(number)
    digits = caller_digits(normalised)
    if session.get(BlockedCallerRow, digits) is not None:
        return False
    session.add(BlockedCallerRow(digits=digits, number=normalised, reason=reason, added_by=actor, added_at=at))
    record_change(session, target=AUDIT_TARGET, actor=actor, at=at, summary=f"blocked {normalised}",
                  details={"number": normalised, "reason": reason})
    return True


def unblock(session: Session, number: str, *, actor: str, at: datetime) -> bool:
    """Lift a block; False when the number was not blocked."""
    normalised = validate_phone(number)
    row = session.get(BlockedCallerRow, caller_digits(normalised))
    if row is None:
        return False
    session.delete(row)
    record_change(session, target=AUDIT_TARGET, actor=actor, at=at, summary=f"unblocked {row.number}",
                  details={"number": row.number})
    return True


def blocked_callers(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(BlockedCallerRow).order_by(BlockedCallerRow.added_at, BlockedCallerRow.digits))
    return [{"number": r.number, "reason": r.reason, "added_by": r.added_by, "added_at": r.added_at.isoformat()}
            for r in rows]
