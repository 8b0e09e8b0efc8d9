"""Review leftovers: a call's recording (or an uploaded file with no picture) plays in an <audio> player on the
ticket page, through the same access-checked media route as a video; a video keeps its <video> player."""

from __future__ import annotations

import re

import pytest
from healthpulse.appeals.intake import submit_text_appeal
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.tickets import TicketRow
from healthpulse.core.models.uploads import VideoMediaRow
from sqlalchemy import select

from tests.support.web import add_user, login, make_web_app


def _ticket_with_media(container, tmp_path, channel: str, video_codec: str | None) -> tuple[int, str]:
    """A ticket whose appeal document carries a stored file, as the transcription job leaves it."""
    submit_text_appeal(container, text="No insulin at the Surgut clinic.", consent=True, channel="hotline",
                       department_id="surgut", contact_phone="+7 900 555-01-05")
    container.worker.run_until_idle()
    stored = tmp_path / ("call.wav" if video_codec is None else "appeal.mp4")
    stored.write_bytes(b"RIFF")
    with container.session() as s:
        ticket = s.scalar(select(TicketRow))
        appeal = s.get(AppealRow, ticket.appeal_id)
        doc = s.get(DocumentRow, appeal.document_id)
        doc.channel, doc.media = channel, {"path": str(stored), "duration": 3.0, "segments": []}
        s.add(VideoMediaRow(appeal_id=appeal.id, original_path=str(stored), size=4, sha256="0" * 64,
                            container="wav" if video_codec is None else "mp4", video_codec=video_codec,
                            audio_codec="pcm_s16le", duration=3.0, created_at=ticket.created_at,
                            updated_at=ticket.created_at))
        return ticket.id, doc.id


@pytest.mark.parametrize("channel,video_codec,player", [
    ("hotline", None, "audio"),          # a call's recording
    ("video_appeal", None, "audio"),     # an upload ffprobe found no picture in
    ("video_appeal", "h264", "video"),   # a video appeal
])
def test_the_ticket_page_plays_sound_in_an_audio_player(container, tmp_path, channel, video_codec, player):
    tid, doc_id = _ticket_with_media(container, tmp_path, channel, video_codec)
    add_user(container, "surgut-officer", "department", "surgut")
    client = make_web_app(container).test_client()
    login(client, "surgut-officer")
    page = client.get(f"/department/tickets/{tid}").get_data(as_text=True)
    src = f"/department/tickets/{tid}/media/{doc_id}"
    players = re.findall(r"<(audio|video)\b([^>]*)>", page)
    assert [p[0] for p in players] == [player], players
    assert f'src="{src}"' in players[0][1] and "controls" in players[0][1]
    assert client.get(src).status_code == 200  # the same access-checked route serves it
