"""Error pages (404, 400, CSRF, 405, 500) speak the page's language and are right-to-left on ar/fa pages."""

import re

import pytest

from tests.support.web import make_web_app


def _page(resp):
    html = resp.get_data(as_text=True)
    root = re.search(r"<html lang=\"(\w+)\" dir=\"(\w+)\">", html)
    assert root, html[:200]
    return root.group(1), root.group(2), html


@pytest.mark.parametrize(("path", "lang", "direction", "text"), [
    ("/ar/no-such-page", "ar", "rtl", "هذه الصفحة غير موجودة."),
    ("/fa/no/such/page", "fa", "rtl", "این صفحه وجود ندارد."),
    ("/ru/nothing-here", "ru", "ltr", "Такой страницы нет."),
    ("/department/nothing?lang=fa", "fa", "rtl", "این صفحه وجود ندارد."),
])
def test_not_found_in_the_language_of_the_address(client, path, lang, direction, text):
    resp = client.get(path)
    assert resp.status_code == 404
    got_lang, got_dir, html = _page(resp)
    assert (got_lang, got_dir) == (lang, direction)
    assert text in html and "This page does not exist" not in html and "Not Found" not in html


def test_csrf_failure_is_translated_and_rtl(client):
    resp = client.post("/fa/appeal", data={"topic": "drug_supply", "department": "tehran",
                                           "description": "x" * 30, "consent": "y"})
    assert resp.status_code == 400
    lang, direction, html = _page(resp)
    assert (lang, direction) == ("fa", "rtl")
    # the appeal form comes back with what was typed and a Persian explanation (web/csrf_failure.py)
    assert "فرم فرستاده نشد" in html and 'id="form-not-sent"' in html
    assert "Bad Request" not in html and "CSRF" not in html


def test_method_not_allowed_and_server_error_are_translated(container):
    app = make_web_app(container)
    app.testing = False  # a real server answers 500 instead of raising into the test

    @app.route("/ar/explode")
    def explode():
        raise RuntimeError("boom: secret detail")

    client = app.test_client()
    lang, direction, html = _page(client.get("/ar/explode"))
    assert (lang, direction) == ("ar", "rtl")
    assert "حدث خطأ في الخادم" in html and "Internal Server Error" not in html and "secret detail" not in html
    resp = client.delete("/ar/appeal")
    assert resp.status_code == 405
    lang, direction, html = _page(resp)
    assert (lang, direction) == ("ar", "rtl") and "Method Not Allowed" not in html
