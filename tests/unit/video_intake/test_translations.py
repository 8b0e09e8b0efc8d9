"""The video pages and refusal reasons in the five UI languages; catalogues complete and compiled."""

from __future__ import annotations

import re
from pathlib import Path

import healthpulse.video_intake as video_pkg
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(video_pkg.__file__).parent / "translations"
LANGS = ("ru", "ar", "fa", "vi", "en")


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_complete_and_compiled(lang):
    template = read_po((TRANSLATIONS / "messages.pot").open("rb"))
    po = read_po((TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb"))
    mo = read_mo((TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb"))
    wanted = {m.id for m in template if m.id}
    assert wanted <= {m.id for m in po if m.id and m.string}
    for message in po:
        if message.id:
            assert mo.get(message.id) is not None and mo.get(message.id).string == message.string, message.id
            assert set(re.findall(r"%\(\w+\)s", message.string)) == set(re.findall(r"%\(\w+\)s", message.id))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from healthpulse.core.clock import FakeClock
    from healthpulse.web.app import create_app

    from tests.support.containers import make_container

    container = make_container(tmp_path_factory.mktemp("i18n"), clock=FakeClock())
    yield create_app(container=container).test_client()
    container.close()


@pytest.mark.parametrize(("lang", "title", "consent", "rtl"), [
    ("ru", "Видеообращение", "Необходимо согласие", False),
    ("ar", "شكوى بالفيديو", "الموافقة على معالجة الشكوى مطلوبة", True),
    ("fa", "درخواست ویدیویی", "رضایت برای رسیدگی", True),
    ("vi", "Video phản ánh", "Cần có sự đồng ý", False),
    ("en", "Video appeal", "Consent to process the appeal is required", False),
])
def test_page_and_reasons_translated(client, lang, title, consent, rtl):
    page = client.get(f"/video/appeal?lang={lang}").get_data(as_text=True)
    assert f"<h1>{title}</h1>" in page
    assert ('dir="rtl"' in page) is rtl
    refused = client.post(f"/video/uploads?lang={lang}", headers={"Tus-Resumable": "1.0.0", "Upload-Length": "100"})
    assert refused.status_code == 400 and consent in refused.json["reason"]
