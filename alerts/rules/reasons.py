"""The reasons rules store with an alert, written in one place.

Rules build them in English (the CLI, the API and the logs show them as they are); e-mails and
pages parse them back with these patterns to show them in the reader's language, so a changed
wording changes both sides at once.
"""

from __future__ import annotations

import re

INCIDENT = re.compile(r"incident reported \(severity (?P<severity>\w+)\)")
SPIKE = re.compile(r"spike: (?P<count>\d+) vs baseline (?P<baseline>[\d.]+), p=(?P<p>[\d.e+-]+)")


def incident_reason(severity: str) -> str:
    return f"incident reported (severity {severity})"


def spike_reason(count: int, baseline: float, p: float) -> str:
    return f"spike: {count} vs baseline {baseline:.2f}, p={p:.2g}"
