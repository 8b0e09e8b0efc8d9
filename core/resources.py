"""Paths of data files bundled with the package (work from a checkout and from a wheel)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def bundled_departments_path() -> Path:
    return PACKAGE_ROOT / "data" / "departments.yaml"


def demo_data_path() -> Path:
    return PACKAGE_ROOT / "data" / "demo" / "documents.jsonl"
