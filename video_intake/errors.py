"""Errors whose message is shown to the citizen, in their language.

The message is kept as a template plus parameters so the web layer can
translate it (``gettext(err.template, **err.params)``); ``reason`` is the
English text for logs, the CLI and the appeal's stored rejection reason.
"""

from __future__ import annotations

from healthpulse.core.errors import HealthpulseError


def N_(message: str) -> str:
    """Marks a message for translation (pybabel extracts ``N_``); the web layer translates it."""
    return message


class CitizenFacingError(HealthpulseError):
    error_code = "invalid"

    def __init__(self, code: str, template: str, **params: object):
        self.code = code
        self.template = template
        self.params = params
        self.reason = template % params if params else template
        super().__init__(self.reason)


class UploadError(CitizenFacingError):
    """A refused upload request; ``status`` is the HTTP status the tus endpoints answer with."""

    def __init__(self, status: int, template: str, code: str = "invalid", **params: object):
        super().__init__(code, template, **params)
        self.status = status
