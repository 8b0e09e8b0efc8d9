"""Notifier classes by channel name."""

from __future__ import annotations

from typing import Any

from healthpulse.alerts.delivery.notifiers.smtp import SmtpNotifier
from healthpulse.alerts.delivery.notifiers.webhook import WebhookNotifier
from healthpulse.core.settings import Settings

NOTIFIERS: dict[str, Any] = {"email": SmtpNotifier, "webhook": WebhookNotifier}


def build_notifiers(settings: Settings, timeout: float = 10.0) -> dict[str, Any]:
    return {name: cls(settings, timeout=timeout) for name, cls in NOTIFIERS.items()}
