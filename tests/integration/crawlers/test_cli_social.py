"""``healthpulse crawl --sources FILE --once`` with news, Telegram, VK and YouTube sources in one file, and
``healthpulse sources check FILE``.

Telegram, VK and YouTube are fakes of third parties we cannot reach here (tests/fixtures/social/server.py
serves their documented public structures); the news site is the fixture site.  The VK API root and token
come from the settings (``HEALTHPULSE_VK_API_URL``, ``HEALTHPULSE_VK_TOKEN``), as in a deployment.
"""

from __future__ import annotations

import json

import pytest
from healthpulse.cli import main

from tests.fixtures.social.server import VK_TOKEN

pytestmark = pytest.mark.integration


def _mixed(tmp_path, site, social):
    path = tmp_path / "sources.yaml"
    path.write_text(f"""sources:
  - id: atom-main
    kind: atom
    url: {site.base}/feeds/atom.xml
    download_delay: 0
    autothrottle: false
  - id: tg-ugra
    kind: telegram
    channel: ugra_health
    base_url: {social.base}
    depth: 1
    download_delay: 0
    autothrottle: false
  - id: tg-private
    kind: telegram
    channel: private_chan
    base_url: {social.base}
  - id: vk-ugra
    kind: vk
    domain: ugra_wall
    depth: 1
  - id: yt-ugra
    kind: youtube
    feed_url: {social.base}/feeds/videos.xml?channel_id=UC1
""", encoding="utf-8")
    return path


@pytest.fixture
def vk_env(social, monkeypatch):
    monkeypatch.setenv("HEALTHPULSE_VK_API_URL", f"{social.base}/method")
    monkeypatch.setenv("HEALTHPULSE_VK_TOKEN", VK_TOKEN)


def test_crawl_once_ingests_news_and_social_sources(tmp_path, site, social, vk_env, cli_container, capsys):
    social.add_video("vid1", "Репортаж о новой больнице", "Открытие корпуса в Сургуте")
    out = tmp_path / "new.jsonl"
    sources = _mixed(tmp_path, site, social)
    assert main(["crawl", "--sources", str(sources), "--once", "--jsonl", str(out), "--workers", "0"]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_source: dict[str, list[dict]] = {}
    for line in lines:
        by_source.setdefault(line["source"], []).append(line)
    assert {k: len(v) for k, v in by_source.items()} == {"atom-main": 3, "tg-ugra": 19, "vk-ugra": 100, "yt-ugra": 1}
    tg = next(line for line in by_source["tg-ugra"] if line["url"] == f"{social.base}/ugra_health/145")
    assert tg["channel"] == "social" and tg["author"] == "Минздрав Югры" and tg["published_at"].startswith("2024-03-01")
    assert tg["reach"] == {"views": 12_500, "reactions": 1_500, "forwards": None, "comments": None}
    assert by_source["vk-ugra"][0]["reach"]["forwards"] == 1 and by_source["yt-ugra"][0]["reach"]["views"] == 1000
    assert all(line["channel"] == "news" and line["reach"] is None for line in by_source["atom-main"])
    err = capsys.readouterr().err
    private = next(row for row in err.splitlines() if row.startswith("tg-private"))
    assert private.split()[-1] == "1"  # its error is in the run's table
    assert cli_container[-1].pipeline.count_documents() == len(lines)

    # a second run fetches nothing old: no new lines, one preview page, one wall page
    social.log.clear()
    assert main(["crawl", "--sources", str(sources), "--once", "--jsonl", str(out), "--workers", "0"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(lines)
    assert social.requests("/s/ugra_health") == ["/s/ugra_health"]
    assert social.requests("/method/") == ["/method/wall.get POST ugra_wall offset=0"]


def test_sources_check_fetches_once_and_prints_a_table(tmp_path, site, social, vk_env, cli_container, capsys):
    social.add_video("vid1", "Репортаж", "Открытие корпуса")
    sources = _mixed(tmp_path, site, social)
    assert main(["sources", "check", str(sources)]) == 1  # one source (the private channel) fails
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()}
    assert rows["source"][:4] == ["source", "kind", "status", "found"]
    assert rows["atom-main"][1:4] == ["atom", "ok", "3"]
    assert rows["tg-ugra"][1:4] == ["telegram", "ok", "20"]
    assert rows["vk-ugra"][1:4] == ["vk", "ok", "100"]
    assert rows["yt-ugra"][1:4] == ["youtube", "ok", "1"]
    assert rows["tg-private"][2] == "error" and "no_public_preview=1" in rows["tg-private"][4:]
    assert social.requests("/s/ugra_health") == ["/s/ugra_health"]  # one fetch per source, no paging
    assert site.requests("/news/") == []  # and no article followed
    assert cli_container[-1].pipeline.count_documents() == 0  # nothing stored

    private_wall = sources.read_text(encoding="utf-8").replace("domain: ugra_wall", "domain: private_wall")
    sources.write_text(private_wall, encoding="utf-8")
    assert main(["sources", "check", str(sources), "--only", "vk-ugra"]) == 1
    assert "vk_error_30=1" in capsys.readouterr().out
