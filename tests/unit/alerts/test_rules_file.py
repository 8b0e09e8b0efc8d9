from pathlib import Path

import pytest
from healthpulse.alerts.rules.registry import RULE_TYPES
from healthpulse.alerts.rules_file import DEFAULT_RULES_FILE, load_rules
from healthpulse.core.config_files import ConfigError
from healthpulse.core.departments import load_departments
from healthpulse.core.resources import bundled_departments_path


def test_default_rules_file_loads_every_rule_type():
    rs = load_rules(None, load_departments(bundled_departments_path()))
    assert rs.path == DEFAULT_RULES_FILE
    assert {r.type for r in rs.rules} == {"incident", "spike", "watchlist"}
    assert {type(r).__name__ for r in rs.rules} == {"IncidentRule", "SpikeRule", "WatchlistRule"}
    assert set(RULE_TYPES) >= {"incident", "spike", "watchlist", "flatline"}
    assert [(r.type, r.enabled) for r in rs.config.rules if r.type == "flatline"] == [("flatline", False)]  # optional


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "rules.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_errors_name_file_line_rule_and_field(tmp_path):
    p = _write(tmp_path, """rules:
  - id: big-incidents
    type: incident
    min_severity: huge
  - id: flu-spike
    type: spike
    min_count: 0
  - id: hospitals
    type: watchlist
    terms: []
    colour: red
""")
    with pytest.raises(ConfigError) as exc:
        load_rules(p)
    msg = str(exc.value)
    assert f"{p}:4: rules[0].min_severity (entry 'big-incidents')" in msg
    assert f"{p}:7: rules[1].min_count (entry 'flu-spike')" in msg
    assert f"{p}:10: rules[2].terms (entry 'hospitals')" in msg
    assert f"{p}:11: rules[2].colour (entry 'hospitals'): unknown key" in msg


def test_unknown_type_lists_the_known_ones(tmp_path):
    p = _write(tmp_path, "rules:\n  - id: x\n    type: sentiment\n")
    with pytest.raises(ConfigError) as exc:
        load_rules(p)
    assert "'sentiment'" in str(exc.value) and "'incident', 'spike', 'watchlist'" in str(exc.value)
    assert f"{p}:2: rules[0] (entry 'x')" in str(exc.value)


def test_duplicate_ids_and_unknown_departments(tmp_path):
    deps = load_departments(bundled_departments_path())
    p = _write(tmp_path, "rules:\n  - {id: a, type: incident}\n  - {id: a, type: incident}\n")
    with pytest.raises(ConfigError, match="duplicate rule id 'a'"):
        load_rules(p, deps)
    p = _write(tmp_path, "rules:\n  - {id: w, type: watchlist, terms: [x], department: atlantis}\n")
    with pytest.raises(ConfigError, match="unknown department 'atlantis'"):
        load_rules(p, deps)


def test_invalid_yaml_names_the_line(tmp_path):
    p = _write(tmp_path, "rules:\n  - id: a\n   type: [incident\n")
    with pytest.raises(ConfigError) as exc:
        load_rules(p)
    assert str(p) in str(exc.value) and "invalid YAML" in str(exc.value)


def test_runtime_reloads_an_edited_rules_file_and_keeps_rules_when_broken(tmp_path, fclock):
    import os

    from healthpulse.alerts.runtime import AlertsRuntime

    from tests.support.containers import make_container

    p = _write(tmp_path, "rules:\n  - {id: a, type: incident}\n")
    c = make_container(tmp_path, clock=fclock, index=None, rules_file=p)
    try:
        assert [r.id for r in AlertsRuntime.of(c).rules.rules] == ["a"]
        p.write_text("rules:\n  - {id: a, type: incident}\n  - {id: b, type: watchlist, terms: [x]}\n")
        os.utime(p, (1, 1))
        assert [r.id for r in AlertsRuntime.of(c).rules.rules] == ["a", "b"]
        p.write_text("rules:\n  - {id: a, type: nonsense}\n")
        os.utime(p, (2, 2))
        assert [r.id for r in AlertsRuntime.of(c).rules.rules] == ["a", "b"]
    finally:
        c.close()


def test_a_new_rule_type_is_a_class_and_its_config_model(tmp_path):
    from typing import Literal

    from healthpulse.alerts.rules.base import Firing, Rule, RuleConfig
    from healthpulse.alerts.rules.registry import register_rule

    class NegativeToneRuleConfig(RuleConfig):
        type: Literal["negative_tone"]
        min_score: float = 0.9

    @register_rule
    class NegativeToneRule(Rule):
        type = "negative_tone"
        config_model = NegativeToneRuleConfig

        def evaluate(self, ctx, docs):
            return [Firing(self.id, self.type, "low", d.id, [d.id]) for d in docs
                    if d.analysis and d.analysis.sentiment and d.analysis.sentiment.score >= self.config.min_score]

    try:
        p = _write(tmp_path, "rules:\n  - {id: tone, type: negative_tone, min_score: 0.5}\n")
        rs = load_rules(p)
        assert [type(r).__name__ for r in rs.rules] == ["NegativeToneRule"]
        bad = _write(tmp_path, "rules:\n  - {id: tone, type: negative_tone, min_score: high}\n")
        with pytest.raises(ConfigError, match=r"rules\[0\].min_score \(entry 'tone'\)"):
            load_rules(bad)
    finally:
        RULE_TYPES.pop("negative_tone")
