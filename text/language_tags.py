"""Language tags as exchanges and operators write them (``AR``, ``ar-EG``, ``fa_IR``) reduced to the two-letter
codes the rest of healthpulse uses: the IVR's language menu names a language, not a locale."""

from __future__ import annotations


def primary_language(raw: str | None) -> str | None:
    """``ar-EG`` → ``ar``; blank or None → None. The caller checks the code against its languages."""
    code = (raw or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return code or None
