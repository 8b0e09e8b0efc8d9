"""Demo accounts for `healthpulse demo`: one per department plus press and admin, usable at once."""

from healthpulse.web.demo import create_demo_accounts

from tests.support.web import login, make_web_app


def test_demo_accounts_log_in_and_are_recreated(container):
    accounts = create_demo_accounts(container)
    roles = {role for _u, _p, role, _d in accounts}
    assert roles == {"admin", "press", "department"}
    deps = {d for _u, _p, role, d in accounts if role == "department"}
    assert deps == set(container.departments.ids)
    app = make_web_app(container)
    user, password, _role, dep = next(a for a in accounts if a[3] == "cairo")
    r = login(app.test_client(), user, password)
    assert r.status_code == 302 and r.location.endswith("/department/tickets")
    again = create_demo_accounts(container)  # a second demo start: same users, new passwords
    assert [a[0] for a in again] == [a[0] for a in accounts]
    assert login(app.test_client(), user, password).status_code == 401
    html = app.test_client().get("/en/").get_data(as_text=True)
    assert 'id="go-video-appeal"' in html  # the video area's recording page is linked from the portal
    assert "Phải chờ khám" not in html
    faq = app.test_client().get("/ru/faq").get_data(as_text=True)
    assert "Сколько можно ждать" in faq
