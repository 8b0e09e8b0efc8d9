"""Every UI string is translated in ru/ar/fa/vi, and the committed .mo files match the .po files."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[3] / "web"
LANGS = ("ru", "ar", "fa", "vi")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2", "--no-location", "-o", str(out), "."], cwd=WEB,
                   check=True, capture_output=True)
    with out.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_translated(template, lang):
    with (WEB / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        po = read_po(fh)
    translated = {m.id for m in po if m.id and (all(m.string) if m.pluralizable else m.string)}
    missing = sorted(template - translated)
    assert not missing, f"{lang}: untranslated strings: {missing[:10]}"


def _key(value):
    """A plural entry's forms (a list from .mo, a tuple from .po) compared as a tuple."""
    return tuple(value) if isinstance(value, list | tuple) else value


@pytest.mark.parametrize("lang", (*LANGS, "en"))
def test_mo_matches_po(lang):
    d = WEB / "translations" / lang / "LC_MESSAGES"
    with (d / "messages.po").open("rb") as fh:
        po = {_key(m.id): _key(m.string) for m in read_po(fh) if m.id and any(_key(m.string) or ("",))}
    mo = {_key(m.id): _key(m.string) for m in read_mo(io.BytesIO((d / "messages.mo").read_bytes()))
          if m.id and not (isinstance(m.id, list | tuple) and _key(m.string) == _key(m.id))}
    # (pybabel writes an untranslated plural as its msgids)
    assert mo == po, f"{lang}: messages.mo is stale; run pybabel compile -d translations (see translations/README.md)"


def test_pages_are_translated_and_digits_local():
    from healthpulse.core.settings import Settings
    from healthpulse.web.app import create_app

    app = create_app(Settings(testing=True), container=object())
    client = app.test_client()
    html = client.get("/ar/").get_data(as_text=True)
    assert "أخبر مديرية الصحة بما حدث" in html and 'dir="rtl"' in html
    assert "Сообщите о проблеме" in client.get("/ru/").get_data(as_text=True)
    assert "Gửi phản ánh" in client.get("/vi/").get_data(as_text=True)
    fa = client.get("/fa/").get_data(as_text=True)
    assert 'dir="rtl"' in fa and "شکایات سلامت" in fa
    with app.test_request_context("/fa/"):
        from healthpulse.web.i18n import local_digits

        assert local_digits(2026, "fa") == "۲۰۲۶"
        assert local_digits(42, "ar") == "٤٢"
        assert local_digits(42, "ru") == "42"


@pytest.mark.parametrize("lang,video", [("ru", "видео"), ("ar", "فيديو"), ("fa", "ویدیو"), ("vi", "video")])
def test_checking_a_recording_does_not_say_video(lang, video):
    """An appeal's "validating" step is shown to callers of the hotline too (their recording is audio): the
    label says "recording" in every language, as the English one does."""
    from healthpulse.core.settings import Settings
    from healthpulse.web.app import create_app
    from healthpulse.web.labels import label

    app = create_app(Settings(testing=True), container=object())
    with app.test_request_context(f"/?lang={lang}"):
        shown = label("appeal_status", "validating")
    assert shown != "Checking the recording" and video not in shown.lower(), shown


@pytest.mark.parametrize(("lang", "digits"), [("ar", "٠١٢٣٤٥٦٧٨٩"), ("fa", "۰۱۲۳۴۵۶۷۸۹")])
def test_numbers_written_into_rtl_strings_use_the_pages_digits(lang, digits):
    """Figures filled in at run time are shown in Arabic-Indic / Persian digits; a number written into a
    translation ("Last 24 hours", "for example 12") must be too, or the page mixes two digit scripts."""
    import re

    with (WEB / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        po = read_po(fh)
    mixed = []
    for m in (m for m in po if m.id):  # the header (id "") carries dates
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for s in strings:
            text = re.sub(r"%\(\w+\)[sd]|%[sd]|<[^>]*>|&#?\w+;", "", s or "")
            if re.search("[0-9]", text):
                mixed.append((m.id, s))
    assert not mixed, f"{lang}: Western digits in {mixed}; write them as {digits}"
