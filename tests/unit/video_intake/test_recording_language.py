"""Issue 19: the IVR language choice an exchange passes with a recording (or a drop folder's setting) is read as
a two-letter code the deployment serves, or refused with the value named."""

import pytest
from healthpulse.core.config_files import ConfigError
from healthpulse.core.settings import load_settings
from healthpulse.video_intake.recording import RecordingRejected, recording_language

LANGS = ("ru", "ar", "fa", "vi", "en")


@pytest.mark.parametrize(("raw", "code"), [("ar", "ar"), ("AR", "ar"), (" ar-EG ", "ar"), ("fa_IR", "fa"),
                                           ("", None), (None, None), ("  ", None)])
def test_ivr_language_choices_are_read_as_codes(raw, code):
    assert recording_language(raw, LANGS) == code


@pytest.mark.parametrize("raw", ["de", "de-DE", "arabic", "x"])
def test_a_language_the_deployment_does_not_serve_is_refused(raw):
    with pytest.raises(RecordingRejected) as err:
        recording_language(raw, LANGS)
    assert err.value.status == 422 and raw in err.value.reason and "ru, ar, fa, vi, en" in err.value.reason


def test_the_drop_folder_language_setting_is_checked_against_the_languages(monkeypatch):
    monkeypatch.setenv("HEALTHPULSE_CALLS_DROP_LANGUAGE", "Vi-VN")
    assert load_settings(None).calls_drop_language == "vi"
    monkeypatch.setenv("HEALTHPULSE_CALLS_DROP_LANGUAGE", "de")
    with pytest.raises(ConfigError, match="HEALTHPULSE_CALLS_DROP_LANGUAGE"):
        load_settings(None)
