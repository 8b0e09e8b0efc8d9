from pathlib import Path

import pytest
from healthpulse.core.config_files import ConfigError
from healthpulse.core.departments import load_departments
from healthpulse.core.settings import load_settings


def test_defaults_are_embedded(monkeypatch):
    for k in list(__import__("os").environ):
        if k.startswith("HEALTHPULSE_"):
            monkeypatch.delenv(k)
    s = load_settings(None)
    assert s.database_url == "sqlite:///healthpulse.db"
    assert s.embedded_search
    assert s.sla_hours["critical"] == 4


def test_env_beats_yaml_and_yaml_beats_defaults(tmp_path: Path, monkeypatch):
    cfg = tmp_path / "hp.yaml"
    cfg.write_text("database_url: sqlite:///from-yaml.db\nsearch_url: http://127.0.0.1:9999\n", encoding="utf-8")
    monkeypatch.setenv("HEALTHPULSE_DATABASE_URL", "sqlite:///from-env.db")
    s = load_settings(cfg)
    assert s.database_url == "sqlite:///from-env.db"
    assert s.search_url == "http://127.0.0.1:9999"
    assert not s.embedded_search


def test_unknown_key_names_file_line_and_key(tmp_path: Path):
    cfg = tmp_path / "hp.yaml"
    cfg.write_text("database_url: sqlite:///x.db\n\nsearch_urll: http://x\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(cfg)
    msg = str(err.value)
    assert f"{cfg}:3" in msg and "search_urll" in msg


def test_bad_value_type(tmp_path: Path):
    cfg = tmp_path / "hp.yaml"
    cfg.write_text("max_upload_mb: lots\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"hp.yaml:1: max_upload_mb"):
        load_settings(cfg)


def test_invalid_yaml_reports_line(tmp_path: Path):
    cfg = tmp_path / "hp.yaml"
    cfg.write_text("a: 1\nb: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_settings(cfg)


def test_departments_error_names_entry_and_field(tmp_path: Path):
    f = tmp_path / "deps.yaml"
    f.write_text(
        "departments:\n"
        "  - id: surgut\n    name: Surgut\n    places: [Сургут]\n    email: surgut@health.example\n"
        "  - id: cairo\n    name: Cairo\n    places: [القاهرة]\n    email: not-an-email\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as err:
        load_departments(f)
    msg = str(err.value)
    assert f"{f}:9" in msg and "departments[1].email" in msg and "'cairo'" in msg


def test_duplicate_department_ids_refused(tmp_path: Path):
    f = tmp_path / "deps.yaml"
    f.write_text("departments:\n  - {id: a, name: A, places: [x]}\n  - {id: a, name: B, places: [y]}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="duplicate department id 'a'"):
        load_departments(f)


def test_bundled_departments_load():
    from healthpulse.core.resources import bundled_departments_path

    deps = load_departments(bundled_departments_path())
    assert {"surgut", "cairo", "riyadh", "tehran", "hcmc", "manchester"} <= set(deps.ids)


def test_timezone_is_an_iana_name(tmp_path: Path):
    cfg = tmp_path / "hp.yaml"
    cfg.write_text("timezone: Asia/Tehran\n", encoding="utf-8")
    assert load_settings(cfg).web.timezone == "Asia/Tehran"
    assert load_settings(None).timezone == "UTC"
    cfg.write_text("max_upload_mb: 5\ntimezone: Mars/Olympus\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"hp.yaml:2: timezone.*unknown time zone 'Mars/Olympus'"):
        load_settings(cfg)
