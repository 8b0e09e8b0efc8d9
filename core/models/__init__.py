"""SQLAlchemy table modules; every module in this package is imported so
``Base.metadata`` always knows every table (Alembic and tests rely on it)."""

from __future__ import annotations

import importlib
import pkgutil

from healthpulse.core.models.base import Base

for _mod in pkgutil.iter_modules(__path__):
    if _mod.name != "base":
        importlib.import_module(f"{__name__}.{_mod.name}")

__all__ = ["Base"]
