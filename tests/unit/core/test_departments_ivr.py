"""The departments file's hotline map: ``ivr:`` per department, ``ivr_topics:`` at the top; mistakes name file, line, key."""

from pathlib import Path

import pytest
from healthpulse.core.config_files import ConfigError
from healthpulse.core.departments import load_departments
from healthpulse.core.resources import bundled_departments_path

FILE = """departments:
  - id: hcmc
    name: HCMC
    places: [HCMC]
    ivr: ["101", "102", "1-3"]
  - id: hanoi
    name: Hanoi
    places: [Hanoi]
    ivr: ["1"]
ivr_topics:
  "101": drug_supply
  "1": waiting_times
  "1-3-2": emergency_care
"""


def _load(tmp_path: Path, text: str):
    p = tmp_path / "deps.yaml"
    p.write_text(text, encoding="utf-8")
    return p, load_departments(p)


def _error(tmp_path: Path, text: str) -> tuple[Path, str]:
    p = tmp_path / "deps.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_departments(p)
    return p, str(err.value)


@pytest.mark.parametrize("path,expected", [
    ("101", ("hcmc", "drug_supply")),
    ("102", ("hcmc", None)),
    ("1-3", ("hcmc", "waiting_times")),      # the longer listed prefix 1-3 beats 1 for the department
    ("1/3/2", ("hcmc", "emergency_care")),   # separators a PBX may use; the longest topic prefix wins
    ("1-4", ("hanoi", "waiting_times")),
    ("۱۰۱", ("hcmc", "drug_supply")),        # Persian digits
    ("9", (None, None)),                     # unknown: the triage queue
    ("", (None, None)),
    (None, (None, None)),
])
def test_ivr_route_longest_prefix(tmp_path, path, expected):
    _p, deps = _load(tmp_path, FILE)
    assert deps.ivr_route(path) == expected


def test_a_path_given_to_two_departments_names_both_lines(tmp_path):
    p, msg = _error(tmp_path, FILE.replace('ivr: ["1"]', 'ivr: ["7", "102"]'))
    assert f"{p}:9: departments[1].ivr[1] (entry 'hanoi'): IVR path '102' is routed to two departments (first on line 5)" \
        in msg


def test_a_path_that_is_not_digits_is_refused_with_its_line(tmp_path):
    p, msg = _error(tmp_path, FILE.replace('"102"', '"sales"'))
    assert f"{p}:5: departments[0].ivr (entry 'hcmc'): 'sales' is not an IVR path" in msg


def test_a_bad_topic_id_is_refused_with_its_line(tmp_path):
    p, msg = _error(tmp_path, FILE.replace("drug_supply", "Drug Supply"))
    assert f"{p}:10: ivr_topics: 'Drug Supply' is not a topic id" in msg


def test_the_bundled_file_routes_the_hcmc_layout():
    deps = load_departments(bundled_departments_path())
    assert deps.ivr_route("104") == ("hcmc", "drug_supply")
    assert deps.ivr_route("106")[0] == "hcmc"
    assert deps.ivr_route("1-1") == ("surgut", "drug_supply")
