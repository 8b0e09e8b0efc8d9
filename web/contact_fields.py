"""Form validators for typed phone numbers and e-mail addresses, over the one shared validator.

``core/contacts.py`` decides what is acceptable (and normalises digits typed
in Persian or Arabic-Indic script); these wrap it for WTForms with messages in
the page's language that say what is expected, not just "invalid input".
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from healthpulse.core.contacts import InvalidContact, validate_email, validate_phone
from healthpulse.text.normalize import to_ascii_digits
from wtforms.validators import ValidationError

PHONE_MESSAGE = _l("Enter a phone number with digits only, such as +7 912 345-67-89.")
EMAIL_MESSAGE = _l("Enter a valid e-mail address, such as name@example.org.")
FIELD_MESSAGES = {"contact_phone": PHONE_MESSAGE, "contact_email": EMAIL_MESSAGE}


class PhoneNumber:
    """A phone number in any digits (۰-۹, ٠-٩, 0-9) with optional +, spaces, dashes, brackets."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data:
            try:
                validate_phone(field.data)
            except InvalidContact:
                raise ValidationError(str(PHONE_MESSAGE)) from None


class EmailAddress:
    """Exactly one plain address (no display name, no list, no control characters)."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data:
            try:
                validate_email(field.data)
            except InvalidContact:
                raise ValidationError(str(EMAIL_MESSAGE)) from None


def ascii_digits(value: Any) -> Any:
    """A WTForms filter: digits typed in Persian or Arabic-Indic script become ASCII (tracking codes)."""
    return to_ascii_digits(value).strip() if isinstance(value, str) else value
