"""YouTube channels through their Atom feed, against a fake of YouTube (we cannot reach youtube.com here).

The fake (tests/fixtures/social/server.py) serves ``/feeds/videos.xml`` in YouTube's feed structure
(``yt:videoId``, ``media:group`` with description, statistics and ``media:content``) and the media file it
points at: speech made with espeak-ng + ffmpeg, transcribed by the real Whisper base model.  A video whose
``media:content`` is a player (as on YouTube) is fetched from its watch page with yt-dlp (the fake's watch
"page" is the media file itself, which yt-dlp's generic extractor downloads).
"""

from __future__ import annotations

import pytest
from healthpulse.core.domain import Channel
from healthpulse.core.settings import load_settings
from healthpulse.crawlers.sources import SourceConfig
from healthpulse.video_intake.media_transcript import transcribe_media

from tests.support.synth import TEST_UTTERANCES, missing_tools, speech_wav
from tests.support.wer import check_transcript

from .conftest import make_runner

pytestmark = pytest.mark.integration


def _yt(social, **kw):
    return SourceConfig(id="yt-ugra", kind="youtube", feed_url=f"{social.base}/feeds/videos.xml?channel_id=UC1", **kw)


def test_new_videos_become_documents_and_second_run_fetches_nothing_old(container, social):
    social.add_video("vid1", "Репортаж: новая больница в Сургуте", "Открытие корпуса, интервью с главврачом")
    social.add_video("vid2", "Новости Югры", "Открытие корпуса, интервью с главврачом")  # same description
    report = make_runner(container).run_once([_yt(social)])
    docs = {d.url: d for d in report.documents}
    assert set(docs) == {"https://www.youtube.com/watch?v=vid1", "https://www.youtube.com/watch?v=vid2"}
    video = docs["https://www.youtube.com/watch?v=vid2"]
    assert video.channel == Channel.SOCIAL and video.author == "Югра ТВ" and video.title == "Новости Югры"
    assert video.reach is not None and (video.reach.views, video.reach.reactions) == (1000, 12)
    assert social.requests("/media/") == []  # no transcribe: no media fetched
    social.add_video("vid3", "Прямой эфир", "Вопросы о вакцинации")
    again = make_runner(container).run_once([_yt(social)])
    assert [d.url for d in again.documents] == ["https://www.youtube.com/watch?v=vid3"]
    assert again.by_source()["yt-ugra"].details["skipped_seen"] == 2


@pytest.mark.slow  # loads Whisper base and transcribes twice, like the other transcription tests
@pytest.mark.skipif(bool(missing_tools()), reason=f"needs {missing_tools()}")
def test_transcribe_true_fetches_the_media_and_adds_a_timed_transcript(container, social, tmp_path):
    text, _ = TEST_UTTERANCES["en"]
    social.add_video("tv1", "Regional TV: hospital report", "Evening news", media=speech_wav(text, "en", tmp_path).read_bytes())
    social.add_video("tv2", "Broken upload", "A media file that is not audio", media=b"not a media file")
    wav = speech_wav(text, "en", tmp_path).read_bytes()
    social.add_video("tv3", "Regional TV: the same report, watch page", "Late news", media=wav, watch_page=True)
    social.add_video("tv4", "Removed video", "Gone", watch_page=True)  # its watch page answers 404
    settings = load_settings(None)
    runner = make_runner(container, transcribe=lambda path, language: transcribe_media(settings, path, language))
    report = runner.run_once([_yt(social, transcribe=True)])
    docs = {d.url.rsplit("=", 1)[1] if "=" in d.url else d.url.rsplit("/", 1)[1].removesuffix(".wav"): d
            for d in report.documents}
    assert set(docs) == {"tv1", "tv2", "tv3", "tv4"}
    media = docs["tv1"].media
    assert media is not None and media.segments and media.duration > 0
    assert all(0 <= s.start < s.end <= media.duration + 0.5 for s in media.segments)
    spoken = " ".join(s.text for s in media.segments)
    check_transcript("en", "en", spoken)
    assert spoken.strip() in docs["tv1"].text  # the transcript is the document's text too (NLP reads it)
    stats = report.by_source()["yt-ugra"].details
    assert stats["transcribed"] == 2 and stats["transcribe_failed"] == 1 and stats["transcribe_no_media"] == 1
    assert docs["tv2"].media is None and docs["tv2"].text == "A media file that is not audio"
    # YouTube's own feed: media:content is a player; the media came from the watch page through yt-dlp
    via_page = docs["tv3"].media
    assert via_page is not None and via_page.segments
    check_transcript("en", "en", " ".join(s.text for s in via_page.segments))
    assert docs["tv4"].media is None and docs["tv4"].text == "Gone"
