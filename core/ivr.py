"""Hotline IVR digit paths ("101", "1-3"): the one spelling the departments file and the call events share."""

from __future__ import annotations

import re

from healthpulse.text.normalize import to_ascii_digits

_SEGMENT = re.compile(r"^[0-9*#]+$")
_SEPARATORS = re.compile(r"[\s/.,>_-]+")
_TOPIC = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_IVR_CHARS = 32


def ivr_segments(path: str | None) -> list[str]:
    """The digit groups a caller pressed, whatever the PBX put between them ('1-3', '1/3', '1 3' → ['1', '3'])."""
    if not path:
        return []
    return [p for p in _SEPARATORS.split(to_ascii_digits(path).strip()) if p]


def normalise_ivr(path: str | None) -> str | None:
    """The canonical spelling ('1-3'), or None when the value holds no digits."""
    segments = ivr_segments(path)
    return "-".join(segments) if segments else None


def is_ivr_path(path: str) -> bool:
    segments = ivr_segments(path)
    return bool(segments) and len(path) <= MAX_IVR_CHARS and all(_SEGMENT.match(s) for s in segments)


def check_ivr_path(path: str) -> str:
    """A departments-file path in canonical form, or a ValueError saying what one looks like."""
    if not isinstance(path, str) or not is_ivr_path(path):
        raise ValueError(f"'{path}' is not an IVR path: digits (and * #), groups separated by '-', e.g. 101 or 1-3")
    return "-".join(ivr_segments(path))


def check_topic_id(topic: str) -> str:
    if not isinstance(topic, str) or not _TOPIC.match(topic):
        raise ValueError(f"'{topic}' is not a topic id (lower-case letters, digits and _, e.g. drug_supply)")
    return topic
