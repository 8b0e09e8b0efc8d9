"""A newcomer saw a console 404 for /favicon.ico on every page, and found the posts page only in the footer."""

from tests.support.web import login, make_web_app


def test_favicon_is_served_and_linked(container):
    client = make_web_app(container).test_client()
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r.headers["Location"].endswith("/static/img/favicon.svg")
    icon = client.get(r.headers["Location"])
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    assert 'rel="icon"' in client.get("/en/").get_data(as_text=True)


def test_press_navigation_links_the_posts_page_whose_filters_offer_no_channel(container):
    from tests.support.web import add_user

    add_user(container, "press-office", "press")
    client = make_web_app(container).test_client()
    assert login(client, "press-office").status_code == 302
    dashboard = client.get("/press/").get_data(as_text=True)
    nav = dashboard[dashboard.index("<nav"):dashboard.index("</nav>")]
    assert 'href="/press/posts"' in nav
    posts = client.get("/press/posts").get_data(as_text=True)
    assert 'id="f-channel"' not in posts and 'id="f-channel"' in dashboard  # all posts are social: no channel choice
