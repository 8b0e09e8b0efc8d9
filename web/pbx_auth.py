"""How a telephone exchange proves who it is on the hotline API: three ways, each ending in a ``pbx`` account.

1. ``Authorization: Bearer TOKEN`` (the account's API token), as every machine client;
2. ``?token=TOKEN`` in the URL, for exchanges whose webhook settings take only a URL;
3. ``X-Healthpulse-Pbx: ACCOUNT`` with ``X-Healthpulse-Signature: sha256=<hex HMAC-SHA256 of the raw body>``
   keyed by that account's secret from ``HEALTHPULSE_PBX_HMAC_SECRETS`` (never stored in the database), for
   exchanges that sign their webhooks instead of sending a secret.

Every failure is the same 401 before the body is parsed or anything is stored; repeated failures from one
address are rate limited like bad bearer tokens.  Events are idempotent, so a replayed signed body changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import request
from healthpulse.web.context import container, db
from healthpulse.web.security import client_key, limiter
from healthpulse.web.services.users import Principal, principal_for_token, principal_for_username

SIGNATURE_HEADER = "X-Healthpulse-Signature"
ACCOUNT_HEADER = "X-Healthpulse-Pbx"
URL_TOKEN_PARAM = "token"  # noqa: S105 - the query parameter's name, not a secret
_SIGNATURE_PREFIX = "sha256="


class TooManyFailures(Exception):
    """This address failed to authenticate too often lately (answered 429)."""


def body_signature(secret: str, body: bytes) -> str:
    """The header value an exchange sends for ``body`` (also what a test or a PBX script computes)."""
    return _SIGNATURE_PREFIX + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _signed_principal() -> Principal | None:
    account = request.headers.get(ACCOUNT_HEADER, "").strip()
    signature = request.headers.get(SIGNATURE_HEADER, "").strip()
    secret = (container().settings.web.pbx_hmac_secrets or {}).get(account)
    if not account or not signature.startswith(_SIGNATURE_PREFIX) or secret is None:
        return None
    # the raw body, kept for the form/JSON parsing that follows (werkzeug re-reads the cached bytes)
    expected = body_signature(secret.get_secret_value(), request.get_data(cache=True))
    if not hmac.compare_digest(expected, signature):
        return None
    with db() as s:
        return principal_for_username(s, account)


def _token_principal(token: str) -> Principal | None:
    with db() as s:
        return principal_for_token(s, token)


def pbx_principal() -> Principal | None:
    """The account the request authenticates as by any of the three ways, or None (a 401); ``TooManyFailures``."""
    header = request.headers.get("Authorization", "")
    url_token = request.args.get(URL_TOKEN_PARAM, "")
    signed = SIGNATURE_HEADER in request.headers
    if not (header.startswith("Bearer ") or url_token or signed):
        return None
    if limiter().blocked("api-badtoken", client_key(), 30, 600):
        raise TooManyFailures
    if header.startswith("Bearer "):
        principal = _token_principal(header[7:].strip())
    elif url_token:
        principal = _token_principal(url_token.strip())
    else:
        principal = _signed_principal()
    if principal is None:
        limiter().hit("api-badtoken", client_key(), 30, 600)
    return principal
