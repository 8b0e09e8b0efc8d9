"""Characters no database can store, found (to reject) or replaced (to clean) in one place.

Why: JSON may carry a lone UTF-16 surrogate (``"\\ud800"``): Python decodes it into a
``str`` that cannot be encoded as UTF-8, so SQLite and PostgreSQL fail on the whole
transaction, losing every other document of the batch.  PostgreSQL also refuses NUL in
text.  Input from people and files (JSONL, the API, appeal intake) is rejected with the
field named; crawled text, which nobody can fix at the source, is cleaned.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")
REPLACEMENT = "\ufffd"


def unstorable_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored (the first bad character and its position), or None when it can."""
    m = _UNSTORABLE.search(text)
    if m is None:
        return None
    ch = m.group(0)
    if ch == "\x00":
        return f"contains a NUL character at character {m.start() + 1}"
    return f"is not valid Unicode: a lone surrogate \\u{ord(ch):04x} at character {m.start() + 1}"


def find_unstorable(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first string in a JSON-like value (keys included) that cannot be stored: (field path, problem)."""
    if isinstance(value, str):
        problem = unstorable_problem(value)
        return (path or "value", problem) if problem else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and (problem := unstorable_problem(key)):
                return (path or "key", f"has a key that {problem}")
            found = find_unstorable(item, name)
            if found:
                return found
    elif isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        for i, item in enumerate(value):
            found = find_unstorable(item, f"{path}[{i}]")
            if found:
                return found
    return None


def clean_unstorable(text: str) -> str:
    """Lone surrogates → U+FFFD, NUL dropped: for text taken as found (crawled pages)."""
    if _UNSTORABLE.search(text) is None:
        return text
    return _UNSTORABLE.sub(lambda m: "" if m.group(0) == "\x00" else REPLACEMENT, text)
