"""VK public walls through ``wall.get``, against a fake of VK's API (we cannot reach api.vk.com here).

The fake (tests/fixtures/social/server.py) answers ``/method/wall.get`` in the API's documented structure:
``{"response": {"count", "items"}}`` or ``{"error": {"error_code", "error_msg"}}``; its base URL reaches
the spider through the ``vk_api_url`` setting, as a deployment's would.
"""

from __future__ import annotations

import logging

import pytest
from healthpulse.core.domain import Channel
from healthpulse.core.settings import CrawlSettings
from healthpulse.crawlers.sources import SourceConfig
from pydantic import SecretStr

from tests.fixtures.social.server import VK_TOKEN

from .conftest import make_runner

pytestmark = pytest.mark.integration


def _vk(domain, **kw):
    return SourceConfig(id=f"vk-{domain}".replace("_", "-"), kind="vk", domain=domain, language="ru", **kw)


def _settings(social, token=VK_TOKEN):
    return CrawlSettings(f"{social.base}/method", SecretStr(token) if token else None)


def test_wall_is_paged_by_offset_then_only_newer_posts(container, social):
    source = _vk("ugra_wall", depth=2)
    report = make_runner(container, crawl_settings=_settings(social)).run_once([source])
    assert social.requests("/method/") == ["/method/wall.get POST ugra_wall offset=0",
                                           "/method/wall.get POST ugra_wall offset=100"]
    stats = report.by_source()["vk-ugra-wall"]
    assert stats.new == 130 and stats.errors == 0
    top = next(d for d in report.documents if d.url == "https://vk.com/wall-77_130")
    assert top.channel == Channel.SOCIAL and top.source == "vk-ugra-wall" and top.published_at is not None
    assert top.reach is not None and top.reach.model_dump() == {"views": 12_900, "reactions": 3, "forwards": 1,
                                                                "comments": 2}
    social.add_vk_post("ugra_wall", "Срочно: в Когалыме нет мест в детской больнице", views=5)
    social.log.clear()
    again = make_runner(container, crawl_settings=_settings(social)).run_once([source])
    assert social.requests("/method/") == ["/method/wall.get POST ugra_wall offset=0"]
    assert [d.url for d in again.documents] == ["https://vk.com/wall-77_131"]


def test_api_errors_are_named_per_source_and_counted(container, social, caplog):
    sources = [_vk("private_wall"), _vk("closed_wall"), _vk("busy_wall")]
    with caplog.at_level(logging.WARNING):
        report = make_runner(container, crawl_settings=_settings(social)).run_once(sources)
    stats = report.by_source()
    assert stats["vk-private-wall"].details["vk_error_30"] == 1 and stats["vk-private-wall"].errors == 1
    assert stats["vk-closed-wall"].details["vk_error_15"] == 1
    assert stats["vk-busy-wall"].details["vk_backoff"] == 1 and stats["vk-busy-wall"].new == 3  # error 6: waited, asked again
    assert "source=vk-private-wall: VK error 30 (This profile is private): the wall is private" in caplog.text
    assert VK_TOKEN not in caplog.text


def test_invalid_or_missing_token(container, social, caplog):
    with caplog.at_level(logging.WARNING):
        bad = make_runner(container, crawl_settings=_settings(social, "stolen")).run_once([_vk("ugra_wall")])
    assert bad.by_source()["vk-ugra-wall"].details["vk_error_5"] == 1 and bad.documents == []
    assert "source=vk-ugra-wall: VK error 5" in caplog.text and "HEALTHPULSE_VK_TOKEN" in caplog.text
    social.log.clear()
    none = make_runner(container, crawl_settings=_settings(social, None)).run_once([_vk("ugra_wall")])
    assert none.by_source()["vk-ugra-wall"].details["vk_no_token"] == 1 and social.requests("/method/") == []


def test_comments_become_documents_and_a_failed_comments_call_keeps_its_post(container, social, caplog):
    """``comments: true``: wall.getComments for each new post (fake VK API, see the module docstring)."""
    source = _vk("talk_wall", comments=True)
    with caplog.at_level(logging.WARNING):
        report = make_runner(container, crawl_settings=_settings(social)).run_once([source])
    asked = social.requests("/method/wall.getComments")
    assert sorted(asked) == ["/method/wall.getComments POST -88 offset=None post_id=1",
                             "/method/wall.getComments POST -88 offset=None post_id=2"]  # post 3 has none
    docs = {d.url: d for d in report.documents}
    assert set(docs) == {"https://vk.com/wall-88_1", "https://vk.com/wall-88_2", "https://vk.com/wall-88_3",
                         "https://vk.com/wall-88_1?reply=501", "https://vk.com/wall-88_1?reply=502"}
    first = docs["https://vk.com/wall-88_1?reply=501"]
    assert first.channel == Channel.SOCIAL and first.source == "vk-talk-wall" and first.author == "Анна Петрова"
    assert first.text == "Моя мама ждёт приёма третий месяц" and first.reach is not None and first.reach.reactions == 12
    assert docs["https://vk.com/wall-88_1?reply=502"].author == "Больница Когалыма"
    assert docs["https://vk.com/wall-88_1"].reach.comments == 2  # VK's count, and the two comments read
    kept = docs["https://vk.com/wall-88_2"]  # its comments answered error 212: the post is not lost
    assert kept.text == "Скорая ехала к ребёнку полтора часа" and kept.reach.views == 900
    stats = report.by_source()["vk-talk-wall"]
    assert stats.details["vk_comments_error_212"] == 1 and stats.details["comments"] == 2
    assert stats.details["empty_comments"] == 1
    assert "comments of https://vk.com/wall-88_2 not read: VK error 212" in caplog.text and VK_TOKEN not in caplog.text


def test_comments_key_belongs_to_vk_only():
    with pytest.raises(ValueError, match="comments"):
        SourceConfig(id="tg", kind="telegram", channel="ugra_health", comments=True)
