"""Press dashboard views on the real embedded index: charts' JSON, tables, search, CSV."""

import csv
import io
import re
from datetime import timedelta

import pytest
from healthpulse.core.domain import Channel, Reach

from tests.support.web import add_user, csrf_from, login, make_web_container, news_document, seed_news


@pytest.fixture
def press(app, accounts, container, clock):
    seed_news(container, 60, departments=["surgut", "cairo", "tehran"], start=clock.now() - timedelta(days=20), days=20)
    c = app.test_client()
    assert login(c, "press-office").status_code == 302
    return c


def test_volume_by_sentiment_is_stacked_per_day(press):
    data = press.get("/press/data/volume.json?split=sentiment").get_json()
    chart = data["chart"]
    assert chart["stacked"] and set(chart["series"]) <= {"negative", "neutral", "positive"}
    assert sum(chart["totals"]) == data["total"] == 60
    # each day's series add up to the day's total
    for i, total in enumerate(chart["totals"]):
        assert sum(s[i] for s in chart["series"].values()) == total


def test_filters_narrow_every_view(press):
    all_regions = press.get("/press/data/regions.json").get_json()
    assert {r[0] for r in all_regions["rows"]} == {"surgut", "cairo", "tehran"}
    only = press.get("/press/data/regions.json?department=cairo&sentiment=negative").get_json()
    assert [r[0] for r in only["rows"]] == ["cairo"]
    assert only["rows"][0][2] == only["rows"][0][3]  # all negative
    by_topic = press.get("/press/data/volume.json?split=topics&department=cairo").get_json()
    assert by_topic["total"] == next(r[2] for r in all_regions["rows"] if r[0] == "cairo")


def test_negative_stories_group_by_story_with_coverage(press):
    rows = press.get("/press/data/negative_stories.json").get_json()["rows"]
    assert rows, "expected negative stories"
    scores = [r[9] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert rows[0][2] > 1 and rows[0][0].split(":")[0] in {"surgut", "cairo", "tehran"}


def test_top_stories_rank_coverage_reach_and_severity_over_recency(app, accounts, container, clock):
    """Ten lone, fresh complaints do not push out the repeated insulin reports (issue 20.3)."""
    now = clock.now()
    lone = [news_document(500 + i, department=dep, published=now - timedelta(hours=1), topics=[topic], source=f"lone-{i}")
            for i, (dep, topic) in enumerate((d, t) for d in ("cairo", "tehran", "hanoi", "leeds", "giza")
                                             for t in ("waiting_times", "staff_conduct"))]
    insulin = [news_document(600 + i, department="surgut", published=now - timedelta(days=1, hours=i), incident=True,
                             topics=["drug_supply"], source=f"outlet-{i % 3}") for i in range(4)]
    viral = news_document(700, department="riyadh", published=now - timedelta(days=2), topics=["emergency_care"],
                          channel=Channel.SOCIAL, source="telegram")
    viral.reach = Reach(views=2_000_000)
    container.pipeline.ingest_many([*lone, *insulin, viral])
    c = app.test_client()
    login(c, "press-office")
    rows = c.get("/press/data/negative_stories.json").get_json()["rows"]
    assert len(rows) == 10
    top = rows[0]
    assert (top[0], top[2], top[3], top[10]) == ("surgut:drug_supply", 4, 3, "high")
    assert rows[1][0] == "riyadh:emergency_care" and rows[1][12] == 2_000_000  # reach lifts a single post
    assert all(r[2] == 1 for r in rows[2:])
    html = c.get("/press/part/negative_stories.html").get_data(as_text=True)
    link = html[html.index('class="story-docs" href="') + 25:].split('"', 1)[0]
    assert link.startswith("/press/search?") and "department=surgut" in link and "topic=drug_supply" in link
    found = c.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert all(d.title in found for d in insulin) and lone[0].title not in found


def test_dashboard_page_renders_tables_and_chart_hooks(press):
    html = press.get("/press/?department=surgut").get_data(as_text=True)
    assert 'id="negative-stories"' in html and 'id="regions"' in html
    assert 'data-src="/press/data/volume.json?' in html and "department=surgut" in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    # each chart asks for its own split, with the filters in the same query string
    for split in ("sentiment", "topics", "channel"):
        assert f"/press/data/volume.json?split={split}&amp;from=" in html
    assert 'id="chart-region" data-src="/press/data/regions.json?from=' in html and 'data-kind="hbar"' in html
    assert "<script>" not in html  # no inline scripts (CSP)
    # the shell does not compute the tables: dashboard.js fills them from the fragments, no-JS gets a link
    assert 'data-part="/press/part/negative_stories.html?' in html and 'data-part="/press/part/regions.html?' in html
    assert "/press/tables?" in html and "<noscript>" in html


def test_tables_page_and_fragments_render_the_same_rows(press):
    rows = press.get("/press/data/regions.json?department=surgut").get_json()["rows"]
    html = press.get("/press/tables?department=surgut").get_data(as_text=True)
    assert "data-part=" not in html and 'id="negative-stories"' in html
    part = press.get("/press/part/regions.html?department=surgut")
    assert part.status_code == 200 and part.mimetype == "text/html"
    body = part.get_data(as_text=True).strip()
    assert body.startswith("<tbody") and body.endswith("</tbody>") and "data-total=" in body
    assert body.count("<tr>") == len(rows) == 1 and body in html
    for name in ("negative_stories", "rising_topics"):
        frag = press.get(f"/press/part/{name}.html?department=surgut").get_data(as_text=True).strip()
        assert frag.startswith("<tbody") and frag in html
    assert press.get("/press/part/search.html").status_code == 404


def test_csv_export_of_views(press):
    r = press.get("/press/export/regions.csv?sentiment=negative")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["department", "name", "documents", "negative", "negative_pct", "incidents"]
    assert len(rows) == 4
    vol = press.get("/press/export/volume.csv?split=channel").get_data(as_text=True).lstrip("\ufeff")
    assert vol.splitlines()[0].startswith("period,total,news")


def test_search_highlights_and_escapes(press, container, clock):
    from tests.support.web import news_document

    evil = news_document(999, department="cairo", published=clock.now() - timedelta(days=1), language="en",
                         text="Insulin shortage <script>alert(1)</script> at the hospital pharmacy")
    container.pipeline.ingest(evil)
    html = press.get("/press/search?q=insulin").get_data(as_text=True)
    assert "<mark>" in html.lower() and "insulin" in html.lower()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    r = press.get("/press/export/search.csv?q=insulin")
    assert "Insulin shortage" in r.get_data(as_text=True)


def test_csv_cells_cannot_inject_formulas():
    from healthpulse.web.csv_export import to_csv

    out = to_csv(["a"], [["=HYPERLINK(\"x\")"], ["+1"], ["ok"]])
    assert "'=HYPERLINK" in out and "'+1" in out and "\r\nok\r\n" in out


def test_faq_gaps_list_topics_with_appeals_but_no_answers(press, container):
    from healthpulse.web.services import faq as faq_svc

    from tests.support.web import submit_appeal

    submit_appeal(container, "cairo", topic="drug_supply", language="ar")
    submit_appeal(container, "surgut", topic="waiting_times", language="ru")
    with container.session() as s:
        faq_svc.save_faq(s, topic="waiting_times", language="ru", question="Сколько ждать?", answer="Не больше 14 дней.")
    rows = list(csv.reader(io.StringIO(press.get("/press/export/faq_gaps.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][0] == "drug_supply" and rows[1][3] == "ar"
    assert all(r[0] != "waiting_times" for r in rows[1:])


def test_press_search_masks_citizen_contacts(press, container):
    from tests.support.web import submit_appeal

    submit_appeal(container, "cairo", text="No insulin in the pharmacy, call me on +20 100 555 1234 or mona@example.org")
    html = press.get("/press/search?q=insulin&channel=text_appeal").get_data(as_text=True)
    assert "[hidden]" in html
    assert "555 1234" not in html and "mona@example.org" not in html


@pytest.mark.parametrize("lang,hidden", [("ar", "[\u0645\u062e\u0641\u064a]"), ("fa", "[\u067e\u0646\u0647\u0627\u0646]")])
def test_masked_contacts_in_search_read_in_the_readers_language(press, container, lang, hidden):
    """The services mask with one neutral marker; pages print it (through Jinja finalize) in the reader's language."""
    from tests.support.web import submit_appeal

    submit_appeal(container, "cairo", text="No insulin in the pharmacy, call me on +20 100 555 1234 or mona@example.org")
    html = press.get(f"/press/search?q=insulin&channel=text_appeal&lang={lang}").get_data(as_text=True)
    assert hidden in html and "[hidden]" not in html
    assert "555 1234" not in html and "mona@example.org" not in html


def test_date_presets_narrow_the_window_and_stay_in_links(app, accounts, container, clock):
    now = clock.now()
    ages = {"h2": timedelta(hours=2), "d3": timedelta(days=3), "d20": timedelta(days=20), "d40": timedelta(days=40)}
    container.pipeline.ingest_many([news_document(800 + i, department="cairo", published=now - age)
                                    for i, age in enumerate(ages.values())])
    c = app.test_client()
    login(c, "press-office")

    def total(query):
        return c.get(f"/press/data/regions.json?{query}").get_json()["total"]

    assert (total("period=24h"), total("period=7d"), total("period=30d"), total("")) == (1, 2, 3, 3)
    custom = (now - timedelta(days=45)).date().isoformat()
    assert total(f"from={custom}&to={now.date().isoformat()}") == 4
    html = c.get("/press/?period=7d&sentiment=negative").get_data(as_text=True)
    assert "/press/data/volume.json?split=topics&amp;period=7d&amp;sentiment=negative" in html
    assert 'data-period="7d" class="current"' in html
    # the other presets keep the other filters and drop the dates
    assert 'href="/press/?sentiment=negative&amp;period=24h"' in html


def test_filters_are_checkboxes_with_language_names_in_the_page_language(press):
    html = press.get("/press/?lang=ru&language=fa&department=cairo").get_data(as_text=True)
    assert "<select" not in html and "multiple" not in html
    assert 'type="checkbox" name="language" value="fa" checked><span>персидский</span>' in html
    assert 'type="checkbox" name="department" value="cairo" checked>' in html
    assert '<details class="filter-group" id="g-department" open>' in html
    assert '<details class="filter-group" id="g-topic" >' in html  # nothing chosen: folded


def test_region_chart_is_the_top_ten_regions_not_twenty_lines(app, accounts, container, clock):
    deps = ["surgut", "nizhnevartovsk", "khanty_mansiysk", "nefteyugansk", "cairo", "giza", "alexandria", "riyadh",
            "makkah", "tehran", "isfahan", "hanoi"]
    docs = [news_document(900 + 20 * i + j, department=dep, published=clock.now() - timedelta(hours=j + 1),
                          sentiment="negative" if j == 0 else "neutral")
            for i, dep in enumerate(deps) for j in range(len(deps) - i)]  # surgut busiest, hanoi least
    container.pipeline.ingest_many(docs)
    c = app.test_client()
    login(c, "press-office")
    chart = c.get("/press/data/regions.json?lang=ru").get_json()["chart"]
    assert chart["labels"] == deps[:10] and chart["more"] == 2
    assert chart["series"]["negative"] == [1] * 10 and chart["series"]["other"] == [11 - i for i in range(10)]
    assert chart["label_names"]["tehran"].startswith("Тегеранский университет")
    assert chart["series_names"] == {"negative": "Негатив", "other": "Не негатив"}


def test_map_draws_each_region_as_svg_with_its_figures(app, accounts, container, clock):
    now = clock.now()
    docs = [news_document(1000 + i, department="cairo", published=now - timedelta(hours=i + 1),
                          sentiment="negative" if i < 3 else "neutral", incident=i == 0) for i in range(4)]
    docs.append(news_document(1010, department="hanoi", published=now - timedelta(hours=2), sentiment="neutral"))
    container.pipeline.ingest_many(docs)
    c = app.test_client()
    login(c, "press-office")
    html = c.get("/press/part/map.html?lang=en").get_data(as_text=True)
    assert html.startswith('<div id="region-map"') and "<svg viewBox=" in html
    assert html.count("<path d=\"M") == len(container.departments.ids)  # the bundled demo shapes: every department
    cairo = html[html.index('data-department="cairo"'):].split("</a>", 1)[0]
    assert 'data-level="4"' in cairo and ": 4 documents, 75% negative, 1 incidents" in cairo and "<title>" in cairo
    hanoi = html[html.index('data-department="hanoi"'):].split("</a>", 1)[0]
    assert 'data-level="1"' in hanoi
    assert 'data-level="0"' in html[html.index('data-department="surgut"'):].split("</a>", 1)[0]
    href = re.search(r'<a href="([^"]+)" class="region level-4" data-department="cairo"', html)
    assert href and href.group(1).startswith("/press/search?") and href.group(1).endswith("department=cairo")
    ar = c.get("/press/part/map.html?lang=ar").get_data(as_text=True)
    assert "٧٥" in ar  # the reader's digits in titles and labels
    page = c.get("/press/").get_data(as_text=True)
    assert 'data-part="/press/part/map.html?' in page and 'href="#regions"' in page
    assert '<div id="region-map" class="region-map">' in c.get("/press/tables").get_data(as_text=True)


def test_map_shapes_file_errors_name_the_file_and_key(tmp_path, clock):
    from healthpulse.core.config_files import ConfigError
    from healthpulse.core.region_shapes import load_region_shapes

    bad = tmp_path / "regions.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [\n'
                   ' {"type": "Feature", "properties": {"department": "atlantis"},\n'
                   '  "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}},\n'
                   ' {"type": "Feature", "properties": {"department": "cairo"},\n'
                   '  "geometry": {"type": "Point", "coordinates": [0, 0]}}]}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_region_shapes(bad, {"cairo"})
    assert "regions.geojson:5" in str(err.value) and "features[1].geometry.type" in str(err.value)
    bad.write_text(bad.read_text().replace('"Point", "coordinates": [0, 0]',
                                           '"Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]'), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_region_shapes(bad, {"cairo"})
    assert "features[0].properties.department: unknown department 'atlantis'" in str(err.value)


def test_no_map_without_shapes_for_a_deployment_of_its_own(tmp_path, clock):
    deps = tmp_path / "departments.yaml"
    deps.write_text("departments:\n  - {id: north, name: North, places: [North]}\n", encoding="utf-8")
    container = make_web_container(tmp_path, clock=clock, departments_file=deps)
    try:
        assert container.region_shapes is None
        container.check_config()
    finally:
        container.close()


def test_open_alerts_most_severe_first_link_to_a_read_only_alert_page(app, accounts, container, clock):
    from healthpulse.core.models.alerts import AlertRow

    now = clock.now()
    with container.session() as s:
        for i, (sev, state, dep) in enumerate([("low", "open", "cairo"), ("critical", "acknowledged", "surgut"),
                                               ("high", "open", "cairo"), ("critical", "resolved", "cairo")]):
            s.add(AlertRow(rule_id=f"r{i}", rule_type="keyword", department_id=dep, topic="drug_supply", severity=sev,
                           state=state, title=f"Alert <b>{i}</b>", reason="", fired_at=now - timedelta(hours=i),
                           last_seen_at=now - timedelta(hours=i)))
    c = app.test_client()
    login(c, "press-office")
    html = c.get("/press/?lang=en").get_data(as_text=True)
    section = html[html.index('id="press-alerts"'):].split("</section>", 1)[0]
    ids = re.findall(r'data-alert-id="(\d+)"', section)
    titles = re.findall(r"Alert &lt;b&gt;(\d)&lt;/b&gt;", section)  # escaped
    assert titles == ["1", "2", "0"] and len(ids) == 3  # critical, high, low; the resolved one is gone
    assert 'class="badge sev-critical">Critical<' in section
    only_cairo = c.get("/press/?department=cairo").get_data(as_text=True)
    assert re.findall(r"Alert &lt;b&gt;(\d)&lt;/b&gt;", only_cairo.split('id="press-alerts"')[1].split("</section>")[0]) == ["2", "0"]
    page = c.get(f"/press/alerts/{ids[0]}?lang=fa")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'dir="rtl"' in body and "Alert &lt;b&gt;1&lt;/b&gt;" in body
    assert "/department/tickets" not in body and "<form" not in body.split("<main", 1)[1]
    assert c.get("/press/alerts/99999").status_code == 404


def test_saved_views_per_user_with_csrf_and_escaped_names(app, accounts, container):
    c = app.test_client()
    login(c, "press-office")
    page = c.get("/press/?period=7d&sentiment=negative").get_data(as_text=True)
    token = csrf_from(page)
    assert c.post("/press/views?period=7d&sentiment=negative", data={"name": "x"}).status_code == 400  # no CSRF token
    r = c.post("/press/views?period=7d&sentiment=negative&department=cairo", data={"name": "<b>Cairo</b>  week",
                                                                                   "csrf_token": token})
    assert r.status_code == 302
    html = c.get(r.location).get_data(as_text=True)
    assert "&lt;b&gt;Cairo&lt;/b&gt; week</a>" in html and "<b>Cairo</b>" not in html
    view_id = re.search(r'href="/press/views/(\d+)" class="saved-view"', html).group(1)
    opened = c.get(f"/press/views/{view_id}")
    assert opened.status_code == 302
    assert opened.location.endswith("/press/?period=7d&department=cairo&sentiment=negative")
    # the same name again overwrites; a bad filter in the form's address is a 400 naming it, nothing saved
    c.post("/press/views?period=30d", data={"name": "<b>Cairo</b> week", "csrf_token": token})
    assert c.get(f"/press/views/{view_id}").location.endswith("/press/?period=30d")
    assert c.post("/press/views?department=atlantis", data={"name": "bad", "csrf_token": token}).status_code == 400
    assert c.post("/press/views", data={"name": "x" * 81, "csrf_token": token}).status_code == 302
    assert "x" * 81 not in c.get("/press/").get_data(as_text=True)
    # per user: another press user neither sees nor opens nor deletes it
    add_user(container, "press-two", "press")
    other = app.test_client()
    login(other, "press-two")
    assert "saved-view" not in other.get("/press/").get_data(as_text=True).split('id="saved-view-list"')[1].split("</ul>")[0]
    assert other.get(f"/press/views/{view_id}").status_code == 404
    other_token = csrf_from(other.get("/press/").get_data(as_text=True))
    assert other.post(f"/press/views/{view_id}/delete", data={"csrf_token": other_token}).status_code == 404
    assert c.post(f"/press/views/{view_id}/delete", data={"csrf_token": token}).status_code == 302
    assert c.get(f"/press/views/{view_id}").status_code == 404


def test_map_tiles_name_their_region_in_the_readers_language(app, accounts, container, clock):
    """Phone readers cannot hover: each tile carries a short name (the place, not "health directorate"),
    also on tiles without documents, and in Arabic the place (last word) rather than "مديرية…"."""
    container.pipeline.ingest_many([news_document(1100, department="cairo", published=clock.now() - timedelta(hours=1),
                                                  sentiment="negative")])
    c = app.test_client()
    login(c, "press-office")

    def tile(html, dep):  # the region's link and, after it, its name label (outside the link: see _map.html)
        return html[html.index(f'data-department="{dep}"'):].split("</g>", 1)[0]

    en = c.get("/press/part/map.html?lang=en").get_data(as_text=True)
    assert '<text class="region-name"' in tile(en, "cairo") and ">Cairo</text>" in tile(en, "cairo")
    assert ">Surgut</text>" in tile(en, "surgut")  # no documents: the name alone
    assert re.search(r'class="region-name"[^>]*>Nizhnevar…</text>', tile(en, "nizhnevartovsk"))
    ar = c.get("/press/part/map.html?lang=ar").get_data(as_text=True)
    assert ">بالقاهرة</text>" in tile(ar, "cairo") and "١٠٠٪" in tile(ar, "cairo")
    fa = c.get("/press/part/map.html?lang=fa").get_data(as_text=True)
    assert ">تهران</text>" in tile(fa, "tehran")


def test_an_untitled_post_names_its_story_by_its_first_words(app, accounts, container, clock):
    """The stories are ranked from hits without their text; the untitled post that names one is read again."""
    now = clock.now()
    words = "Pharmacies in Giza have had no insulin pens for three weeks and patients queue at dawn for nothing"
    post = news_document(800, department="giza", published=now - timedelta(hours=1), topics=["drug_supply"],
                         channel=Channel.SOCIAL, source="telegram", text=words)
    post.title = None
    older = news_document(801, department="giza", published=now - timedelta(hours=3), topics=["drug_supply"])
    container.pipeline.ingest_many([post, older])
    c = app.test_client()
    login(c, "press-office")
    row = next(r for r in c.get("/press/data/negative_stories.json").get_json()["rows"] if r[0] == "giza:drug_supply")
    assert row[1] == " ".join(words.split()[:12]) + "…" and row[2] == 2


class CountingIndex:
    """The real index, counting the searches made through it."""

    def __init__(self, index):
        self.index, self.searches = index, 0

    def search(self, query):
        self.searches += 1
        return self.index.search(query)


def test_latest_reads_the_newest_slices_first_and_finds_what_one_query_finds(container, clock):
    """The stories' sample (``dashboard.latest``) reads the window's last 2, 14 and 60 days before the rest:
    for every size, the same documents in the same order as one newest-first query over the whole window."""
    from healthpulse.web.query_params import SearchParams
    from healthpulse.web.services import dashboard as dash

    today = clock.now().date()
    seed_news(container, 80, departments=["surgut", "cairo"], start=clock.now() - timedelta(days=150), days=150)
    f = dash.Filters.from_params(SearchParams.model_validate({"from": (today - timedelta(days=179)).isoformat()}),
                                 today)
    everything = [h.id for h in container.index.search(f.query(size=200, sort="date_desc")).hits]
    assert len(everything) == 80
    for size in (1, 3, 10, 40, 79, 80, 200):
        counting = CountingIndex(container.index)
        assert [h.id for h in dash.latest(counting, f, size)] == everything[:size], size
        assert 1 <= counting.searches <= len(dash.LATEST_SLICES_DAYS) + 1
    counting = CountingIndex(container.index)
    dash.latest(counting, f, 200)
    assert counting.searches == len(dash.LATEST_SLICES_DAYS) + 1  # too few in the window: every slice read once
    short = dash.Filters.from_params(SearchParams.model_validate({"period": "24h"}), today, clock.now())
    counting = CountingIndex(container.index)
    assert [h.id for h in dash.latest(counting, short, 5)] == [
        h.id for h in container.index.search(short.query(size=5, sort="date_desc")).hits]
    assert counting.searches == 1  # a window shorter than the first slice is one query
