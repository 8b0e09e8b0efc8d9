"""Press-office dashboard: volume charts, negative stories, rising topics, regions, search, CSV."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from healthpulse.web import labels
from healthpulse.web.context import container, current_principal, db, require_role
from healthpulse.web.csv_export import csv_response
from healthpulse.web.form_translations import LocalisedForm
from healthpulse.web.i18n import UI_LANGUAGES, language_name
from healthpulse.web.query_params import PostsParams, QueryParamError, SearchModeParams, SearchParams, parse_query
from healthpulse.web.services import alerts as alert_svc
from healthpulse.web.services import dashboard as dash
from healthpulse.web.services import faq as faq_svc
from healthpulse.web.services import incidents as incident_svc
from healthpulse.web.services import posts as posts_svc
from healthpulse.web.services import region_map, saved_views, top_stories
from healthpulse.web.services import search as search_svc
from healthpulse.web.services.tickets import NotFound
from healthpulse.web.templating import date_local, department_names, url_with_query
from healthpulse.web.ticket_forms import EmptyForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import DataRequired, Length

bp = Blueprint("press", __name__, url_prefix="/press")

VIEWS = ("volume", "negative_stories", "rising_topics", "regions", "search", "faq_gaps")


def current_params(args: Any = None) -> SearchParams:
    """Every query parameter of the dashboard pages, validated (a bad one → 400 naming it)."""
    return parse_query(SearchParams, args if args is not None else request.args, topics=list(labels.TOPICS),
                       departments=container().departments.ids)


def current_filters(args: Any = None) -> dash.Filters:
    now = container().clock.now()
    f = dash.Filters.from_params(current_params(args), now.date(), now)
    p = current_principal()
    return f.restrict_to(p.department_id if p and p.role == "department" else None)


def page_filters() -> dash.Filters:
    """``current_filters`` for a page a person filled in: a date range it cannot use (reversed, out of range)
    keeps the page, shows the default period and says why next to the dates as typed (answered 400 by
    ``_range_error_status``); the API and the data endpoints still refuse it outright."""
    try:
        return current_filters()
    except QueryParamError as err:
        if err.field not in ("from", "to"):
            raise
        g.range_error = {"field": err.field, "from": request.args.get("from", ""), "to": request.args.get("to", "")}
        args = request.args.copy()
        for key in ("from", "to"):
            args.poplist(key)
        return current_filters(args)


@bp.after_request
def _range_error_status(response: Any) -> Any:
    if g.get("range_error") is not None and response.status_code == 200:
        response.status_code = 400
    return response


def build_view(name: str, f: dash.Filters, split: str = "sentiment") -> dash.View:
    """The named view for these filters (cached briefly per app; the search export is never cached)."""
    if name in ("search", "faq_gaps"):
        return _compute_view(name, f, split)
    cache = current_app.extensions.setdefault("healthpulse.view_cache", dash.ViewCache())
    key = (name, split if name == "volume" else None, tuple(f.to_args()))
    return cache.get_or_compute(key, lambda: _compute_view(name, f, split))


def _compute_view(name: str, f: dash.Filters, split: str) -> dash.View:
    c = container()
    index = c.index
    if name == "volume":
        return dash.volume(index, f, split)
    if name == "negative_stories":
        def incidents_of(ids: list[str]) -> top_stories.Memberships:
            with db() as s:
                return top_stories.memberships(s, ids)
        return dash.top_negative_stories(index, f, incidents_of=incidents_of)
    if name == "rising_topics":
        return dash.rising_topics(index, f)
    if name == "regions":
        return dash.regions(index, f, {d.id: d.name for d in c.departments.departments})
    if name == "search":
        return dash.search_all_rows(index, f)
    if name == "faq_gaps":
        with db() as s:
            gaps = faq_svc.coverage_gaps(s, list(UI_LANGUAGES))
        return dash.View("faq_gaps", ["topic", "appeals", "faq_entries", "languages_without_faq"],
                         [[g.topic, g.appeals, g.faq_entries, " ".join(g.languages_without_faq)] for g in gaps])
    abort(404)


def _with_labels(view: dash.View) -> dict[str, Any]:
    """JSON for the charts, with translated series and axis labels."""
    out = view.to_json()
    chart = out.get("chart")
    if chart:
        chart = out["chart"] = dict(chart)  # the view is cached and shared by readers of every language
        kind = {"sentiment": "sentiment", "topics": "topic", "channel": "channel"}.get(chart.get("split", ""), "")
        if view.name == "rising_topics":
            chart["label_names"] = {k: labels.label("topic", k) for k in chart["labels"]}
        elif view.name.startswith("volume"):  # periods: the reader's calendar and digits (Jalali on fa pages)
            chart["label_names"] = {k: date_local(k) for k in chart["labels"]}
        names = department_names() if chart.get("split") == "department" else {}
        if chart.get("split") == "region":
            chart["label_names"] = {k: department_names().get(k, k) for k in chart["labels"]}
            chart["series_names"] = {"negative": labels.label("sentiment", "negative"), "other": str(_("Not negative"))}
        else:
            chart["series_names"] = {k: labels.label(kind, k) if kind else names.get(k, k) for k in chart["series"]}
    return out


TABLES = ("negative_stories", "rising_topics", "regions")


@bp.route("/")
@require_role("press")
def dashboard() -> Any:
    """The page shell: charts and tables are filled from the data/part endpoints by dashboard.js, so the
    first byte does not wait for the views (no-JS browsers get a link to press.tables)."""
    f = page_filters()
    return render_template("press/dashboard.html", f=f, stories=None, rising=None, regions=None,
                           alerts=_open_alerts(f), query_args=f.to_args(), **_filter_choices(), **_saved())


def _open_alerts(f: dash.Filters) -> tuple[list[dict[str, Any]], int]:
    p = current_principal()
    assert p is not None  # require_role
    return alert_svc.open_alerts(container(), p, f.departments)


@bp.route("/alerts/<int:alert_id>")
@require_role("press")
def alert(alert_id: int) -> Any:
    """One alert, read-only: why it fired, its severity and state, its documents (contacts masked)."""
    p = current_principal()
    assert p is not None
    try:
        detail = alert_svc.press_alert(container(), p, alert_id)
    except NotFound:
        abort(404)
    incidents = incident_svc.incidents_of_documents(container(), p, [d["id"] for d in detail["documents"]])
    return render_template("press/alert.html", a=detail, incidents=incidents)


class SaveViewForm(LocalisedForm):
    name = StringField(validators=[DataRequired(), Length(max=saved_views.NAME_MAX)])


VIEW_ERRORS = {"empty": _l("Give the view a name."), "too_long": _l("A view name has at most 80 characters."),
               "too_many": _l("You have 50 saved views; delete one first.")}


def _saved() -> dict[str, Any]:
    p = current_principal()
    assert p is not None
    with db() as s:
        views = saved_views.list_views(s, p.user_id)
    return {"saved_views": views, "save_form": SaveViewForm(formdata=None), "delete_form": EmptyForm(formdata=None)}


@bp.route("/views", methods=["POST"])
@require_role("press")
def save_view() -> Any:
    """Save the filters of the page the form is on (its query string, validated) under a name."""
    p = current_principal()
    assert p is not None
    form = SaveViewForm()
    f = current_filters(request.args)
    if not form.validate_on_submit():
        flash(VIEW_ERRORS["too_long" if form.name.data else "empty"], "error")
        return redirect(url_with_query("press.dashboard", f.to_args()))
    try:
        with db() as s:
            saved_views.save_view(s, p.user_id, form.name.data or "", f.to_args())
    except saved_views.SavedViewError as err:
        flash(VIEW_ERRORS.get(str(err), VIEW_ERRORS["empty"]), "error")
    else:
        flash(_l("View saved."), "success")
    return redirect(url_with_query("press.dashboard", f.to_args()))


@bp.route("/views/<int:view_id>")
@require_role("press")
def open_view(view_id: int) -> Any:
    """A saved view: the dashboard with its filters (another user's view reads as missing)."""
    p = current_principal()
    assert p is not None
    with db() as s:
        view = saved_views.get_view(s, p.user_id, view_id)
    if view is None:
        abort(404)
    return redirect(url_for("press.dashboard") + ("?" + view.query if view.query else ""))


@bp.route("/views/<int:view_id>/delete", methods=["POST"])
@require_role("press")
def delete_view(view_id: int) -> Any:
    p = current_principal()
    assert p is not None
    if not EmptyForm().validate_on_submit():
        abort(400)
    with db() as s:
        if not saved_views.delete_view(s, p.user_id, view_id):
            abort(404)
    return redirect(url_for("press.dashboard"))


@bp.route("/tables")
@require_role("press")
def tables() -> Any:
    """The same dashboard with the three tables rendered server-side (works without JavaScript)."""
    f = page_filters()
    stories, rising, regions = (build_view(name, f) for name in TABLES)
    return render_template("press/dashboard.html", f=f, stories=stories, rising=rising, regions=regions,
                           region_map=_region_map(regions), alerts=_open_alerts(f), query_args=f.to_args(),
                           **_filter_choices(), **_saved())


def _region_map(regions: dash.View) -> region_map.RegionMap | None:
    shapes = container().region_shapes
    return region_map.draw_map(shapes, regions.rows, department_names()) if shapes else None


@bp.route("/part/<name>.html")
@require_role("press")
def part(name: str) -> Any:
    """One table body of the dashboard (or the map) as an HTML fragment (escaped like the page; shares the
    view cache)."""
    f = current_filters()
    if name == "map":
        return render_template("press/_part.html", name=name, region_map=_region_map(build_view("regions", f)),
                               query_args=f.to_args())
    if name not in TABLES:
        abort(404)
    return render_template("press/_part.html", name=name, view=build_view(name, f), query_args=f.to_args())


def _filter_choices() -> dict[str, Any]:
    return {"topic_choices": labels.TOPICS, "channel_choices": labels.CHANNELS,
            "sentiment_choices": labels.SENTIMENTS, "severity_choices": labels.SEVERITIES,
            "department_choices": department_names(),
            "language_choices": {code: language_name(code) for code in UI_LANGUAGES}, "presets": dash.PRESETS}


@bp.route("/data/<name>.json")
@require_role("press")
def data(name: str) -> Any:
    if name not in VIEWS or name == "search":
        abort(404)
    view = build_view(name, current_filters(), current_params().split)
    return jsonify(_with_labels(view))


@bp.route("/export/<name>.csv")
@require_role("press")
def export(name: str) -> Any:
    if name not in VIEWS:
        abort(404)
    f = current_filters()
    split = current_params().split
    view = build_view(name, f, split)
    suffix = f"_{split}" if name == "volume" else ""
    return csv_response(f"healthpulse_{name}{suffix}_{f.day_from}_{f.day_to}.csv", view.columns, view.rows)


@bp.route("/search")
@require_role("press")
def search() -> Any:
    f = page_filters()
    mode = parse_query(SearchModeParams, request.args).mode
    cursor = None if g.get("range_error") else current_params().cursor
    res = search_svc.search(container(), f, mode, cursor=cursor)
    next_args = MultiDict([*f.to_args(), *([("mode", mode)] if mode != "hybrid" else [])])
    if res.next_cursor:
        next_args.add("cursor", res.next_cursor)
    p = current_principal()
    assert p is not None  # require_role
    incident_of = incident_svc.incident_of_each(container(), p, [h.id for h in res.hits])
    return render_template("press/search.html", f=f, res=res, query_args=f.to_args(), incident_of=incident_of,
                           next_args=next_args if res.next_cursor else None, **_filter_choices())


@bp.route("/posts")
@require_role("press")
def posts() -> Any:
    """Social posts (Telegram, VK, YouTube) in the dashboard's filters, most reached first or newest first."""
    f = page_filters()
    p = parse_query(PostsParams, request.args)
    with db() as s:
        rows = posts_svc.posts_by_reach(s, f, sort=p.sort, min_reach=p.min_reach)
    kept = [(k, v) for k, v in f.to_args() if k not in ("channel", "min_reach", "sort")]  # the reach form has these
    return render_template("press/posts.html", f=f, rows=rows, params=p, kept_args=kept,
                           query_args=f.to_args(), **_filter_choices())


@bp.route("/faq-gaps")
@require_role("press")
def faq_gaps() -> Any:
    view = build_view("faq_gaps", current_filters())
    return render_template("press/faq_gaps.html", view=view)
