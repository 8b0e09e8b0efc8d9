"""One error base for the whole product: every error a caller may act on is a ``HealthpulseError``.

Its ``error_code`` says what kind of failure it is, not where it happened.  The
command line maps codes to exit statuses in one place (``cli.common.EXIT_CODES``)
and the web app to HTTP statuses in one place (``web.errors.HTTP_STATUS``);
nobody else translates.  Subclasses keep a standard base as well
(``ValueError``, ``LookupError``…) where callers already catch it.
"""

from __future__ import annotations

from typing import ClassVar, Literal

ErrorCode = Literal[
    "invalid",  # the input or request is wrong: the caller can fix it
    "not_found",  # what was asked for does not exist (or is not visible to this caller)
    "forbidden",  # it exists, and this caller may not do it
    "conflict",  # not in the current state (a used survey, a closed ticket)
    "unavailable",  # a service it needs is down (search node, mail server, model files): try again later
    "config",  # the deployment's settings or config files are wrong
    "internal",  # a bug or an unexpected state
]
ERROR_CODES: tuple[ErrorCode, ...] = ("invalid", "not_found", "forbidden", "conflict", "unavailable", "config", "internal")


class HealthpulseError(Exception):
    error_code: ClassVar[ErrorCode] = "internal"
