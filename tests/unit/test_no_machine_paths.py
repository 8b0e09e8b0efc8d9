"""Help texts and docs name paths relative to the repo or describe the default, never one machine's folders.

A developer's own folders (their work or home directory, a temporary folder) in a usage line mean nothing
on another machine (issue 15.15).  Checked: the Markdown docs, Python docstrings and comments (where usage
lines live), and the ``--help`` output of every benchmark and every ``healthpulse`` command.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Built from pieces so that this file does not match itself.
MACHINE_PATH = re.compile(r"(?<![\w.$~-])/(?:" + "|".join(["wo" + "rk", "ro" + "ot", "ho" + "me", "t" + "mp"]) + r")/")
SKIP = "tests/data/"  # labelled texts, not docs


def _tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", *patterns], cwd=REPO, capture_output=True, text=True, check=True)
    return [REPO / p for p in out.stdout.splitlines() if not p.startswith(SKIP)]


def _offending_lines(path: Path, only_comments: bool) -> list[str]:
    hits = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if MACHINE_PATH.search(line) and (not only_comments or line.lstrip().startswith("#")):
            hits.append(f"{path.relative_to(REPO)}:{n}: {line.strip()}")
    return hits


def test_docs_name_no_machine_paths():
    hits = [h for p in _tracked("*.md") for h in _offending_lines(p, only_comments=False)]
    assert not hits, "\n".join(hits)


def test_python_docstrings_and_comments_name_no_machine_paths():
    """Usage lines in module docstrings and comments (string literals in code are the code's business)."""
    hits = []
    for path in _tracked("*.py"):
        text = path.read_text(encoding="utf-8")
        doc_or_comment = re.findall(r'"""(.*?)"""', text, flags=re.S) + re.findall(r"#[^\n]*", text)
        hits += [f"{path.relative_to(REPO)}: {m.strip()[:120]}" for chunk in doc_or_comment
                 for m in chunk.splitlines() if MACHINE_PATH.search(m)]
    assert not hits, "\n".join(hits)


@pytest.mark.parametrize("script", sorted(p.name for p in (REPO / "benchmarks").glob("*.py") if p.name != "__init__.py"))
def test_benchmark_help_names_no_machine_paths(script):
    out = subprocess.run([sys.executable, f"benchmarks/{script}", "--help"], cwd=REPO, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert not MACHINE_PATH.search(out.stdout) and str(REPO) not in out.stdout, out.stdout


def test_cli_help_names_no_machine_paths():
    from healthpulse.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    texts = [parser.format_help()]
    for cmd in sub.choices.values():  # type: ignore[union-attr]
        texts.append(cmd.format_help())
        for action in cmd._actions:
            if action.__class__.__name__ == "_SubParsersAction":
                texts += [c.format_help() for c in action.choices.values()]  # type: ignore[union-attr]
    joined = "\n".join(texts)
    assert not MACHINE_PATH.search(joined) and str(REPO) not in joined
