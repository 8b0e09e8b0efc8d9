"""E-mail over SMTP (text + HTML alternative) with a Message-ID derived from the idempotency key."""

from __future__ import annotations

import hashlib
import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from healthpulse.alerts.delivery.notifiers.base import DeliveryError, OutgoingMessage
from healthpulse.core.contacts import InvalidContact, validate_email
from healthpulse.core.settings import Settings

IDEMPOTENCY_HEADER = "X-HealthPulse-Idempotency-Key"


def message_id(key: str) -> str:
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@healthpulse>"


class SmtpNotifier:
    """Sends through ``settings.mail`` (``smtp_host:smtp_port``; STARTTLS and login when configured).

    The Message-ID is a function of the idempotency key, so if a worker dies
    between the server's acceptance and our bookkeeping, the repeat carries
    the same Message-ID and mail systems/clients collapse it.
    """

    channel = "email"

    def __init__(self, settings: Settings, timeout: float = 10.0):
        self.settings = settings
        self.timeout = timeout

    def build(self, message: OutgoingMessage) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = message.subject
        msg["From"] = self.settings.mail.mail_from
        msg["To"] = message.recipient
        msg["Date"] = formatdate(message.now.timestamp() if message.now else None, usegmt=True)
        msg["Message-ID"] = message_id(message.idempotency_key)
        msg[IDEMPOTENCY_HEADER] = message.idempotency_key
        msg["X-HealthPulse-Event"] = message.event
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(message.payload.get("text", ""), charset="utf-8")
        if message.payload.get("html"):
            msg.add_alternative(message.payload["html"], subtype="html", charset="utf-8")
        return msg

    def send(self, message: OutgoingMessage) -> None:
        s = self.settings.mail
        try:  # an address that is not exactly one plain address can never be sent: dead at once, with the reason
            validate_email(message.recipient)
            msg = self.build(message)
        except InvalidContact as exc:
            raise DeliveryError(f"recipient {message.recipient!r}: {exc}", permanent=True) from exc
        except ValueError as exc:  # the mail library refuses a header (CR/LF in a subject...)
            raise DeliveryError(f"message cannot be built: {exc}", permanent=True) from exc
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=self.timeout) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_username:
                    smtp.login(s.smtp_username, s.smtp_password.get_secret_value() if s.smtp_password else "")
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"recipient refused: {exc.recipients}", permanent=True) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", permanent=500 <= exc.smtp_code < 600 and exc.smtp_code != 554) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP server {s.smtp_host}:{s.smtp_port} unavailable: {exc}") from exc
