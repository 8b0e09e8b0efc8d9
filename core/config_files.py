"""Load YAML config files into pydantic models with errors a person can act on.

Every config file of the product (settings, departments, sources, rules,
taxonomy) goes through ``load_yaml_model`` so that a mistake is reported as
``departments.yaml:12: departments[3].email: value is not a valid email``
— file, line, entry and key — instead of a schema dump.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from healthpulse.core.errors import HealthpulseError
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class ConfigError(HealthpulseError, ValueError):
    """A config file is missing, unparsable or invalid; the message says where."""
    error_code = "config"

    def __init__(self, path: str | Path, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        super().__init__("\n".join(problems))


def _loc_to_str(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
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


def _entry_name(data: Any, loc: tuple[Any, ...]) -> str | None:
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


def format_validation_error(path: str | Path, err: ValidationError, data: Any, root: yaml.Node | None) -> list[str]:
    problems = []
    for e in err.errors():
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        line = _line_of(root, loc)
        entry = _entry_name(data, loc)
        where = f"{path}:{line}" if line else str(path)
        entry_txt = f" (entry '{entry}')" if entry else ""
        problems.append(f"{where}: {_loc_to_str(loc)}{entry_txt}: {e['msg']}")
    return problems


def read_yaml(path: str | Path) -> tuple[Any, yaml.Node | None]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(p, [f"{p}: file not found"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(p, [f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(p, [f"{p}{line}: invalid YAML: {getattr(exc, 'problem', exc)}"]) from None
    return data, root


def validate_data(path: str | Path, model: type[M], data: Any, root: yaml.Node | None = None) -> M:
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as err:
        raise ConfigError(path, format_validation_error(path, err, data, root)) from None


def load_yaml_model(path: str | Path, model: type[M]) -> M:
    data, root = read_yaml(path)
    return validate_data(path, model, data, root)
