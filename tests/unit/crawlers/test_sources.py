import pytest
from healthpulse.core.config_files import ConfigError
from healthpulse.crawlers.settings import BASE_SETTINGS, build_settings
from healthpulse.crawlers.sources import SourceConfig, load_sources, parse_schedule

GOOD = """\
sources:
  - id: ugra-news
    kind: rss
    url: https://example.org/rss.xml
    language: ru
    department: surgut
    schedule: 10m
    concurrency: 2
    download_delay: 0.5
  - id: list
    kind: html
    url: https://example.org/news/
    link_selector: "a.news"
    schedule: 1h
"""


def _write(tmp_path, text, name="sources.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_and_overrides(tmp_path):
    model = load_sources(_write(tmp_path, GOOD), department_ids={"surgut"})
    ugra, listing = model.sources
    assert ugra.schedule_seconds == 600 and listing.schedule_seconds == 3600
    assert ugra.scrapy_overrides() == {"CONCURRENT_REQUESTS_PER_DOMAIN": 2, "DOWNLOAD_DELAY": 0.5}
    settings = build_settings({"DOWNLOAD_TIMEOUT": 5}, ugra.scrapy_overrides())
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2 and settings["DOWNLOAD_TIMEOUT"] == 5


def test_errors_name_file_line_entry_and_key(tmp_path):
    bad = GOOD.replace("kind: rss", "kind: podcast").replace("schedule: 1h", "schedule: hourly")
    path = _write(tmp_path, bad)
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    message = str(err.value)
    assert f"{path}:3: sources[0].kind (entry 'ugra-news')" in message
    assert f"{path}:14: sources[1].schedule (entry 'list')" in message
    assert "10m" in message  # says what is accepted


def test_unknown_department_is_reported_with_its_line(tmp_path):
    path = _write(tmp_path, GOOD)
    with pytest.raises(ConfigError) as err:
        load_sources(path, department_ids={"nizhnevartovsk"})
    assert f"{path}:6: sources[0].department (entry 'ugra-news'): unknown department 'surgut'" in str(err.value)


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("  - id: x\n    kind: html\n    url: https://e.org/\n", "link_selector is required"),
        ("  - id: x\n    kind: rss\n    url: ftp://e.org/\n", "absolute http(s) URL"),
        ("  - id: x\n    kind: rss\n    url: https://e.org/\n    language: de\n", "language must be one of"),
        ("  - id: x\n    kind: rss\n    url: https://e.org/\n    colour: red\n", "colour"),
        ("  - id: x\n    kind: rss\n    url: https://e.org/\n  - id: x\n    kind: rss\n    url: https://e.org/2\n", "duplicate source id"),
        ("  - id: Bad Id\n    kind: rss\n    url: https://e.org/\n", "id must be lower-case"),
    ],
)
def test_invalid_entries(tmp_path, snippet, expected):
    with pytest.raises(ConfigError) as err:
        load_sources(_write(tmp_path, "sources:\n" + snippet))
    assert expected in str(err.value)


def test_empty_and_unparsable_files(tmp_path):
    with pytest.raises(ConfigError, match="sources"):
        load_sources(_write(tmp_path, "sources: []\n"))
    with pytest.raises(ConfigError, match=r"sources.yaml:\d+: invalid YAML"):
        load_sources(_write(tmp_path, "sources:\n  - id: [\n"))
    with pytest.raises(ConfigError, match="file not found"):
        load_sources(tmp_path / "missing.yaml")


def test_schedules():
    assert parse_schedule("30s") == 30 and parse_schedule("2h") == 7200 and parse_schedule("1d") == 86400
    for bad in ("5s", "10", "ten minutes", "1w"):
        with pytest.raises(ValueError):
            parse_schedule(bad)


def test_polite_defaults():
    assert BASE_SETTINGS["ROBOTSTXT_OBEY"] is True
    assert BASE_SETTINGS["AUTOTHROTTLE_ENABLED"] is True
    assert "healthpulse" in BASE_SETTINGS["USER_AGENT"] and "Scrapy" not in BASE_SETTINGS["USER_AGENT"]
    assert BASE_SETTINGS["DOWNLOAD_MAXSIZE"] < 20 * 1024 * 1024
    assert BASE_SETTINGS["REDIRECT_MAX_TIMES"] <= 10
    assert 500 in BASE_SETTINGS["RETRY_HTTP_CODES"] and BASE_SETTINGS["RETRY_TIMES"] >= 1
    src = SourceConfig(id="a", kind="rss", url="https://e.org/", obey_robots=False, user_agent="X/1")
    assert src.scrapy_overrides() == {"ROBOTSTXT_OBEY": False, "USER_AGENT": "X/1"}


def test_bundled_example_is_valid_against_the_bundled_departments():
    from pathlib import Path

    from healthpulse.core.departments import load_departments
    from healthpulse.core.resources import bundled_departments_path

    example = Path(__file__).resolve().parents[3] / "crawlers" / "sources.example.yaml"
    departments = load_departments(bundled_departments_path())
    model = load_sources(example, set(departments.ids))
    assert {s.kind for s in model.sources} == {"rss", "sitemap", "html", "telegram", "vk", "youtube"}


SOCIAL = """\
sources:
  - id: tg
    kind: telegram
    channel: ugra_health
  - id: tg-mirror
    kind: telegram
    channel: ugra_health
    base_url: http://127.0.0.1:8080/
    depth: 5
  - id: vk-wall
    kind: vk
    domain: ugra_health
  - id: vk-owner
    kind: vk
    owner_id: -123456
  - id: yt
    kind: youtube
    feed_url: https://www.youtube.com/feeds/videos.xml?channel_id=UC1
    transcribe: true
"""


def test_social_kinds_and_their_defaults(tmp_path):
    tg, mirror, wall, owner, yt = load_sources(_write(tmp_path, SOCIAL)).sources
    assert tg.start_url == "https://t.me/s/ugra_health"
    assert mirror.start_url == "http://127.0.0.1:8080/s/ugra_health" and mirror.depth == 5
    assert (wall.domain, wall.owner_id, owner.owner_id) == ("ugra_health", None, -123456)
    assert yt.start_url.endswith("channel_id=UC1") and yt.transcribe is True


@pytest.mark.parametrize(
    ("entry", "line", "key", "expected"),
    [
        ("  - id: t\n    kind: telegram\n    url: https://t.me/x\n", 4, "url", "url is only for kind rss"),
        ("  - id: t\n    kind: telegram\n    base_url: https://t.me\n", 2, "channel", "channel is required"),
        ("  - id: v\n    kind: vk\n    domain: a_b\n    owner_id: 5\n", 4, "domain", "exactly one of domain or owner_id"),
        ("  - id: y\n    kind: youtube\n    feed_url: ftp://x\n", 4, "feed_url", "absolute http(s) URL"),
        ("  - id: r\n    kind: rss\n    url: https://e.org/\n    transcribe: true\n", 5, "transcribe",
         "transcribe is only for kind youtube"),
        ("  - id: t\n    kind: telegram\n    channel: 'a b'\n", 4, "channel", "pattern"),
    ],
)
def test_kind_keys_are_checked_with_file_line_and_key(tmp_path, entry, line, key, expected):
    path = _write(tmp_path, "sources:\n" + entry)
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    assert f"{path}:{line}: sources[0].{key} (entry " in str(err.value)
    assert expected in str(err.value)
