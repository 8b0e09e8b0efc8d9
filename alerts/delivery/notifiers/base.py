"""The notifier interface and the message an outbox row becomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from healthpulse.core.errors import HealthpulseError


class DeliveryError(HealthpulseError):
    """Delivery failed; ``permanent`` means retrying cannot help (bad address, 4xx)."""
    error_code = "unavailable"

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass
class OutgoingMessage:
    idempotency_key: str
    channel: str
    event: str
    recipient: str
    subject: str
    payload: dict[str, Any] = field(default_factory=dict)  # text/html for e-mail, the JSON body for webhooks
    now: datetime | None = None


class Notifier(Protocol):
    channel: str

    def send(self, message: OutgoingMessage) -> None:
        """Deliver or raise ``DeliveryError``."""
