"""Issue 19: a PBX posts a call's recording over real HTTP → transcript (real ffmpeg + Whisper) → NLP → a hotline
ticket routed by the IVR unless the caller names a place; refused files are answered with a reason and not kept."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import requests
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.calls import CallRow
from healthpulse.core.models.documents import DocumentRow
from healthpulse.core.models.tickets import TicketRow
from healthpulse.core.models.uploads import VideoMediaRow
from healthpulse.video_intake.privacy import transcript_for
from healthpulse.video_intake.storage import VideoStorage
from sqlalchemy import select

from tests.support.containers import make_container
from tests.support.servers import serve_app
from tests.support.synth import speech_wav
from tests.support.web import add_user, api_token
from tests.support.wer import key_word_heard

pytestmark = pytest.mark.slow
CALLER = "+7 900 123-45-67"


@pytest.fixture
def hotline(tmp_path, clock):
    c = make_container(tmp_path, clock=clock, analyzer="auto", max_recording_mb=1)
    add_user(c, "asterisk-1", "pbx")
    with serve_app(c) as url:
        yield c, url, {"Authorization": f"Bearer {api_token(c, 'asterisk-1')}"}
    c.close()


def _call(url, auth, call_id, ivr):
    for ev in ({"event": "newCall", "callId": call_id, "from": CALLER, "to": "1900", "direction": "inbound",
                "ivr": ivr}, {"event": "answer", "callId": call_id, "user": "op-1"},
               {"event": "hangup", "callId": call_id, "cause": "normalClearing"}):
        assert requests.post(f"{url}/api/v1/calls/events", json=ev, headers=auth, timeout=10).status_code == 200


def _post(url, auth, call_id, path: Path, name: str | None = None, language: str | None = None):
    with path.open("rb") as fh:
        return requests.post(f"{url}/api/v1/calls/{call_id}/recording", files={"file": (name or path.name, fh)},
                             data={"language": language} if language else None, headers=auth, timeout=60)


def _spool_empty(c) -> bool:
    spool = VideoStorage.from_settings(c.settings).recordings_spool
    return not spool.exists() or not any(spool.iterdir())


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, capture_output=True)


def test_a_recorded_call_becomes_a_routed_hotline_ticket(hotline, media_dir):
    c, url, auth = hotline
    # names Manchester: more specific than the IVR option pressed (2 = cairo)
    wav = speech_wav("Hello. The hospital in Manchester has no insulin. The doctors do not answer the phone.", "en",
                     media_dir)
    mp3 = media_dir / "call-en.mp3"
    _ffmpeg("-i", str(wav), "-ar", "16000", "-ac", "1", str(mp3))  # a wideband PBX recording, mono
    _call(url, auth, "call-en", "2")
    r = _post(url, auth, "call-en", mp3)
    assert r.status_code == 202, r.text
    code = r.json()["tracking_code"]
    assert _post(url, auth, "call-en", mp3).json()["tracking_code"] == code  # a repeat: the same appeal
    assert _spool_empty(c)

    c.worker.run_until_idle()
    with c.session() as s:
        appeal = s.scalar(select(AppealRow).where(AppealRow.tracking_code == code))
        ticket = s.scalar(select(TicketRow).where(TicketRow.appeal_id == appeal.id))
        assert appeal.channel == "hotline" and appeal.contact_phone == CALLER
        assert ticket is not None and ticket.channel == "hotline" and ticket.has_citizen
        doc = s.get(DocumentRow, appeal.document_id)
        heard = [w for w in ("hospital", "manchester", "insulin", "doctors", "phone") if key_word_heard(w, doc.text)]
        assert len(heard) >= 3 and key_word_heard("manchester", doc.text), doc.text
        assert ticket.department_id == "manchester" and appeal.department_id == "manchester"
        assert s.get(CallRow, "call-en").appeal_id == appeal.id
    # the caller's number: readable for the assigned department only
    officer = {"role": "department", "department_id": "manchester"}
    other = {"role": "department", "department_id": "cairo"}
    said = f"call me back on {CALLER}"
    assert CALLER in transcript_for(officer, appeal, said) and CALLER not in transcript_for(other, appeal, said)


def test_a_silent_call_goes_to_the_ivr_department(hotline, tmp_path):
    c, url, auth = hotline
    silent = tmp_path / "silent.wav"
    _ffmpeg("-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "3", str(silent))
    _call(url, auth, "call-silent", "1")
    r = _post(url, auth, "call-silent", silent)
    assert r.status_code == 202, r.text
    c.worker.run_until_idle()
    with c.session() as s:
        ticket = s.scalar(select(TicketRow).where(TicketRow.channel == "hotline"))
        assert ticket is not None and ticket.department_id == "surgut"  # IVR 1 → surgut; nothing said overrides it


def test_refused_recordings_are_answered_with_a_reason_and_not_kept(hotline, tmp_path):
    c, url, auth = hotline
    _call(url, auth, "call-bad", "1")
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 20)
    r = _post(url, auth, "call-bad", corrupt)
    assert r.status_code == 422 and r.json()["field"] == "file", r.text
    exe = tmp_path / "call.wav"
    exe.write_bytes(b"MZ" + b"\x00" * 4000)
    assert _post(url, auth, "call-bad", exe).status_code == 422
    big = tmp_path / "big.wav"
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000", "-t", "40", str(big))  # 1.3 MB > 1 MB
    r = _post(url, auth, "call-bad", big)
    assert r.status_code == 413, r.text
    wav = tmp_path / "tone.wav"
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000", "-t", "2", str(wav))
    r = _post(url, auth, "call-bad", wav, language="de")  # a language the deployment does not serve
    assert r.status_code == 422 and r.json()["field"] == "language" and "'de'" in r.json()["message"], r.text
    unknown = _post(url, auth, "no-such-call", corrupt)
    assert unknown.status_code == 404 and "no call 'no-such-call'" in unknown.json()["message"]
    assert _spool_empty(c)
    with c.session() as s:
        assert s.scalar(select(AppealRow.id)) is None
    media = VideoStorage.from_settings(c.settings).root / "appeals"
    assert not media.exists() or not any(media.rglob("*.*"))


def _recorded_call(hotline, media_dir, language: str, ivr: str, hint: str | None = None):
    """``TEST_UTTERANCES[language]`` as an ogg/opus wideband recording of a call through IVR ``ivr``, transcribed
    and analysed: (appeal, its media row, its document, its ticket), read after the worker is idle."""
    from tests.support.synth import TEST_UTTERANCES

    c, url, auth = hotline
    wav = speech_wav(TEST_UTTERANCES[language][0], language, media_dir)
    ogg = media_dir / f"call-{language}.ogg"
    _ffmpeg("-i", str(wav), "-ar", "16000", "-ac", "1", "-c:a", "libopus", str(ogg))
    call_id = f"call-{language}"
    _call(url, auth, call_id, ivr)
    r = _post(url, auth, call_id, ogg, language=hint)
    assert r.status_code == 202, r.text
    c.worker.run_until_idle()
    with c.session() as s:
        appeal = s.scalar(select(AppealRow).where(AppealRow.tracking_code == r.json()["tracking_code"]))
        s.expunge(appeal)
        return (appeal, s.get(VideoMediaRow, appeal.id), s.get(DocumentRow, appeal.document_id),
                s.scalar(select(TicketRow).where(TicketRow.appeal_id == appeal.id)))


def _key_words_heard(language: str, text: str) -> list[str]:
    from tests.support.synth import TEST_UTTERANCES

    return [w for w in TEST_UTTERANCES[language][1] if key_word_heard(w, text)]


@pytest.mark.parametrize("language", ["ru", "vi"])
def test_recorded_calls_in_other_languages_are_transcribed_and_detected(hotline, media_dir, transcriber, language):
    """Recording → transcript → appeal in Russian and Vietnamese as well as English (above), without a language
    hint: Whisper base detects both from the synthetic voices. The model is the session's (``transcriber``,
    shared through ``transcriber_for``'s cache)."""
    appeal, media, doc, ticket = _recorded_call(hotline, media_dir, language, "1")
    assert appeal.channel == "hotline" and ticket is not None and ticket.department_id == "surgut"
    assert media.transcript_language == language and len(_key_words_heard(language, doc.text)) >= 2, (
        media.transcript_language, doc.text)


# Key words of TEST_UTTERANCES heard on the development machine with the hint, over wav, mp3, ogg/opus and m4a
# recordings of the same voice: ar 2-4 of 4, fa 2-3 of 4; the floors leave room for another machine's mishearing.
MIN_HEARD_WITH_HINT = {"ar": 2, "fa": 1}


@pytest.mark.parametrize(("language", "hint", "ivr", "department"),
                         [("ar", "ar-EG", "2", "cairo"), ("fa", "fa", "1", "surgut")])
def test_calls_from_an_ivr_language_menu_are_transcribed_in_that_language(hotline, media_dir, transcriber, language,
                                                                          hint, ivr, department):
    """Arabic and Persian: the exchange says which language the caller chose in its IVR menu (``language``), and
    Whisper transcribes in it. Without the hint, Whisper base hears these synthetic voices as English and loops
    (issue 19), so a language menu's choice is passed on rather than guessed from the department."""
    appeal, media, doc, ticket = _recorded_call(hotline, media_dir, language, ivr, hint)
    assert appeal.language == language and media.transcript_language == language and doc.language == language
    arabic_script = sum("\u0600" <= ch <= "\u06ff" for ch in doc.text)
    letters = sum(ch.isalpha() for ch in doc.text)
    assert letters and arabic_script / letters > 0.9, doc.text  # written in its own script, not transliterated
    assert len(_key_words_heard(language, doc.text)) >= MIN_HEARD_WITH_HINT[language], doc.text
    assert ticket is not None and ticket.channel == "hotline" and ticket.department_id == department
