"""The main navigation names each place once, for every role (an admin, who sees the department's and the
press office's menus together, had "Incidents" twice)."""

from __future__ import annotations

import re

import pytest

from tests.support.web import login


@pytest.mark.parametrize("who", ["admin", "surgut-officer", "press-office"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_main_navigation_names_each_place_once(app, accounts, who, lang):
    c = app.test_client()
    assert login(c, who).status_code == 302
    html = c.get(f"/admin/?lang={lang}" if who == "admin" else f"/?lang={lang}", follow_redirects=True).get_data(as_text=True)
    nav = html[html.index('<nav class="mainnav"'):html.index("</nav>", html.index('<nav class="mainnav"'))]
    names = re.findall(r">([^<>]+)</a>", nav)
    assert names and len(names) == len(set(names)), names
