"""Webhooks: a JSON POST signed with HMAC-SHA256 over ``timestamp + "." + body``.

Headers: ``X-HealthPulse-Timestamp`` (Unix seconds), ``X-HealthPulse-Signature``
(``sha256=<hex>``, with ``settings.webhook_secret``), ``Idempotency-Key``
(receivers drop a repeat) and ``X-HealthPulse-Event``.  Receivers verify with
``verify_signature`` and should reject timestamps older than a few minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import requests
from healthpulse.alerts.delivery.notifiers.base import DeliveryError, OutgoingMessage
from healthpulse.core.settings import Settings

SIGNATURE_HEADER = "X-HealthPulse-Signature"
TIMESTAMP_HEADER = "X-HealthPulse-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def encode_body(payload: dict) -> bytes:  # type: ignore[type-arg]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


class WebhookNotifier:
    channel = "webhook"

    def __init__(self, settings: Settings, timeout: float = 10.0, session: requests.Session | None = None):
        secret = settings.mail.webhook_secret
        self.secret = secret.get_secret_value() if secret else None
        self.timeout = timeout
        self.http = session or requests.Session()

    def headers(self, message: OutgoingMessage, body: bytes) -> dict[str, str]:
        ts = str(int(message.now.timestamp() if message.now else time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "healthpulse-webhook/1",
            "Idempotency-Key": message.idempotency_key,
            "X-HealthPulse-Event": message.event,
            TIMESTAMP_HEADER: ts,
        }
        if self.secret:
            headers[SIGNATURE_HEADER] = sign(self.secret, ts, body)
        return headers

    def send(self, message: OutgoingMessage) -> None:
        body = encode_body(message.payload)
        try:
            resp = self.http.post(message.recipient, data=body, headers=self.headers(message, body), timeout=self.timeout)
        except requests.RequestException as exc:
            raise DeliveryError(f"webhook {message.recipient} unreachable: {exc}") from exc
        if 200 <= resp.status_code < 300:
            return
        transient = resp.status_code in (408, 425, 429) or resp.status_code >= 500
        raise DeliveryError(f"webhook {message.recipient} answered {resp.status_code}", permanent=not transient)
