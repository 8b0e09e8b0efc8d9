"""The one validator for e-mail addresses and phone numbers, whatever the entry point.

Every place an address or number comes in (appeal API and form, video appeal,
e-mail intake, departments and rules files, settings) checks it here, so an
address that reaches a mail header is always exactly one plain address: no
CR/LF or other control characters (header injection: ``a@x.com\\r\\nBcc: v@y``),
no second address, no display name (``"Ops" <a@x>``).  Phone numbers are
normalised first (Persian ۰-۹ and Arabic-Indic ٠-٩ digits, full-width forms,
Unicode dashes and spaces, the bidi marks RTL keyboards insert) and then
checked, so a correct number typed on any keyboard is accepted.
"""

from __future__ import annotations

import re
import unicodedata
from email.utils import getaddresses

from healthpulse.core.errors import HealthpulseError
from healthpulse.text.normalize import to_ascii_digits

MAX_EMAIL_LENGTH = 254
_LOCAL_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-.")
_FORBIDDEN_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp")
EMAIL_EXPECTED = "one e-mail address such as name@example.org"

PHONE_MIN_DIGITS = 6
PHONE_MAX_DIGITS = 15  # E.164
PHONE_EXPECTED = "a phone number in digits, optionally with +, spaces, dashes or brackets, such as +7 912 345-67-89"
_PHONE_SHAPE = re.compile(r"^\+?[0-9()\- ]+$")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")


class InvalidContact(HealthpulseError, ValueError):
    """An e-mail address or phone number that is not acceptable; the message says what is expected."""

    error_code = "invalid"


def email_problem(value: str, *, require_dot: bool = True) -> str | None:
    """Why ``value`` is not exactly one plain e-mail address (None when it is)."""
    if not value:
        return "the address is empty"
    if len(value) > MAX_EMAIL_LENGTH:
        return f"the address is longer than {MAX_EMAIL_LENGTH} characters"
    for ch in value:
        if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES:
            return "the address contains spaces, line breaks or other control characters"
        if ch in '<>()[]\\,;:"':
            return "the address contains a display name, a list or quoting; give one plain address"
    local, at, domain = value.rpartition("@")
    if not at or not local or "@" in local:
        return "the address needs exactly one @"
    if len(local) > 64 or local.startswith(".") or local.endswith(".") or ".." in local:
        return "the part before @ is not valid"
    if any(ch not in _LOCAL_ASCII and not ch.isalnum() for ch in local):
        return "the part before @ contains characters an address cannot have"
    labels = domain.split(".")
    if require_dot and len(labels) < 2:
        return "the domain after @ needs a dot, such as example.org"
    for label in labels:
        if not 1 <= len(label) <= 63 or label.startswith("-") or label.endswith("-") \
                or any(not (ch.isalnum() or ch == "-") for ch in label):
            return "the domain after @ is not valid"
    # Belt and braces: the standard library's header parser must see the very same single address.
    if getaddresses([value]) != [("", value)]:
        return "the address is not one plain address"
    return None


def validate_email(value: str, *, require_dot: bool = True) -> str:
    """``value`` without surrounding blanks when it is exactly one plain address; else ``InvalidContact``.

    ``require_dot=False`` allows a single-label domain (``alerts@localhost``) for
    the deployment's own sender address; citizens' and departments' addresses need one.
    """
    if not isinstance(value, str):
        raise InvalidContact(f"not an e-mail address: expected {EMAIL_EXPECTED}")
    cleaned = value.strip(" \t")
    problem = email_problem(cleaned, require_dot=require_dot)
    if problem:
        raise InvalidContact(f"not an e-mail address ({problem}): expected {EMAIL_EXPECTED}")
    return cleaned


def is_email(value: str, *, require_dot: bool = True) -> bool:
    return isinstance(value, str) and email_problem(value, require_dot=require_dot) is None


def normalize_phone(value: str) -> str:
    """ASCII digits, ``-`` and single spaces: what a person typed, made comparable.

    Persian and Arabic-Indic digits become ASCII, full-width forms are folded
    (NFKC), Unicode dashes become ``-``, any space becomes one blank, and
    invisible marks (LRM/RLM/ALM, zero-width) are dropped.
    """
    text = to_ascii_digits(unicodedata.normalize("NFKC", value or "")).translate(_DASHES)
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Zs", "Zl", "Zp") or ch in "\t\r\n":
            if out and out[-1] != " ":
                out.append(" ")
        elif cat != "Cf":
            out.append(ch)
    return "".join(out).strip()


def validate_phone(value: str) -> str:
    """The normalised number when it is one (``normalize_phone``); else ``InvalidContact`` saying what is expected."""
    number = normalize_phone(value if isinstance(value, str) else "")
    digits = sum(ch.isdigit() for ch in number)
    if not _PHONE_SHAPE.match(number) or not PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS:
        raise InvalidContact(f"not a phone number: expected {PHONE_EXPECTED} "
                             f"({PHONE_MIN_DIGITS}-{PHONE_MAX_DIGITS} digits)")
    return number
