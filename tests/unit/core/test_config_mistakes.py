"""Config mistakes that used to pass silently: each is an error naming the file, the line and the key.

Every example goes through the product's real loader of that file (settings,
departments, rules, crawler sources, the bundled NLP data files share it).
"""

from pathlib import Path

import pytest
from healthpulse.alerts.rules_file import load_rules
from healthpulse.core.config_files import ConfigError
from healthpulse.core.departments import load_departments
from healthpulse.core.settings import load_settings
from healthpulse.crawlers.sources import load_sources
from healthpulse.nlp.taxonomy import load_taxonomy


@pytest.fixture(autouse=True)
def _no_settings_env(monkeypatch):
    """Only the variables a test sets itself."""
    for k in list(__import__("os").environ):
        if k.startswith("HEALTHPULSE_"):
            monkeypatch.delenv(k)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _error(fn, *args, **kwargs) -> str:
    with pytest.raises(ConfigError) as err:
        fn(*args, **kwargs)
    return str(err.value)


def test_settings_key_given_twice_names_both_lines(tmp_path):
    cfg = _write(tmp_path, "hp.yaml", "smtp_host: mail.example\nmax_upload_mb: 100\nsmtp_host: other.example\n")
    msg = _error(load_settings, cfg)
    assert f"{cfg}:3: smtp_host: key given twice (first on line 1)" in msg


def test_nested_key_given_twice(tmp_path):
    cfg = _write(tmp_path, "hp.yaml", "sla_hours:\n  high: 24\n  low: 120\n  high: 12\n")
    assert f"{cfg}:4: sla_hours.high: key given twice (first on line 2)" in _error(load_settings, cfg)


def test_negative_upload_limit(tmp_path):
    cfg = _write(tmp_path, "hp.yaml", "base_url: http://hp.example\nmax_upload_mb: -5\n")
    msg = _error(load_settings, cfg)
    assert f"{cfg}:2: max_upload_mb: Input should be greater than 0" in msg


@pytest.mark.parametrize("key,value", [("smtp_port", 70000), ("whisper_threads", 0), ("max_video_seconds", 0),
                                       ("upload_rate_per_hour", -1), ("max_text_chars", 0)])
def test_numbers_out_of_range(tmp_path, key, value):
    cfg = _write(tmp_path, "hp.yaml", f"{key}: {value}\n")
    assert f"{cfg}:1: {key}: Input should be" in _error(load_settings, cfg)


def test_sla_hours_misspelt_severity(tmp_path):
    cfg = _write(tmp_path, "hp.yaml", "sla_hours:\n  high: 24\n  hgih: 24\n")
    msg = _error(load_settings, cfg)
    assert f"{cfg}:3: sla_hours.hgih: unknown key; one of 'low', 'medium', 'high' or 'critical'" in msg


def test_sla_hours_must_be_positive(tmp_path):
    cfg = _write(tmp_path, "hp.yaml", "sla_hours:\n  low: 0\n")
    assert f"{cfg}:2: sla_hours.low: Input should be greater than 0" in _error(load_settings, cfg)


def test_low_sla_is_configurable(tmp_path):
    cfg = _write(tmp_path, "hp.yaml", "sla_hours:\n  low: 120\n")
    assert load_settings(cfg).sla_hours["low"] == 120


def test_env_typo_suggests_the_setting(monkeypatch):
    monkeypatch.setenv("HEALTHPULSE_SMTP_PROT", "2525")
    msg = _error(load_settings, None)
    assert "unknown setting HEALTHPULSE_SMTP_PROT; did you mean HEALTHPULSE_SMTP_PORT?" in msg


def test_env_typo_without_a_close_match(monkeypatch):
    monkeypatch.setenv("HEALTHPULSE_QQQQ", "1")
    msg = _error(load_settings, None)
    assert "unknown setting HEALTHPULSE_QQQQ" in msg and "did you mean" not in msg


def test_env_names_that_are_not_settings_are_accepted(monkeypatch, tmp_path):
    """The config file's own variable, nested SLA keys and the tools' variables are not typos."""
    cfg = _write(tmp_path, "hp.yaml", "max_upload_mb: 10\n")
    monkeypatch.setenv("HEALTHPULSE_CONFIG", str(cfg))
    monkeypatch.setenv("HEALTHPULSE_SLA_HOURS__LOW", "120")
    monkeypatch.setenv("HEALTHPULSE_TEST_POSTGRES_URL", "postgresql://x")
    monkeypatch.setenv("HEALTHPULSE_NLP_CACHE", str(tmp_path))
    s = load_settings(None)
    assert s.max_upload_mb == 10 and s.sla_hours["low"] == 120


def test_env_value_out_of_range_names_the_variable(monkeypatch):
    monkeypatch.setenv("HEALTHPULSE_MAX_UPLOAD_MB", "-5")
    assert "HEALTHPULSE_MAX_UPLOAD_MB: Input should be greater than 0" in _error(load_settings, None)


def test_yaml_key_typo_suggests_the_setting(tmp_path):
    cfg = _write(tmp_path, "hp.yaml", "smtp_prot: 25\n")
    assert f"{cfg}:1: smtp_prot: unknown key; did you mean smtp_port?" in _error(load_settings, cfg)


DEPARTMENT = "  - id: {id}\n    name: {id}\n    places: [{id}]\n    timezone: {tz}\n"


def test_department_timezone_must_exist(tmp_path):
    f = _write(tmp_path, "deps.yaml", "departments:\n" + DEPARTMENT.format(id="surgut", tz="Asia/Yekaterinburg")
               + DEPARTMENT.format(id="olympus", tz="Mars/Olympus"))
    msg = _error(load_departments, f)
    assert f"{f}:9: departments[1].timezone (entry 'olympus'): unknown time zone 'Mars/Olympus'" in msg


def test_duplicate_department_id_points_at_the_second(tmp_path):
    f = _write(tmp_path, "deps.yaml", "departments:\n" + DEPARTMENT.format(id="surgut", tz="UTC")
               + DEPARTMENT.format(id="cairo", tz="UTC") + DEPARTMENT.format(id="surgut", tz="UTC"))
    msg = _error(load_departments, f)
    assert f"{f}:10: departments[2].id (entry 'surgut'): duplicate department id 'surgut' (first on line 2)" in msg


def test_department_key_given_twice(tmp_path):
    f = _write(tmp_path, "deps.yaml", "departments:\n  - id: a\n    name: A\n    places: [x]\n    name: B\n")
    assert f"{f}:5: departments[0].name: key given twice (first on line 3)" in _error(load_departments, f)


def test_rules_key_given_twice_and_duplicate_rule_id(tmp_path):
    p = _write(tmp_path, "rules.yaml", "rules:\n  - id: a\n    type: incident\n    min_severity: low\n"
                                       "    min_severity: high\n")
    assert f"{p}:5: rules[0].min_severity: key given twice (first on line 4)" in _error(load_rules, p)
    p = _write(tmp_path, "rules.yaml", "rules:\n  - {id: a, type: incident}\n  - {id: b, type: incident}\n"
                                       "  - {id: a, type: incident}\n")
    assert f"{p}:4: rules[2].id (entry 'a'): duplicate rule id 'a' (first on line 2)" in _error(load_rules, p)


def test_tickets_section_key_given_twice(tmp_path):
    p = _write(tmp_path, "rules.yaml", "tickets:\n  survey_days: 14\n  survey_days: 7\n")
    assert f"{p}:3: tickets.survey_days: key given twice (first on line 2)" in _error(load_rules, p)


SOURCE = "  - id: {id}\n    kind: rss\n    url: https://{id}.example/feed\n"


def test_sources_duplicate_id_and_key_given_twice(tmp_path):
    f = _write(tmp_path, "sources.yaml", "sources:\n" + SOURCE.format(id="a") + SOURCE.format(id="a"))
    assert f"{f}:5: sources[1].id (entry 'a'): duplicate source id 'a' (first on line 2)" in _error(load_sources, f)
    f = _write(tmp_path, "sources.yaml", "sources:\n" + SOURCE.format(id="a") + "    kind: atom\n")
    assert f"{f}:5: sources[0].kind: key given twice (first on line 3)" in _error(load_sources, f)


def test_taxonomy_key_given_twice(tmp_path):
    f = _write(tmp_path, "taxonomy.yaml", "topics:\n  - id: a\n    labels: {en: A, en: B}\n")
    assert f"{f}:3: topics[0].labels.en: key given twice (first on line 3)" in _error(load_taxonomy, f)


def test_department_language_must_be_one_the_product_speaks(tmp_path):
    f = _write(tmp_path, "deps.yaml", "departments:\n  - id: berlin\n    name: Berlin\n    places: [Berlin]\n"
                                      "    language: de\n")
    msg = _error(load_departments, f)
    assert f"{f}:5: departments[0].language (entry 'berlin'): notifications are written in ru, ar, fa, vi or en" in msg
