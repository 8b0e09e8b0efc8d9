"""Who may see a video appeal's original, and masking of contacts in transcripts.

A citizen who says their phone number or e-mail in a video should be
reachable by the department handling the appeal, and by nobody else (press
office, search results, other regions).  ``can_view_video`` is the single
rule the web views use; ``mask_contacts`` is applied to transcript text in
every view except the assigned department's.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "[hidden]"

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A run of digits with the usual separators, 7+ digits in all: +7 (912) 345-67-89, 8 912 345 6789,
# Arabic-Indic and Persian digits included.  Years and short numbers (dates, ages) stay visible.
_DIGIT = r"[0-9\u0660-\u0669\u06f0-\u06f9]"
PHONE_RE = re.compile(rf"(?<![\w]){'[+]'}?{_DIGIT}(?:[\s().-]{{0,2}}{_DIGIT}){{6,14}}(?!\w)")


def mask_contacts(text: str | None) -> str:
    """``text`` with e-mail addresses and phone numbers replaced by a neutral marker."""
    if not text:
        return text or ""
    text = EMAIL_RE.sub(MASK, text)
    return PHONE_RE.sub(MASK, text)


def _attr(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def is_assigned_department(principal: Any, appeal: Any) -> bool:
    """The logged-in officer belongs to the department the appeal is routed to."""
    if principal is None or _attr(principal, "role") != "department":
        return False
    department = _attr(principal, "department_id")
    return department is not None and department == _attr(appeal, "department_id")


def can_view_video(principal: Any, appeal: Any) -> bool:
    """The original video: only admins and the assigned department's officers."""
    if principal is None:
        return False
    return _attr(principal, "role") == "admin" or is_assigned_department(principal, appeal)


def can_see_contacts(principal: Any, appeal: Any) -> bool:
    """Unmasked transcript: the assigned department only (admins see the masked text like everyone else)."""
    return is_assigned_department(principal, appeal)


def transcript_for(principal: Any, appeal: Any, text: str | None) -> str:
    """The transcript as this viewer may see it."""
    return (text or "") if can_see_contacts(principal, appeal) else mask_contacts(text)
