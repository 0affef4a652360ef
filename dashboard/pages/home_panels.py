"""The map page's side panels and their callbacks: selected area (admin unit or drawn polygon)
with counts and "send to report", proximity lists, the trend chart (linked both ways with the
map), playback, tips near venues (a saved filter), hotspots, tips and venues lists, and the
toast for priority tips near sensitive venues.

The panels that follow the page's query answer in one request (``board_home``). It also takes
the map's key (``HOME_MAP_KEY``) and, at page load, waits until the first map is on the
screen (``HOME_MAP_SHOWN``): the map gets the server and the browser first.
"""

from __future__ import annotations

import datetime as dt
from html import unescape as html_unescape
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from dashboard import data, ids
from dashboard.auth.guard import current_viewer
from dashboard.auth.policy import secure_callback
from dashboard.board import register, section
from dashboard.components import filters
from dashboard.components.layers import VENUE_COLOURS
from dashboard.components.mapfig import first_point
from dashboard.components.nearby import metres, panel
from dashboard.components.tables import table
from dashboard.components.trend import trend_figure
from dashboard.fmt import datetime_text, local
from dashboard.i18n import category_label, status_label, t
from dashboard.i18n import language as _lang
from dashboard.pages.home import PAGE_CAPABILITY, _near, _shown_level, query_of
from geodata.codes import is_area_code
from geodata.errors import ForbiddenError
from geodata.extent import in_thailand
from geodata.roles import Cap

ALERTS_LIST = "home-alerts-list"
MAX_VERTICES = 2000
MAX_CATEGORIES_SHOWN = 12


def panels() -> list[html.Div]:
    """The side panels under the map controls."""
    from dashboard.pages.home_detail import detail_panel

    return [
        detail_panel(),
        html.Div(
            className="sa-panel",
            children=[
                html.H2(id=ids.HOME_AREA + "-title"),
                html.Div(id=ids.HOME_AREA),
                html.Div(
                    className="sa-report",
                    children=[
                        dcc.Input(id=ids.HOME_AREA_NAME, type="text", maxLength=120,
                                  className="sa-input"),
                        html.Button(id=ids.HOME_AREA_SEND, n_clicks=0, className="sa-button"),
                        html.Button(id=ids.HOME_AREA_CLEAR, n_clicks=0,
                                    className="sa-button sa-secondary"),
                        html.P(id=ids.HOME_AREA_SENT, className="sa-note", role="status"),
                    ],
                ),
            ],
        ),
        html.Div(
            className="sa-panel",
            children=[
                html.H2(id=ids.HOME_NEAR_TITLE),
                dcc.Input(id=ids.HOME_NEAR_ADDR, type="text", debounce=True, maxLength=300,
                          className="sa-input"),
                html.Button(id=ids.HOME_NEAR_GO, n_clicks=0, className="sa-button"),
                html.Label(id=ids.HOME_NEAR_RADIUS_LABEL, htmlFor=ids.HOME_NEAR_RADIUS,
                           className="sa-field"),
                dcc.Slider(id=ids.HOME_NEAR_RADIUS, min=100, max=5000, step=100, value=500,
                           marks={100: "100", 1000: "1k", 2500: "2.5k", 5000: "5k"}),
                html.Div(id=ids.HOME_NEAR_RESULT),
            ],
        ),
        html.Div(
            className="sa-panel",
            children=[
                html.H2(id=ids.HOME_TREND_TITLE),
                html.P(id=ids.HOME_TREND_HINT, className="sa-note"),
                dcc.Graph(id=ids.HOME_TREND, config={"displayModeBar": False},
                          style={"height": "300px"}),
            ],
        ),
        html.Div(
            className="sa-panel",
            children=[
                html.H2(id=ids.HOME_COLOC_TITLE),
                html.P(id=ids.HOME_COLOC_HINT, className="sa-note"),
                dcc.Dropdown(id=ids.HOME_COLOC_SAVED, options=[], clearable=True),
                dcc.Dropdown(id=ids.HOME_COLOC_VENUES, multi=True, value=["school"],
                             options=[{"label": t(f"cat_{c}", "th"), "value": c}
                                      for c in VENUE_COLOURS]),
                dcc.Slider(id=ids.HOME_COLOC_RADIUS, min=50, max=2000, step=50, value=300,
                           marks={50: "50", 300: "300", 1000: "1k", 2000: "2k"}),
                html.Div(className="sa-buttons", children=[
                    html.Button(id=ids.HOME_COLOC_APPLY, n_clicks=0, className="sa-button"),
                    html.Button(id=ids.HOME_COLOC_CLEAR, n_clicks=0,
                                className="sa-button sa-secondary"),
                ]),
                dcc.Input(id=ids.HOME_COLOC_NAME, type="text", maxLength=120,
                          className="sa-input"),
                html.Button(id=ids.HOME_COLOC_SAVE, n_clicks=0, className="sa-button"),
                html.Div(id=ids.HOME_COLOC_RESULT, role="status"),
            ],
        ),
        html.Div(id=ids.HOME_HOTSPOTS, className="sa-panel"),
        html.Div(id=ids.HOME_TIPS, className="sa-panel"),
        html.Div(id=ids.HOME_VENUES, className="sa-panel"),
    ]  # fmt: skip


def alerts_box() -> html.Div:
    """The toast for new priority tips near sensitive venues (hidden while empty)."""
    return html.Div(
        id=ids.HOME_ALERTS,
        className="sa-alerts",
        style={"display": "none"},
        role="alert",
        children=[
            html.Div(id=ALERTS_LIST),
            html.Button(id=ids.HOME_ALERT_CLOSE, n_clicks=0, className="sa-button"),
        ],
    )


# --- selection ------------------------------------------------------------------------------


def selection(sel: Any) -> tuple[str, list[tuple[float, float]] | None] | None:
    """(admin code, None) or ('', polygon) from the selection store; None when unset or
    malformed (a polygon must have 3..2000 vertices inside Thailand)."""
    if not isinstance(sel, dict):
        return None
    code = sel.get("code")
    if isinstance(code, str) and is_area_code(code, (2, 4, 6)):
        return code, None
    poly = sel.get("polygon")
    if not isinstance(poly, list) or not 3 <= len(poly) <= MAX_VERTICES:
        return None
    out = []
    for p in poly:
        try:
            lon, lat = float(p[0]), float(p[1])
        except (TypeError, ValueError, IndexError, KeyError):
            return None
        if not in_thailand(lon, lat):
            return None
        out.append((lon, lat))
    return "", out


def _points_of(selected: Any) -> list[list[float]] | None:
    """A lasso or box drawn on the map → polygon vertices (lon, lat)."""
    if not isinstance(selected, dict):
        return None
    lasso = selected.get("lassoPoints")
    if isinstance(lasso, dict) and isinstance(lasso.get("map"), list):
        return [list(p)[:2] for p in lasso["map"] if isinstance(p, list | tuple)]
    box = selected.get("range")
    if isinstance(box, dict) and isinstance(box.get("map"), list) and len(box["map"]) == 2:
        try:
            (x0, y0), (x1, y1) = ((float(a), float(b)) for a, b in box["map"])
        except (TypeError, ValueError):
            return None
        return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    return None


@secure_callback(
    PAGE_CAPABILITY,
    Output(ids.HOME_PROVINCE, "value"),
    Output(ids.HOME_LEVEL, "value"),
    Output(ids.HOME_AREA_SEL, "data"),
    Input(ids.HOME_MAP_POINT, "data"),
    Input(ids.HOME_MAP, "selectedData"),
    Input(ids.HOME_AREA_CLEAR, "n_clicks"),
    State(ids.HOME_QUERY, "data"),
    State(ids.HOME_CLICK_MODE, "value"),
    prevent_initial_call=True,
)
def select_on_map(point: Any, selected: Any, _clear: Any, raw: Any, mode: Any) -> tuple[Any, ...]:
    """Click the map: select the admin area under the click, at the level drawn, and go down
    a level (a province opens its districts, a district its subdistricts) — whatever layer is
    drawn over it (heat, hotspots). Draw a lasso or box: select that polygon. In the "near"
    click mode a click is for proximity, not here."""
    no = dash.no_update
    if dash.ctx.triggered_id == ids.HOME_AREA_CLEAR:
        return no, no, None
    if "selectedData" in "".join(dash.ctx.triggered_prop_ids or {}):
        poly = _points_of(selected)
        ok = poly and selection({"polygon": poly}) is not None
        return no, no, {"polygon": poly} if ok else no
    at = _clicked_point({"points": [point]})
    if mode == "near" or at is None or not in_thailand(*at):
        return no, no, no
    level, _ = _shown_level(query_of(raw))
    code = data.area_code_at(at[0], at[1], level)
    if code is None:
        return no, no, no
    down = {"province": (code, "district"), "district": (code[:2], "subdistrict")}
    province, new_level = down.get(level, (no, no))
    return province, new_level, {"code": code}


def area_panel(summary: dict[str, Any], lang: str, be: bool) -> list[Any]:
    """Counts of a selected area by layer and category."""
    a = summary["area"]
    if a["kind"] == "admin":
        name = a["name_th"] if lang == "th" else a["name_en"]
        title = f"{name} ({t(a['level'], lang)} · {t('code', lang)} {a['code']})"
    else:
        title = t("drawn_area", lang)
    size = f" · {a['km2']:,.1f} {t('area_km2', lang)}" if a.get("km2") is not None else ""
    rows = [
        {"layer": t("venues_layer", lang), "n": summary["venues"]["total"]},
        {"layer": t("lodging", lang), "n": summary["lodging"]},
    ]
    if summary.get("units") is not None:
        rows.append({"layer": t("layer_units", lang), "n": summary["units"]})
    if "tips" in summary:
        rows.insert(0, {"layer": t("tips_count", lang), "n": summary["tips"]["total"]})
    out: list[Any] = [
        html.P([html.Strong(title), size], className="sa-area-name"),
        table([("layer", "layer"), ("n", "count")], rows, lang, "none_here", be=be),
    ]
    if "tips" in summary and summary["tips"]["by_category"]:
        cats = summary["tips"]["by_category"][:MAX_CATEGORIES_SHOWN]
        out += [
            html.H3(t("tips_by_category", lang)),
            table([("category", "category"), ("n", "count")], cats, lang, "no_tips", be=be),
        ]
    venues = [
        {"category": category_label(v["category"], lang), "n": v["n"]}
        for v in summary["venues"]["by_category"]
    ]
    if venues:
        out += [
            html.H3(t("venues_layer", lang)),
            table([("category", "category"), ("n", "count")], venues, lang, "no_venues", be=be),
        ]
    return out


@section(
    "home",
    PAGE_CAPABILITY,
    Output(ids.HOME_AREA + "-title", "children"),
    Output(ids.HOME_AREA, "children"),
    Output(ids.HOME_AREA_NAME, "placeholder"),
    Output(ids.HOME_AREA_SEND, "children"),
    Output(ids.HOME_AREA_SEND, "style"),
    Output(ids.HOME_AREA_NAME, "style"),
    Output(ids.HOME_AREA_CLEAR, "children"),
    Input(ids.HOME_AREA_SEL, "data"),
    Input(ids.HOME_QUERY, "data"),
    Input("lang", "value"),
    Input(ids.HOME_MARKER, "data"),
    Input(ids.HOME_MAP_KEY, "data"),
)
def render_area(
    sel: Any, raw: Any, lang: str, _marker: Any = None, _drawn: Any = None
) -> tuple[Any, ...]:
    """The selected area's counts (in the time window), and the report action for roles that
    may export."""
    lang, viewer, q = _lang(lang), current_viewer(), query_of(raw)
    picked = selection(sel)
    can_report = viewer.can(Cap.EXPORT) and picked is not None
    shown = {} if can_report else {"display": "none"}
    labels = (t("report_name", lang), t("send_to_report", lang), shown, shown,
              t("clear_selection", lang))  # fmt: skip
    if picked is None:
        return t("area_title", lang), html.P(t("area_hint", lang), className="sa-note"), *labels
    try:
        summary = data.area_summary(viewer, q, picked[0], picked[1])
    except ValueError:
        return t("area_title", lang), html.P(t("bad_area", lang), className="sa-error"), *labels
    return t("area_title", lang), area_panel(summary, lang, q.be), *labels


@secure_callback(
    Cap.EXPORT,
    Output(ids.HOME_AREA_SENT, "children"),
    Input(ids.HOME_AREA_SEND, "n_clicks"),
    State(ids.HOME_AREA_NAME, "value"),
    State(ids.HOME_AREA_SEL, "data"),
    State(ids.HOME_QUERY, "data"),
    State("lang", "value"),
    prevent_initial_call=True,
)
def send_to_report(_n: Any, name: Any, sel: Any, raw: Any, lang: str) -> Any:
    """Keep the selected area (and the page's filters) for a report; audited in geodata."""
    lang, q = _lang(lang), query_of(raw)
    picked = selection(sel)
    if picked is None:
        return html.Span(t("area_hint", lang), className="sa-error")
    label = str(name or "").strip()[:120] or (
        picked[0] or f"{t('drawn_area', lang)} {local(dt.datetime.now(dt.UTC)):%Y-%m-%d %H:%M}"
    )
    try:
        data.send_area_to_report(current_viewer(), label, picked[0], picked[1], filters.spec(q))
    except (ValueError, ForbiddenError) as exc:
        return html.Span(f"{t('bad_area', lang)}: {exc}", className="sa-error")
    return f"{t('sent_to_report', lang)}: {label}"


# --- proximity ------------------------------------------------------------------------------


def _picked_name(click: Any) -> str:
    """The name a picked venue, lodging site or unit carries (its first custom datum), as
    text: the panel shows it as the centre of the search."""
    custom = first_point(click).get("customdata")
    first = custom[0] if isinstance(custom, list) and custom else ""
    return html_unescape(str(first))[:120] if isinstance(first, str) else ""


def _clicked_point(click: Any) -> tuple[float, float] | None:
    """(lon, lat) of a clicked feature that has a position (not an area)."""
    p = first_point(click)
    try:
        return float(p["lon"]), float(p["lat"])
    except (KeyError, TypeError, ValueError):
        return None


@secure_callback(
    PAGE_CAPABILITY,
    Output(ids.HOME_NEAR, "data"),
    Input(ids.HOME_NEAR_GO, "n_clicks"),
    Input(ids.HOME_NEAR_ADDR, "n_submit"),
    Input(ids.HOME_MAP, "clickData"),
    Input(ids.HOME_MAP_POINT, "data"),
    Input(ids.HOME_NEAR_RADIUS, "value"),
    State(ids.HOME_NEAR_ADDR, "value"),
    State(ids.HOME_NEAR, "data"),
    State(ids.HOME_CLICK_MODE, "value"),
    prevent_initial_call=True,  # no centre at page load: the map need not wait for one
)
def set_centre(  # noqa: PLR0917 - one parameter per input
    _clicks: Any, _submit: Any, click: Any, point: Any, radius: Any, address: Any,
    current: Any, mode: Any = "area",
) -> Any:  # fmt: skip
    """The proximity centre: a feature with a position picked on the map, any point clicked
    when the map's click mode is "near", or an address typed (geocoded offline); a new radius
    keeps the centre."""
    try:
        r = max(100.0, min(float(radius), 5000.0))
    except (TypeError, ValueError):
        r = 500.0
    trigger = dash.ctx.triggered_id
    if trigger in (ids.HOME_MAP, ids.HOME_MAP_POINT):
        # A picked feature is a named place (venue, lodging site, unit). A heat cell or a
        # cluster under the click is not one: its position is the cell's or the cluster's,
        # up to a few hundred metres from the place clicked, and the same click also arrives
        # as the point (in "near" mode) in a request that may come first or second.
        picked = _picked_name(click) if trigger == ids.HOME_MAP else ""
        at = _clicked_point(click) if picked else None
        if trigger == ids.HOME_MAP_POINT and mode == "near":
            at = _clicked_point({"points": [point]})
        if at is None or not in_thailand(*at):
            return dash.no_update
        lon, lat = at
        label = f"{lat:.5f}, {lon:.5f}"
        return {
            "lon": lon,
            "lat": lat,
            "radius": r,
            "label": f"{picked} ({label})" if picked else label,
        }
    if trigger in (ids.HOME_NEAR_GO, ids.HOME_NEAR_ADDR):
        text = str(address or "").strip()[:300]
        found = data.locate(text) if text else None
        if found is None:
            return {"error": "not_found", "radius": r}
        return {"lon": found[0], "lat": found[1], "radius": r, "label": text}
    if trigger == ids.HOME_NEAR_RADIUS and _near(current) is not None:
        return {**current, "radius": r}
    return dash.no_update


@secure_callback(
    PAGE_CAPABILITY,
    Output(ids.HOME_NEAR_RESULT, "children"),
    Output(ids.HOME_NEAR_TITLE, "children"),
    Output(ids.HOME_NEAR_ADDR, "placeholder"),
    Output(ids.HOME_NEAR_GO, "children"),
    Output(ids.HOME_NEAR_RADIUS_LABEL, "children"),
    Input(ids.HOME_NEAR, "data"),
    Input("lang", "value"),
    Input(ids.HOME_NEAR_QUERY, "data"),
    State(ids.HOME_QUERY, "data"),
)
def render_near(near: Any, lang: str, _changed: Any, raw: Any) -> tuple[Any, ...]:
    """Nearest venues and lodging sites, and the tips in the radius (shaped by role; tips of
    the page's window and filters). A change of the page's query reaches this only while a
    centre is set (``near_query``, in the browser): otherwise there is nothing to redo."""
    lang = _lang(lang)
    labels = (t("near_title", lang), t("near_address", lang), t("near_go", lang),
              t("radius_m", lang))  # fmt: skip
    if isinstance(near, dict) and near.get("error") == "not_found":
        return html.P(t("near_not_found", lang), className="sa-error"), *labels
    centre = _near(near)
    if centre is None:
        return html.P(t("near_hint", lang), className="sa-note"), *labels
    lon, lat, radius, label = centre
    q = query_of(raw)
    result = data.nearby(current_viewer(), lon, lat, radius, q)
    return panel(result, label, lang), *labels


dash.clientside_callback(
    dash.ClientsideFunction(namespace="sitaware", function_name="nearQuery"),
    Output(ids.HOME_NEAR_QUERY, "data"),
    Input(ids.HOME_QUERY, "data"),
    State(ids.HOME_NEAR, "data"),
    prevent_initial_call=True,
)


# --- time: trend chart (linked with the map) and playback -----------------------------------


@section(
    "home",
    Cap.TIPS_AGGREGATE,
    Output(ids.HOME_TREND, "figure"),
    Output(ids.HOME_TREND_TITLE, "children"),
    Output(ids.HOME_TREND_HINT, "children"),
    Input(ids.HOME_QUERY, "data"),
    Input("lang", "value"),
    Input(ids.HOME_MARKER, "data"),
    Input(ids.HOME_AREA_SEL, "data"),
    Input(ids.HOME_MAP_KEY, "data"),
)
def render_trend(
    raw: Any, lang: str, _marker: Any = None, sel: Any = None, _drawn: Any = None
) -> Any:
    """Tips per day for the top categories of the selected area (or the page's area), the
    whole time window even while playback steps through it (the step is marked)."""
    lang, viewer = _lang(lang), current_viewer()
    whole = query_of({**raw, "play": 0} if isinstance(raw, dict) else raw)
    step = query_of(raw)
    picked = selection(sel)
    if picked is not None and picked[1] is not None:
        summary = data.area_summary(viewer, whole, "", picked[1])
        rows = [(d["day"], t("drawn_area", lang), d["n"]) for d in summary["tips"]["by_day"]]
    else:
        rows = data.tip_trend(viewer, whole, area=picked[0] if picked else None)
    fig = trend_figure(rows, lang, be=whole.be)
    playing = isinstance(raw, dict) and isinstance(raw.get("play"), int) and raw["play"] > 0
    if playing and step.since is not None:
        day = local(step.since).date()
        fig["layout"]["shapes"] = [
            {"type": "rect", "xref": "x", "yref": "paper", "y0": 0, "y1": 1,
             "x0": day.isoformat(), "x1": (day + dt.timedelta(days=1)).isoformat(),
             "fillcolor": "rgba(11,83,148,0.15)", "line": {"width": 0}, "layer": "below"}
        ]  # fmt: skip
    return fig, t("trend_title", lang), t("trend_hint", lang)


@secure_callback(
    Cap.TIPS_AGGREGATE,
    Output(ids.HOME_CATEGORIES, "value"),
    Input(ids.HOME_TREND, "clickData"),
    State(ids.HOME_CATEGORIES, "value"),
    prevent_initial_call=True,
)
def trend_picks_category(click: Any, current: Any) -> Any:
    """Click a line of the trend chart: the map and lists keep only its category (click it
    again to keep all)."""
    cat = first_point(click).get("customdata")
    cat = cat[0] if isinstance(cat, list) and cat else cat
    if not isinstance(cat, str) or not 0 < len(cat) <= 120:
        return dash.no_update
    return [] if current == [cat] else [cat]


# Only a drag across the trend's days reaches the server: plotly also reports the chart's own
# layout (autosize, at every drawing) as a relayout, which asked the server for nothing.
dash.clientside_callback(
    dash.ClientsideFunction(namespace="sitaware", function_name="trendRange"),
    Output(ids.HOME_TREND_RANGE, "data"),
    Input(ids.HOME_TREND, "relayoutData"),
    prevent_initial_call=True,
)


@secure_callback(
    Cap.TIPS_AGGREGATE,
    Output(ids.HOME_WINDOW, "value"),
    Output(ids.HOME_RANGE, "start_date"),
    Output(ids.HOME_RANGE, "end_date"),
    Input(ids.HOME_TREND_RANGE, "data"),
    prevent_initial_call=True,
)
def trend_sets_window(relayout: Any) -> Any:
    """Drag across days on the trend chart: that span becomes the (custom) time window."""
    if not isinstance(relayout, dict):
        return dash.no_update, dash.no_update, dash.no_update
    a, b = relayout.get("xaxis.range[0]"), relayout.get("xaxis.range[1]")
    days = [filters._date(v) for v in (a, b)]
    if days[0] is None or days[1] is None:
        return dash.no_update, dash.no_update, dash.no_update
    return "custom", days[0].isoformat(), days[1].isoformat()


@secure_callback(
    PAGE_CAPABILITY,
    Output(ids.HOME_PLAY, "max"),
    Output(ids.HOME_PLAY, "marks"),
    Output(ids.HOME_PLAY, "value"),
    Input(ids.HOME_PLAY_TICK, "n_intervals"),
    Input(ids.HOME_WINDOW, "value"),
    Input(ids.HOME_RANGE, "start_date"),
    Input(ids.HOME_RANGE, "end_date"),
    Input("lang", "value"),
    Input(ids.HOME_ERA, "value"),
    State(ids.HOME_PLAY, "value"),
    prevent_initial_call=True,  # the layout holds the default window's steps
)
def playback(  # noqa: PLR0917 - one parameter per input
    _tick: Any, window: Any, start: Any, end: Any, lang: str, era: Any, value: Any
) -> tuple[Any, Any, Any]:
    """The playback slider: step 0 is the whole window, then one step per hour (windows of two
    days or less) or per day; while playing, each tick moves one step on (and round again)."""
    lang = _lang(lang)
    q = filters.query(window=window, start=start, end=end, era=era)
    steps = filters.play_steps(q.since, q.until)
    n = len(steps)
    if dash.ctx.triggered_id == ids.HOME_PLAY_TICK:
        v = value if isinstance(value, int) and 0 <= value <= n else 0
        return dash.no_update, dash.no_update, (v % n) + 1 if n else 0
    # no marks (an explicit None: an empty dict makes the slider number every step); their
    # labels overflow a narrow panel, and the label beside the button says which step is shown
    return max(1, n), None, 0


@secure_callback(
    PAGE_CAPABILITY,
    Output(ids.HOME_PLAY_TICK, "disabled"),
    Output(ids.HOME_PLAY_BTN, "children"),
    Input(ids.HOME_PLAY_BTN, "n_clicks"),
    Input("lang", "value"),
    State(ids.HOME_PLAY_TICK, "disabled"),
)
def toggle_play(_n: Any, lang: str, disabled: Any) -> tuple[bool, str]:
    """Play / pause the playback."""
    lang = _lang(lang)
    stopped = disabled is not False
    if dash.ctx.triggered_id == ids.HOME_PLAY_BTN:
        stopped = not stopped
    return stopped, t("play" if stopped else "pause", lang)


@section(
    "home",
    PAGE_CAPABILITY,
    Output(ids.HOME_PLAY_LABEL, "children"),
    Input(ids.HOME_QUERY, "data"),
    Input("lang", "value"),
)
def play_label(raw: Any, lang: str) -> str:
    """What the map shows: the whole window, or the playback step."""
    lang = _lang(lang)
    r = raw if isinstance(raw, dict) else {}
    play = r.get("play")
    if not isinstance(play, int) or play <= 0:
        return f"{t('showing', lang)}: {t('whole_window', lang)}"
    q = filters.query(window=r.get("window"), start=r.get("start"), end=r.get("end"),
                      era=r.get("era"))  # fmt: skip
    steps = filters.play_steps(q.since, q.until)
    if play > len(steps):
        return f"{t('showing', lang)}: {t('whole_window', lang)}"
    return f"{t('showing', lang)}: {filters.step_label(steps[play - 1], lang, q.be)}"


# --- tips near venues (a saved filter) ------------------------------------------------------

COLOC_RADIUS = (50, 2000)


def coloc_spec(value: Any) -> dict[str, Any] | None:
    """{radius_m, venue_categories} from the filter store; None when off or malformed."""
    if not isinstance(value, dict):
        return None
    try:
        radius = float(value.get("radius_m"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    cats = value.get("venue_categories")
    if not (COLOC_RADIUS[0] <= radius <= COLOC_RADIUS[1]) or not isinstance(cats, list):
        return None
    kept = [c for c in cats if c in VENUE_COLOURS]
    return {"radius_m": radius, "venue_categories": kept}


@secure_callback(
    Cap.TIPS_AGGREGATE,
    Output(ids.HOME_COLOC, "data"),
    Input(ids.HOME_COLOC_APPLY, "n_clicks"),
    Input(ids.HOME_COLOC_CLEAR, "n_clicks"),
    Input(ids.HOME_COLOC_SAVED, "value"),
    State(ids.HOME_COLOC_VENUES, "value"),
    State(ids.HOME_COLOC_RADIUS, "value"),
    prevent_initial_call=True,
)
def set_coloc(_apply: Any, _clear: Any, saved: Any, venues: Any, radius: Any) -> Any:
    """Switch the "tips near venues" filter on (from the controls or a saved filter) or off."""
    trigger = dash.ctx.triggered_id
    if trigger == ids.HOME_COLOC_CLEAR:
        return None
    if trigger == ids.HOME_COLOC_SAVED:
        if not isinstance(saved, int | str):
            return None
        for f in data.saved_filters(current_viewer()):
            if str(f["id"]) == str(saved):
                return coloc_spec(f["spec"])
        return None
    return coloc_spec({"radius_m": radius, "venue_categories": venues or []})


@secure_callback(
    Cap.TIPS_AGGREGATE,
    Output(ids.HOME_COLOC_SAVED, "options"),
    Output(ids.HOME_COLOC_SAVED, "placeholder"),
    Output(ids.HOME_COLOC_NAME, "value"),
    Input(ids.HOME_COLOC_SAVE, "n_clicks"),
    Input("lang", "value"),
    State(ids.HOME_COLOC_NAME, "value"),
    State(ids.HOME_COLOC, "data"),
    State(ids.HOME_WINDOW, "value"),
)
def save_coloc(_n: Any, lang: str, name: Any, coloc: Any, window: Any) -> tuple[Any, str, Any]:
    """Save the filter that is on under a name; list the person's saved filters."""
    lang, viewer = _lang(lang), current_viewer()
    cleared: Any = dash.no_update
    spec = coloc_spec(coloc)
    label = str(name or "").strip()[:120]
    if dash.ctx.triggered_id == ids.HOME_COLOC_SAVE and spec is not None and label:
        w = window if window in filters.WINDOWS and window != "custom" else "30d"
        data.save_filter(viewer, label, {**spec, "window": w})
        cleared = ""
    options = [{"label": f["name"], "value": f["id"]} for f in data.saved_filters(viewer)]
    return options, t("saved_filters", lang), cleared


@section(
    "home",
    Cap.TIPS_AGGREGATE,
    Output(ids.HOME_COLOC_RESULT, "children"),
    Output(ids.HOME_COLOC_TITLE, "children"),
    Output(ids.HOME_COLOC_HINT, "children"),
    Output(ids.HOME_COLOC_VENUES, "options"),
    Output(ids.HOME_COLOC_VENUES, "placeholder"),
    Output(ids.HOME_COLOC_APPLY, "children"),
    Output(ids.HOME_COLOC_CLEAR, "children"),
    Output(ids.HOME_COLOC_SAVE, "children"),
    Output(ids.HOME_COLOC_NAME, "placeholder"),
    Input(ids.HOME_COLOC, "data"),
    Input(ids.HOME_QUERY, "data"),
    Input("lang", "value"),
    Input(ids.HOME_MARKER, "data"),
    Input(ids.HOME_MAP_KEY, "data"),
)
def render_coloc(
    coloc: Any, raw: Any, lang: str, _marker: Any = None, _drawn: Any = None
) -> tuple[Any, ...]:
    """The filter's result: how many tips lie near the chosen venues, by category, and (by
    role) the newest of them with the venue and distance."""
    lang, viewer, q = _lang(lang), current_viewer(), query_of(raw)
    labels = (
        t("near_filter_title", lang), t("near_filter_hint", lang),
        [{"label": t(f"cat_{c}", lang), "value": c} for c in VENUE_COLOURS],
        t("venue_categories", lang), t("apply", lang), t("clear", lang),
        t("save_filter", lang), t("filter_name", lang),
    )  # fmt: skip
    spec = coloc_spec(coloc)
    if spec is None:
        return None, *labels
    got = data.tips_near_venues(viewer, q, spec)
    venues = ", ".join(t(f"cat_{c}", lang) for c in spec["venue_categories"]) or "–"
    out: list[Any] = [
        html.P(
            [html.Strong(f"{t('filter_active', lang)}: "),
             f"{got['total']:,} {t('tips_near_venues_n', lang)} ({venues}, "
             f"≤ {metres(spec['radius_m'], lang)})"]
        ),
        table([("category", "category"), ("n", "count")], got["by_category"][:10], lang,
              "no_tips", be=q.be),
    ]  # fmt: skip
    if got["records"]:
        name_key = "venue_name_th" if lang == "th" else "venue_name_en"
        rows = [
            {"reported_at": r["reported_at"], "category": r["category"],
             "venue": r.get(name_key) or r.get("venue_name_th"),
             "distance": metres(r["metres"], lang)}
            for r in got["records"][:20]
        ]  # fmt: skip
        out.append(
            table([("reported_at", "time"), ("category", "category"), ("venue", "name"),
                   ("distance", "distance")], rows, lang, "no_tips", be=q.be)
        )  # fmt: skip
    return out, *labels


# --- alerts ---------------------------------------------------------------------------------


@secure_callback(
    Cap.TIPS_AGGREGATE,
    Output(ids.HOME_ALERTS, "style"),
    Output(ALERTS_LIST, "children"),
    Output(ids.HOME_ALERT_SEEN, "data"),
    Output(ids.HOME_ALERT_CLOSE, "children"),
    Input(ids.HOME_MARKER, "data"),
    Input(ids.HOME_ALERT_CLOSE, "n_clicks"),
    Input("lang", "value"),
    State(ids.HOME_ALERT_SEEN, "data"),
    State(ids.HOME_ERA, "value"),
)
def alerts(_marker: Any, _close: Any, lang: str, seen: Any, era: Any) -> tuple[Any, ...]:
    """A toast for new tips that match a geofence rule (tip category × venue sensitivity ×
    distance, ``SITAWARE_GEOFENCE_RULES``): from the moment the page opened; dismissed by
    the person."""
    lang, viewer = _lang(lang), current_viewer()
    hidden = {"display": "none"}
    trigger = dash.ctx.triggered_id
    if not isinstance(seen, int) or isinstance(seen, bool):
        return hidden, None, data.latest_tip_id(viewer), t("dismiss", lang)
    if trigger == ids.HOME_ALERT_CLOSE:
        return hidden, None, data.latest_tip_id(viewer), t("dismiss", lang)
    if trigger == "lang":
        return dash.no_update, dash.no_update, dash.no_update, t("dismiss", lang)
    found = data.new_alerts(viewer, seen)
    if not found:
        return dash.no_update, dash.no_update, dash.no_update, t("dismiss", lang)
    be = isinstance(era, list) and "be" in era
    name_key = "name_th" if lang == "th" else "name_en"
    items = [
        html.Li(
            [html.Strong(f"{t('priority_' + a['priority'], lang)} · {a['category']}"), html.Br(),
             f"{datetime_text(a['reported_at'], lang, be)} · {metres(a['metres'], lang)} "
             f"{t('from_venue', lang)} {a['venue'].get(name_key) or a['venue'].get('name_th')}"
             f" ({category_label(a['venue']['category'], lang)})"]
        )
        for a in found[:5]
    ]  # fmt: skip
    return (
        {},
        [html.Strong(t("alerts_title", lang)), html.Ul(items)],
        dash.no_update,
        t("dismiss", lang),
    )


# --- lists: hotspots, tips, venues ----------------------------------------------------------


@section(
    "home",
    Cap.TIPS_AGGREGATE,
    Output(ids.HOME_HOTSPOTS, "children"),
    Input(ids.HOME_QUERY, "data"),
    Input("lang", "value"),
    Input(ids.HOME_MARKER, "data"),
    Input(ids.HOME_MAP_KEY, "data"),
)
def render_hotspots(raw: Any, lang: str, _marker: Any = None, _drawn: Any = None) -> Any:
    """The ten strongest significant hotspots, ranked (counts only: every role)."""
    lang = _lang(lang)
    q = query_of(raw)
    spots = [h for h in data.hotspots(current_viewer(), q) if h.confidence > 0][:10]
    # the hexagon size follows the extent (geodata.hotspots.plan): say which one this is
    km2 = data.hexagon_km2(q)
    size = f"{km2:,.0f}" if km2 >= 10 else f"{km2:,.2f}"
    children: list[Any] = [
        html.H2(t("hotspots", lang)),
        html.P(t("hotspots_note", lang).format(km2=size), className="sa-note"),
    ]
    if not spots:
        return [*children, html.P(t("hotspots_none", lang))]
    head = html.Tr(
        [html.Th(t("rank", lang)), html.Th(t("place", lang)),
         html.Th(t("hotspot_tips", lang), className="num"), html.Th("z", className="num")]
    )  # fmt: skip
    body = [
        html.Tr(
            [
                html.Td(str(i + 1), className="num"),
                html.Td(data.place_name(h.lon, h.lat, lang)),
                html.Td(f"{h.n:,} / {h.around:,}", className="num"),
                html.Td(f"{h.z:.1f} ({h.confidence}%)", className="num"),
            ]
        )
        for i, h in enumerate(spots)
    ]
    return [*children, html.Table([html.Thead(head), html.Tbody(body)], className="sa-counts")]


MAX_CATEGORIES = 12


def _top_categories(counts: list[tuple[str, int]], lang: str) -> list[dict[str, Any]]:
    """The most frequent categories, the rest summed into one row (lists stay readable when a
    source has hundreds of multi-label categories)."""
    rows = [{"category": c, "n": n} for c, n in counts[:MAX_CATEGORIES]]
    rest = counts[MAX_CATEGORIES:]
    if rest:
        label = t("other_categories", lang).format(n=len(rest))
        rows.append({"category": label, "n": sum(n for _, n in rest)})
    return rows


@section(
    "home",
    Cap.TIPS_AGGREGATE,
    Output(ids.HOME_TIPS, "children"),
    Input(ids.HOME_QUERY, "data"),
    Input("lang", "value"),
    Input(ids.HOME_MARKER, "data"),
    Input(ids.HOME_MAP_KEY, "data"),
)
def render_tips(raw: Any, lang: str, _marker: Any = None, _drawn: Any = None) -> list[Any]:
    """Tip counts for every role; recent records (and text) only for roles allowed them.

    The shaping happens in geodata's queries, from the viewer of this request; nothing the
    browser sends can widen it.
    """
    lang, viewer, q = _lang(lang), current_viewer(), query_of(raw)
    counts = _top_categories(data.tip_counts(viewer, q), lang)
    children: list[Any] = [
        html.H2(t("tips_in_area", lang)),
        table([("category", "category"), ("n", "count")], counts, lang, "no_tips", be=q.be),
    ]
    if viewer.can(Cap.TIPS_RECORDS):
        columns = [
            ("reported_at", "time"),
            ("category", "category"),
            ("status", "status"),
            ("reliability", "grade"),
            ("geo_precision", "precision"),
        ]
        if viewer.can(Cap.TIPS_TEXT):
            columns.append(("text", "text"))
        records = data.tip_records(viewer, q)
        children += [html.H2(t("recent_tips", lang)), tip_cards(records, columns, lang, q.be)]
    return children


def _fact(key: str, value: Any, lang: str) -> str:
    """One fact of a tip card: a status in ``lang`` where sitaware knows it."""
    if not value:
        return "–"
    return status_label(value, lang) if key == "status" else str(value)


def tip_cards(
    records: list[dict[str, Any]], columns: list[tuple[str, str]], lang: str, be: bool
) -> Any:
    """Recent tips as short cards (a side panel is too narrow for a table with the text): the
    time and category first, then status, grade and precision, then the text when the role
    may read it."""
    if not records:
        return html.P(t("no_tips", lang), className="sa-note")
    keys = [k for k, _ in columns]
    cards = []
    for r in records:
        facts = [
            f"{t(label, lang)} {_fact(k, r.get(k), lang)}"
            for k, label in columns[2:]
            if k != "text"
        ]
        body: list[Any] = [
            html.Div([html.Strong(str(r.get("category") or "–")), " · ",
                      datetime_text(r["reported_at"], lang, be)]),
            html.Div(" · ".join(facts), className="sa-note"),
        ]  # fmt: skip
        if "text" in keys and r.get("text"):
            body.append(html.Div(str(r["text"]), className="sa-tip-text"))
        cards.append(html.Li(body))
    return html.Ul(cards, className="sa-cards")


@section(
    "home",
    Cap.MAP_VIEW,
    Output(ids.HOME_VENUES, "children"),
    Input(ids.HOME_QUERY, "data"),
    Input("lang", "value"),
    Input(ids.HOME_MAP_KEY, "data"),
)
def render_venues(raw: Any, lang: str, _drawn: Any = None) -> list[Any]:
    """The most sensitive venues of the area."""
    lang, area = _lang(lang), query_of(raw).area
    name_key = "name_th" if lang == "th" else "name_en"
    rows = [
        {
            "name": v[name_key] or v["name_th"] or v["name_en"],
            "category": category_label(v["category"], lang),
            "sensitivity": v["sensitivity"],
        }
        for v in data.venues(current_viewer(), area)
    ]
    return [
        html.H2(t("venues", lang)),
        table(
            [("name", "name"), ("category", "category"), ("sensitivity", "sensitivity")],
            rows,
            lang,
            "no_venues",
        ),
    ]


# The first map of a page is on the screen before the panels are asked for: the browser
# draws the map and the panels' answer (tables, the trend chart) on one thread, and a map
# that waited for them was ready ~0.2 s later (docs/map.md). The page's script writes the
# map's key here once that map is drawn (at most 3 s after it arrived), and at once for every
# later map.
dash.clientside_callback(
    dash.ClientsideFunction(namespace="sitaware", function_name="shown"),
    Output(ids.HOME_MAP_SHOWN, "data"),
    Input(ids.HOME_MAP_KEY, "data"),
)

# The panels above that follow the page's query answer in one request (dashboard.board): a
# change of area or window sends the map, the proximity list and this, not eleven requests.
board_home = register(
    "home",
    Cap.TIPS_AGGREGATE,
    gate=(Input(ids.HOME_MAP_SHOWN, "data"), Input(ids.HOME_MAP_KEY, "data")),
)
