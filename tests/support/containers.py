"""Helpers for tests: a real container on a temporary SQLite file with a fake clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from healthpulse.core.clock import FakeClock
from healthpulse.core.settings import load_settings
from healthpulse.wiring.container import Container, build_container


def make_container(tmp_path: Path, *, clock: FakeClock | None = None, analyzer: Any = None,
                   index: Any = "auto", **settings_overrides: Any) -> Container:
    """A migrated embedded instance in ``tmp_path``.

    ``analyzer=None`` (default) skips NLP so tests that feed ready-made
    analyses don't load models; pass ``"auto"`` for the real analyzer.
    """
    overrides: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / 'hp.db'}",
        "data_dir": tmp_path / "data",
        "testing": True,
        "secret_key": "test-secret-key",
    }
    overrides.update(settings_overrides)
    settings = load_settings(None, **overrides)
    return build_container(settings, clock=clock or FakeClock(), analyzer=analyzer, index=index)
