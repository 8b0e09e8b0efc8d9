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


def test_department_names_per_language_and_plain_names_still_load(tmp_path: Path):
    f = tmp_path / "deps.yaml"
    f.write_text(
        "departments:\n"
        "  - id: old\n    name: Old style department\n    places: [x]\n"
        "  - id: cairo\n    name:\n      ar: مديرية الشؤون الصحية بالقاهرة\n      ru: Управление здравоохранения Каира\n"
        "      en: Cairo health directorate\n    places: [القاهرة]\n"
        "  - id: noen\n    name: {fa: اداره بهداشت, vi: Sở Y tế}\n    places: [y]\n",
        encoding="utf-8",
    )
    deps = load_departments(f)
    old, cairo, noen = (deps.get(i) for i in ("old", "cairo", "noen"))
    assert old.name == "Old style department" and old.name.in_language("ar") == "Old style department"
    assert cairo.name == "Cairo health directorate"  # the plain value stays the English name
    assert cairo.name.in_language("ar") == "مديرية الشؤون الصحية بالقاهرة"
    assert cairo.name.in_language("ru") == "Управление здравоохранения Каира"
    assert cairo.name.in_language("vi") == "Cairo health directorate" and cairo.name.in_language(None) == cairo.name
    assert noen.name.in_language("en") == "اداره بهداشت" and noen.name.in_language("vi") == "Sở Y tế"
    # aliases confirmed later keep the names
    assert deps.with_places({"cairo": ["Le Caire"]}).get("cairo").name.in_language("ar") == cairo.name.in_language("ar")


@pytest.mark.parametrize("bad", ["{ar: ''}", "{}", "{arabic: x}", "[a, b]"])
def test_bad_department_name_names_file_line_and_key(tmp_path: Path, bad):
    f = tmp_path / "deps.yaml"
    f.write_text(f"departments:\n  - id: a\n    places: [x]\n    name: {bad}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_departments(f)
    assert f"{f}:4" in str(err.value) and "departments[0].name" in str(err.value)


def test_bundled_departments_are_named_in_every_ui_language():
    import re

    from healthpulse.core.resources import bundled_departments_path

    script = {"ru": "[А-Яа-я]", "ar": "[\u0600-\u06ff]", "fa": "[\u0600-\u06ff]", "vi": "[A-Za-zÀ-ỹ]", "en": "[A-Za-z]"}
    for dep in load_departments(bundled_departments_path()).departments:
        for lang, letters in script.items():
            local = dep.name.in_language(lang)
            assert re.search(letters, local), (dep.id, lang, local)
            if lang in ("ru", "ar", "fa"):
                assert local != dep.name, (dep.id, lang)


def test_distributed_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("HEALTHPULSE_BROKER_URL", "redis://broker:6379/0")
    monkeypatch.setenv("HEALTHPULSE_NLP_THREADS", "1")
    monkeypatch.setenv("HEALTHPULSE_CLUSTER_DIR", "/srv/cluster")  # scripts/cluster.sh's own: not a setting, no error
    s = load_settings(None)
    assert (s.broker_url, s.nlp_threads) == ("redis://broker:6379/0", 1)
    monkeypatch.setenv("HEALTHPULSE_NLP_THREADS", "0")
    with pytest.raises(ConfigError, match="HEALTHPULSE_NLP_THREADS: Input should be greater than or equal to 1"):
        load_settings(None)
