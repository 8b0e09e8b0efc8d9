"""Load YAML config files into pydantic models with errors a person can act on.

Every config file of the product (settings, departments, sources, rules,
taxonomy) goes through ``load_yaml_model`` (or ``read_yaml`` +
``format_validation_error``) so that a mistake is reported as
``departments.yaml:12: departments[3].email: value is not a valid email``
— file, line, entry and key — instead of a schema dump.  A key given twice
in one mapping is an error naming both lines (PyYAML keeps the last one
silently).  Each problem is also a structured ``ConfigIssue`` so that a page
can translate it and show it next to its line.
"""

from __future__ import annotations

import difflib
import os
import tempfile
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from healthpulse.core.errors import HealthpulseError
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class ConfigIssue:
    """One problem: where (file, line, key, list entry), what (English ``message``), and its ``kind`` + ``ctx``
    (the pydantic error type and context, or ``duplicate_key``/``duplicate_id``/``yaml_syntax``/…) for translation."""

    path: str
    line: int | None
    key: str
    message: str
    kind: str = "invalid"
    entry: str | None = None
    ctx: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if not self.key:
            return f"{where}: {self.message}"
        entry = f" (entry '{self.entry}')" if self.entry else ""
        return f"{where}: {self.key}{entry}: {self.message}"


class ConfigError(HealthpulseError, ValueError):
    """A config file is missing, unparsable or invalid; the message says where."""
    error_code = "config"

    def __init__(self, path: str | Path, problems: Sequence[str | ConfigIssue]):
        self.path = str(path)
        self.issues = [p if isinstance(p, ConfigIssue) else ConfigIssue(self.path, None, "", p, kind="raw")
                       for p in problems]
        self.problems = [p if isinstance(p, str) else str(p) for p in problems]
        super().__init__("\n".join(self.problems))


def duplicate_id(what: str, value: str, list_key: str, index: int, first: int) -> PydanticCustomError:
    """The error a model validator raises for an id given twice: it points at the second entry's ``id``."""
    return PydanticCustomError("duplicate_id", "duplicate {what} id '{value}'",
                               {"what": what, "value": value, "at": (list_key, index, "id"),
                                "first_at": (list_key, first, "id")})


def loc_to_str(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def line_of(node: yaml.Node | None, loc: Sequence[Any]) -> int | None:
    """Walk the composed YAML node tree along a pydantic error location."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if node is None:
            break
        nxt = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if getattr(key, "value", None) == part:
                    nxt = value
                    line = key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                nxt = node.value[part]
                line = nxt.start_mark.line + 1
        if nxt is None:
            break
        node = nxt
    return line


def _entry_name(data: Any, loc: Sequence[Any]) -> str | None:
    """The ``id`` of the list entry an error sits in, if it has one."""
    cur = data
    name = None
    for part in loc:
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(cur, dict) and isinstance(cur.get("id"), (str, int)):
            name = str(cur["id"])
    return name


def _model_in(annotation: Any) -> Any:
    """The pydantic model (or container of one) an annotation holds, unwrapping ``X | None`` and ``Annotated``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _model_in(inner[0]) if len(inner) == 1 else None
    return annotation


def allowed_keys(model: type[BaseModel] | None, loc: Sequence[Any]) -> list[str]:
    """The field names of the model at ``loc`` inside ``model`` ([] where a union makes it ambiguous)."""
    cur: Any = model
    for part in loc:
        cur = _model_in(cur)
        if isinstance(part, int):
            args = typing.get_args(cur)
            cur = args[0] if typing.get_origin(cur) is list and args else None
        elif isinstance(cur, type) and issubclass(cur, BaseModel) and part in cur.model_fields:
            cur = cur.model_fields[part].annotation
        else:
            return []
    cur = _model_in(cur)
    return list(cur.model_fields) if isinstance(cur, type) and issubclass(cur, BaseModel) else []


def _message(e: Any, loc: tuple[Any, ...], model: type[BaseModel] | None
             ) -> tuple[tuple[Any, ...], str, str, dict[str, Any]]:
    """(location, English message, kind, extra context) with pydantic's jargon replaced where plainer words say more."""
    kind, msg, ctx = e["type"], e["msg"], e.get("ctx") or {}
    if loc and loc[-1] == "[key]":  # a dict key that is not allowed, e.g. sla_hours.hgih
        expected = ctx.get("expected")
        return (loc[:-1], f"unknown key; one of {expected}" if expected else f"invalid key: {msg}", "unknown_key",
                {"expected": expected} if expected else {})
    if kind == "extra_forbidden":
        given = [ctx["suggestion"]] if ctx.get("suggestion") else []  # a loader that knows better (a union's member)
        close = given or (difflib.get_close_matches(str(loc[-1]), allowed_keys(model, loc[:-1]), n=1) if loc else [])
        if close:
            return loc, f"unknown key; did you mean {close[0]}?", kind, {"suggestion": close[0]}
        return loc, "unknown key", kind, {}
    if kind == "value_error":
        return loc, msg.removeprefix("Value error, "), kind, {}
    return loc, msg, kind, {}


def format_validation_error(path: str | Path, err: ValidationError, data: Any, root: yaml.Node | None,
                            model: type[BaseModel] | None = None) -> list[ConfigIssue]:
    """Each pydantic error as a ``ConfigIssue`` with the YAML line (``root``) and entry id (``data``)."""
    problems = []
    for e in err.errors():
        ctx = dict(e.get("ctx") or {})
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        first_at = None
        if "at" in ctx and "first_at" in ctx:  # duplicate_id, duplicate_ivr: point at the second, name the first
            first_at = loc + tuple(ctx["first_at"])
        if isinstance(ctx.get("at"), tuple):  # a model-level error that names the key it is about
            loc = loc + ctx["at"]
        loc, message, kind, extra = _message(e, loc, model)
        ctx.update(extra)
        line = line_of(root, loc)
        if first_at is not None:
            first_line = line_of(root, first_at)
            ctx["first_line"] = first_line
            message += f" (first on line {first_line})" if first_line else f" (first as entry {first_at[-2]})"
        problems.append(ConfigIssue(str(path), line, loc_to_str(loc), message, kind, _entry_name(data, loc),
                                    {k: v for k, v in ctx.items() if k not in ("at", "first_at", "error")}))
    return problems


def _duplicate_keys(path: str, node: yaml.Node, loc: tuple[Any, ...], seen_nodes: set[int]) -> list[ConfigIssue]:
    """Every key given twice in one mapping, anywhere in the tree: the second one's line, and the first's."""
    if id(node) in seen_nodes:  # an alias of a node already walked
        return []
    seen_nodes.add(id(node))
    out: list[ConfigIssue] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name is not None and name != "<<":
                line = key.start_mark.line + 1
                if name in first:
                    out.append(ConfigIssue(path, line, loc_to_str((*loc, name)),
                                           f"key given twice (first on line {first[name]})", "duplicate_key",
                                           None, {"first_line": first[name]}))
                else:
                    first[name] = line
            out += _duplicate_keys(path, value, (*loc, name if name is not None else "?"), seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out += _duplicate_keys(path, item, (*loc, i), seen_nodes)
    return out


def parse_yaml_text(text: str, name: str | Path) -> tuple[Any, yaml.Node | None]:
    """YAML text → (data, node tree); syntax errors and keys given twice raise ``ConfigError`` naming ``name``."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = str(getattr(exc, "problem", None) or exc)
        issue = ConfigIssue(str(name), mark.line + 1 if mark is not None else None, "", f"invalid YAML: {problem}",
                            "yaml_syntax", None, {"problem": problem})
        raise ConfigError(name, [issue]) from None
    duplicates = _duplicate_keys(str(name), root, (), set()) if root is not None else []
    if duplicates:
        raise ConfigError(name, duplicates)
    return data, root


def read_yaml(path: str | Path) -> tuple[Any, yaml.Node | None]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(p, [ConfigIssue(str(p), None, "", "file not found", "file_not_found")]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(p, [ConfigIssue(str(p), None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                                          "not_utf8")]) from None
    return parse_yaml_text(text, p)


def validate_data(path: str | Path, model: type[M], data: Any, root: yaml.Node | None = None) -> M:
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as err:
        raise ConfigError(path, format_validation_error(path, err, data, root, model)) from None


def load_yaml_model(path: str | Path, model: type[M]) -> M:
    data, root = read_yaml(path)
    return validate_data(path, model, data, root)


def write_text_atomically(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step: a reader sees the old file or the new one, never half of it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
