"""Telegram public channels through their web preview, against a fake of t.me (we cannot reach Telegram here).

The fake (tests/fixtures/social/server.py) serves ``/s/{channel}`` pages in the public preview's structure:
``div.tgme_widget_message[data-post]`` with text, views, date, reactions, forwarded-from, link preview.
"""

from __future__ import annotations

import pytest
from healthpulse.core.domain import Channel
from healthpulse.core.models.documents import DocumentRow
from healthpulse.crawlers.sources import SourceConfig
from healthpulse.crawlers.spiders.telegram import parse_count

from .conftest import make_runner

pytestmark = pytest.mark.integration


def _tg(social, channel, **kw):
    return SourceConfig(id=f"tg-{channel}".replace("_", "-"), kind="telegram", channel=channel, base_url=social.base,
                        language="ru", **kw)


def test_first_run_pages_back_to_depth_then_only_newer_posts(container, social):
    source = _tg(social, "ugra_health", depth=2)
    report = make_runner(container).run_once([source])
    stats = report.by_source()["tg-ugra-health"]
    # two pages of 20 (ids 106–145), one of them a photo without caption
    assert social.requests("/s/ugra_health") == ["/s/ugra_health", "/s/ugra_health?before=126"]
    assert stats.new == 39 and stats.details["media_only"] == 1 and stats.details["forwarded"] == 1
    docs = {d.url: d for d in report.documents}
    top = docs[f"{social.base}/ugra_health/145"]
    assert top.channel == Channel.SOCIAL and top.source == "tg-ugra-health" and top.author == "Минздрав Югры"
    assert top.reach is not None and (top.reach.views, top.reach.reactions, top.reach.forwards) == (12_500, 1_500, None)
    assert top.published_at is not None and top.published_at.isoformat().startswith("2024-03-01T10:25")
    assert docs[f"{social.base}/ugra_health/144"].title == "↪ Подслушано Сургут"
    assert "Новая поликлиника откроется в мае" in docs[f"{social.base}/ugra_health/142"].text  # the link preview
    assert f"{social.base}/ugra_health/105" not in docs
    with container.session() as s:
        assert s.get(DocumentRow, top.id).reach_score == 12_500

    new_ids = [social.add_tg_post("ugra_health", f"Срочно: в больнице Ханты-Мансийска отключили свет, пост {i}")
               for i in range(2)]
    social.log.clear()
    again = make_runner(container).run_once([source])
    assert social.requests("/s/") == ["/s/ugra_health"]  # one page: it reaches the last seen post
    assert sorted(d.url for d in again.documents) == [f"{social.base}/ugra_health/{i}" for i in new_ids]
    assert again.by_source()["tg-ugra-health"].details["skipped_seen"] == 18


def test_channel_without_preview_broken_and_huge_pages_are_counted_not_crashed(container, social):
    sources = [_tg(social, "private_chan"), _tg(social, "broken"), _tg(social, "huge")]
    report = make_runner(container).run_once(sources)
    stats = report.by_source()
    assert stats["tg-private-chan"].details["no_public_preview"] == 1 and stats["tg-private-chan"].errors == 1
    assert social.requests("/s/private_chan") == ["/s/private_chan"]  # reported once, not retried
    assert social.requests("/private_chan") == []  # and the redirect is not followed
    assert stats["tg-broken"].details["malformed_posts"] == 1 and stats["tg-broken"].new == 0
    assert stats["tg-huge"].errors >= 1 and stats["tg-huge"].new == 0
    assert report.documents == []


@pytest.mark.parametrize(("text", "count"), [("15", 15), ("1.2K", 1200), ("3,4M", 3_400_000), ("1,234", 1234),
                                             ("", None), ("many", None)])
def test_counts_as_the_preview_writes_them(text, count):
    assert parse_count(text) == count


def test_depth_beyond_scrapys_link_depth_limit(container, social):
    """Paging is bounded by the source's ``depth``, not by Scrapy's DEPTH_LIMIT (4) for links between pages."""
    for i in range(160):
        social.add_tg_post("long_chan", f"Пост номер {i}: очередь в поликлинике {i * 7}", views=str(i))
    report = make_runner(container).run_once([_tg(social, "long_chan", depth=7)])
    assert len(social.requests("/s/long_chan")) == 7
    assert report.by_source()["tg-long-chan"].new == 140


def test_channel_without_preview_is_asked_again_only_after_a_day(container, social, clock):
    from datetime import timedelta

    source = _tg(social, "private_chan")
    make_runner(container).run_once([source])
    clock.advance(timedelta(hours=2))
    skipped = make_runner(container).run_once([source]).by_source()["tg-private-chan"]
    assert skipped.details == {"no_public_preview_skipped": 1} and skipped.errors == 0
    assert social.requests("/s/private_chan") == ["/s/private_chan"]  # not asked again
    clock.advance(timedelta(hours=23))
    social.tg["private_chan"] = []  # meanwhile the channel opened its preview (an empty one)
    again = make_runner(container).run_once([source]).by_source()["tg-private-chan"]
    assert social.requests("/s/private_chan") == ["/s/private_chan", "/s/private_chan"]
    assert again.errors == 0
