"""Home page: admin areas on an offline map, tip counts and (by role) recent tips, the most
sensitive venues of the area, and the attribution of every layer.

The live situational map replaces this page's map with layers of tips, venues and units.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from dashboard import data, ids
from dashboard.auth.guard import current_viewer, in_guarded_request
from dashboard.auth.policy import secure_callback
from dashboard.components.admin_map import admin_map_figure
from dashboard.components.basemap import style_url
from dashboard.components.layers import heat_trace, hotspot_trace, unit_trace, venue_traces
from dashboard.components.nearby import circle_traces, panel
from dashboard.components.tables import table
from dashboard.components.trend import trend_figure
from dashboard.i18n import language as _lang
from dashboard.i18n import t
from geodata.codes import is_area_code
from geodata.extent import in_thailand
from geodata.roles import Cap

LEVELS = ("province", "district", "subdistrict")
WINDOWS = {"1h": 1, "24h": 24, "7d": 7 * 24, "30d": 30 * 24, "all": None}  # hours
LIVE_MS = 1000  # how often an open page asks whether tips changed (two primary-key lookups)
PAGE_CAPABILITY = Cap.MAP_VIEW


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


def _since(window: Any) -> dt.datetime | None:
    """Start of the time window (a forged value means the default, 30 days)."""
    hours = WINDOWS.get(window, WINDOWS["30d"]) if isinstance(window, str) else WINDOWS["30d"]
    return None if hours is None else dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)


def _province(value: Any) -> str:
    """A forged or malformed picker value falls back to the whole country."""
    return value if is_area_code(value, (2,)) else ""


def layout(**_query: Any) -> html.Div:
    """Page layout; filled by callbacks (no database work here)."""
    if in_guarded_request() and not current_viewer().can(PAGE_CAPABILITY):
        return html.Div(html.P(t("forbidden_page", "th") + " / " + t("forbidden_page", "en")))
    return html.Div(
        [
            html.Div(id=ids.HOME_DEMO_BANNER, role="status"),
            html.Div(
                className="sa-main",
                children=[
                    html.Div(
                        className="sa-side",
                        children=[
                            html.Div(
                                className="sa-panel",
                                children=[
                                    html.H2(id=ids.HOME_LEVEL_TITLE),
                                    html.Label(
                                        id=ids.HOME_LEVEL_LABEL,
                                        htmlFor=ids.HOME_LEVEL,
                                        className="sa-field",
                                    ),
                                    dcc.RadioItems(
                                        id=ids.HOME_LEVEL,
                                        value="province",
                                        options=[],
                                        className="sa-radio",
                                    ),
                                    html.Label(
                                        id=ids.HOME_PROVINCE_LABEL,
                                        htmlFor=ids.HOME_PROVINCE,
                                        className="sa-field",
                                    ),
                                    dcc.Dropdown(id=ids.HOME_PROVINCE, value="", clearable=False),
                                    html.Label(
                                        id=ids.HOME_WINDOW_LABEL,
                                        htmlFor=ids.HOME_WINDOW,
                                        className="sa-field",
                                    ),
                                    dcc.RadioItems(
                                        id=ids.HOME_WINDOW,
                                        value="30d",
                                        options=[],
                                        className="sa-radio",
                                    ),
                                    dcc.Interval(id=ids.HOME_TICK, interval=LIVE_MS),
                                    dcc.Store(id=ids.HOME_MARKER),
                                    dcc.Store(id=ids.HOME_VIEW),
                                    html.P(id=ids.HOME_LEVEL_NOTE, className="sa-note"),
                                    html.Div(id=ids.HOME_COUNTS),
                                ],
                            ),
                            html.Div(
                                className="sa-panel",
                                children=[
                                    html.H2(id=ids.HOME_NEAR_TITLE),
                                    dcc.Input(
                                        id=ids.HOME_NEAR_ADDR,
                                        type="text",
                                        debounce=True,
                                        maxLength=300,
                                        className="sa-input",
                                    ),
                                    html.Button(
                                        id=ids.HOME_NEAR_GO, n_clicks=0, className="sa-button"
                                    ),
                                    html.Label(
                                        id=ids.HOME_NEAR_RADIUS_LABEL,
                                        htmlFor=ids.HOME_NEAR_RADIUS,
                                        className="sa-field",
                                    ),
                                    dcc.Slider(
                                        id=ids.HOME_NEAR_RADIUS,
                                        min=100,
                                        max=5000,
                                        step=100,
                                        value=500,
                                        marks={100: "100", 1000: "1k", 2500: "2.5k", 5000: "5k"},
                                    ),
                                    dcc.Store(id=ids.HOME_NEAR),
                                    html.Div(id=ids.HOME_NEAR_RESULT),
                                ],
                            ),
                            html.Div(
                                className="sa-panel",
                                children=[
                                    html.H2(id=ids.HOME_TREND_TITLE),
                                    dcc.Graph(
                                        id=ids.HOME_TREND,
                                        config={"displayModeBar": False},
                                        style={"height": "230px"},
                                    ),
                                ],
                            ),
                            html.Div(id=ids.HOME_HOTSPOTS, className="sa-panel"),
                            html.Div(id=ids.HOME_TIPS, className="sa-panel"),
                            html.Div(id=ids.HOME_VENUES, className="sa-panel"),
                        ],
                    ),
                    html.Div(
                        className="sa-panel",
                        children=[
                            # no dcc.Loading around the map: it remounts the graph on every
                            # update, which would reset the user's zoom and pan
                            dcc.Graph(
                                id=ids.HOME_MAP,
                                className="sa-map",
                                config={"displaylogo": False, "scrollZoom": True},
                            )
                        ],
                    ),
                ],
            ),
            html.Div(id=ids.HOME_ATTRIBUTION, className="sa-attribution"),
        ]
    )


dash.register_page(__name__, path="/", title="sitaware", name="home", layout=layout)


def counts_table(lang: str) -> html.Table:
    """Per-level counts for the whole country (pure builder over data.admin_summary)."""
    columns = ("count", "official", "approximate")
    head = html.Tr(
        [html.Th(t("level", lang))] + [html.Th(t(c, lang), className="num") for c in columns]
    )
    rows = [
        html.Tr(
            [html.Td(t(s.level, lang))]
            + [html.Td(f"{v:,}", className="num") for v in (s.n, s.n_official, s.n_approximate)]
        )
        for s in data.admin_summary("")
    ]
    return html.Table([html.Thead(head), html.Tbody(rows)], className="sa-counts")


def attribution(lang: str) -> html.Div:
    """Source and licence of every loaded layer."""
    return html.Div(
        [
            html.Strong(t("sources", lang) + ": "),
            html.Ul(
                [
                    html.Li(f"{s.attribution}" + (f" · v{s.version}" if s.version else ""))
                    for s in data.data_sources()
                ]
            ),
        ]
    )


@secure_callback(
    PAGE_CAPABILITY,
    Output(ids.HOME_LEVEL_TITLE, "children"),
    Output(ids.HOME_LEVEL_LABEL, "children"),
    Output(ids.HOME_LEVEL, "options"),
    Output(ids.HOME_PROVINCE_LABEL, "children"),
    Output(ids.HOME_PROVINCE, "options"),
    Output(ids.HOME_COUNTS, "children"),
    Output(ids.HOME_ATTRIBUTION, "children"),
    Output(ids.HOME_DEMO_BANNER, "children"),
    Output(ids.HOME_WINDOW_LABEL, "children"),
    Output(ids.HOME_WINDOW, "options"),
    Output(ids.HOME_NEAR_TITLE, "children"),
    Output(ids.HOME_NEAR_ADDR, "placeholder"),
    Output(ids.HOME_NEAR_GO, "children"),
    Output(ids.HOME_NEAR_RADIUS_LABEL, "children"),
    Input("lang", "value"),
)
def render_labels(lang: str) -> tuple[Any, ...]:
    """Labels, pickers, counts and attribution in the chosen language."""
    lang = _lang(lang)
    level_opts = [{"label": t(level, lang), "value": level} for level in LEVELS]
    prov_opts = [{"label": t("all_thailand", lang), "value": ""}] + [
        {
            "label": f"{p.name_th} ({p.name_en})" if lang == "th" else f"{p.name_en} ({p.name_th})",
            "value": p.code,
        }
        for p in data.provinces()
    ]
    return (
        t("admin_areas", lang),
        t("level", lang),
        level_opts,
        t("province", lang),
        prov_opts,
        counts_table(lang),
        attribution(lang),
        demo_banner(lang),
        t("time_window", lang),
        [{"label": t(f"w_{w}", lang), "value": w} for w in WINDOWS],
        t("near_title", lang),
        t("near_address", lang),
        t("near_go", lang),
        t("radius_m", lang),
    )


def demo_banner(lang: str) -> Any:
    """A plain warning, in both languages, while synthetic demo data is loaded."""
    if not any(s.layer == "demo" for s in data.data_sources()):
        return None
    other = "en" if lang == "th" else "th"
    return html.Div(
        [html.Strong(t("demo_banner", lang)), html.Span(" · " + t("demo_banner", other))],
        className="sa-demo-banner",
    )


@secure_callback(
    PAGE_CAPABILITY,
    Output(ids.HOME_MAP, "figure"),
    Output(ids.HOME_LEVEL_NOTE, "children"),
    Input(ids.HOME_LEVEL, "value"),
    Input(ids.HOME_PROVINCE, "value"),
    Input("lang", "value"),
    Input(ids.HOME_WINDOW, "value"),
    Input(ids.HOME_MARKER, "data"),
    Input(ids.HOME_NEAR, "data"),
    State(ids.HOME_VIEW, "data"),
)
def render_map(  # noqa: PLR0917 - one parameter per input of the callback
    level: str,
    province: str,
    lang: str,
    window: str = "30d",
    _marker: Any = None,
    near: Any = None,
    view: Any = None,
) -> tuple[Any, str]:
    """The map for the chosen level and province."""
    lang = _lang(lang)
    level = level if level in LEVELS else "province"
    province = _province(province)
    note = ""
    if level == "subdistrict" and not province:
        note = t("pick_province_for_subdistricts", lang)
        level = "district"
    fc = data.admin_geojson(level, province)
    fig = admin_map_figure(fc, lang, uirevision=f"{level}:{province}", style=style_url())
    viewer = current_viewer()
    if viewer.can(Cap.MAP_VIEW):
        for trace in venue_traces(data.venue_points(viewer, province), lang):
            fig.add_trace(trace)
    if viewer.can(Cap.TIPS_AGGREGATE):  # heat above the venue points, translucent
        cells = data.tip_density(viewer, province, _since(window))
        if cells:
            fig.add_trace(heat_trace(cells, lang))
        hot = hotspot_trace(data.hotspots(viewer, province, _since(window)), lang)
        if hot is not None:
            fig.add_trace(hot)
    if viewer.can(Cap.MAP_VIEW):  # units on top: where help is
        unit_rows = data.units(viewer, province)
        if unit_rows:
            fig.add_trace(unit_trace(unit_rows, lang))
    centre = _near(near)
    if centre is not None:
        for trace in circle_traces(centre[0], centre[1], centre[2], lang):
            fig.add_trace(trace)
        if dash.ctx.triggered_id == ids.HOME_NEAR:  # a new search: fly to its circle
            zoom = max(8.0, min(17.0, 15.0 - math.log2(centre[2] / 250)))
            fig.update_layout(map={"center": {"lon": centre[0], "lat": centre[1]}, "zoom": zoom})
            return fig, note
    # A redraw for new tips or another time window keeps where the user had moved the map.
    kept = _kept_view(view, f"{level}:{province}")
    if kept is not None:
        fig.update_layout(map={"center": kept[0], "zoom": kept[1]})
    return fig, note


def _kept_view(view: Any, key: str) -> tuple[dict[str, float], float] | None:
    """The user's last centre and zoom for this level and area (None when there is none, or
    it was for another area, or it is malformed)."""
    if not isinstance(view, dict) or view.get("key") != key:
        return None
    center, zoom = view.get("center"), view.get("zoom")
    try:
        lon, lat, z = float(center["lon"]), float(center["lat"]), float(zoom)  # type: ignore[index]
    except (TypeError, KeyError, ValueError):
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90 and 0 <= z <= 22):
        return None
    return {"lon": lon, "lat": lat}, z


@secure_callback(
    PAGE_CAPABILITY,
    Output(ids.HOME_VIEW, "data"),
    Input(ids.HOME_MAP, "relayoutData"),
    State(ids.HOME_LEVEL, "value"),
    State(ids.HOME_PROVINCE, "value"),
)
def remember_view(relayout: Any, level: Any, province: Any) -> Any:
    """Remember where the user moved the map (for this level and area)."""
    if not isinstance(relayout, dict) or "map.zoom" not in relayout:
        return dash.no_update
    level = level if level in LEVELS else "province"
    return {
        "key": f"{level}:{_province(province)}",
        "center": relayout.get("map.center"),
        "zoom": relayout.get("map.zoom"),
    }


@secure_callback(
    Cap.TIPS_AGGREGATE,
    Output(ids.HOME_TIPS, "children"),
    Input(ids.HOME_PROVINCE, "value"),
    Input("lang", "value"),
    Input(ids.HOME_WINDOW, "value"),
    Input(ids.HOME_MARKER, "data"),
)
def render_tips(province: str, lang: str, window: str = "30d", _marker: Any = None) -> list[Any]:
    """Tip counts for every role; recent records (and text) only for roles allowed them.

    The shaping happens in geodata's queries, from the viewer of this request; nothing the
    browser sends can widen it.
    """
    lang, area, viewer = _lang(lang), _province(province), current_viewer()
    since = _since(window)
    counts = _top_categories(data.tip_counts(viewer, area, since), lang)
    children: list[Any] = [
        html.H2(t("tips_in_area", lang)),
        table([("category", "category"), ("n", "count")], counts, lang, "no_tips"),
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
        records = data.tip_records(viewer, area, since=since)
        children += [html.H2(t("recent_tips", lang)), table(columns, records, lang, "no_tips")]
    return children


@secure_callback(
    Cap.MAP_VIEW,
    Output(ids.HOME_VENUES, "children"),
    Input(ids.HOME_PROVINCE, "value"),
    Input("lang", "value"),
)
def render_venues(province: str, lang: str) -> list[Any]:
    """The most sensitive venues of the area."""
    lang, area = _lang(lang), _province(province)
    name_key = "name_th" if lang == "th" else "name_en"
    rows = [
        {
            "name": v[name_key] or v["name_th"] or v["name_en"],
            "category": v["category"],
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


@secure_callback(
    Cap.TIPS_AGGREGATE,
    Output(ids.HOME_MARKER, "data"),
    Input(ids.HOME_TICK, "n_intervals"),
    State(ids.HOME_MARKER, "data"),
)
def poll_tips(_n: Any, previous: Any) -> Any:
    """Every few seconds: has any tip been added or changed? Only then do the map and the
    counts redraw — and the map keeps the viewer's zoom, pan and layer toggles (uirevision)."""
    marker = data.tip_marker(current_viewer())
    return dash.no_update if marker == previous else marker


def _near(value: Any) -> tuple[float, float, float, str] | None:
    """(lon, lat, radius, label) from the proximity store; None when unset or malformed."""
    if not isinstance(value, dict):
        return None
    try:
        lon, lat, radius = float(value["lon"]), float(value["lat"]), float(value["radius"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (in_thailand(lon, lat) and 10 <= radius <= 20_000):
        return None
    return lon, lat, radius, str(value.get("label", ""))[:120]


@secure_callback(
    PAGE_CAPABILITY,
    Output(ids.HOME_NEAR, "data"),
    Input(ids.HOME_NEAR_GO, "n_clicks"),
    Input(ids.HOME_NEAR_ADDR, "n_submit"),
    Input(ids.HOME_MAP, "clickData"),
    Input(ids.HOME_NEAR_RADIUS, "value"),
    State(ids.HOME_NEAR_ADDR, "value"),
    State(ids.HOME_NEAR, "data"),
)
def set_centre(
    _clicks: Any, _submit: Any, click: Any, radius: Any, address: Any, current: Any
) -> Any:
    """The proximity centre: a point clicked on the map, or an address typed (geocoded
    offline); a new radius keeps the centre."""
    try:
        r = max(100.0, min(float(radius), 5000.0))
    except (TypeError, ValueError):
        r = 500.0
    trigger = dash.ctx.triggered_id
    if trigger == ids.HOME_MAP:
        pts = click.get("points") if isinstance(click, dict) else None
        p = pts[0] if isinstance(pts, list) and pts and isinstance(pts[0], dict) else {}
        if "lon" in p and "lat" in p:
            label = f"{float(p['lat']):.5f}, {float(p['lon']):.5f}"
            return {"lon": p["lon"], "lat": p["lat"], "radius": r, "label": label}
        return dash.no_update
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
    Input(ids.HOME_NEAR, "data"),
    Input("lang", "value"),
    Input(ids.HOME_WINDOW, "value"),
)
def render_near(near: Any, lang: str, window: str) -> Any:
    """Nearest venues and lodging sites, and the tips in the radius (shaped by role)."""
    lang = _lang(lang)
    if isinstance(near, dict) and near.get("error") == "not_found":
        return html.P(t("near_not_found", lang), className="sa-error")
    centre = _near(near)
    if centre is None:
        return html.P(t("near_hint", lang), className="sa-note")
    lon, lat, radius, label = centre
    result = data.nearby(current_viewer(), lon, lat, radius, _since(window))
    return panel(result, label, lang)


@secure_callback(
    Cap.TIPS_AGGREGATE,
    Output(ids.HOME_HOTSPOTS, "children"),
    Input(ids.HOME_PROVINCE, "value"),
    Input("lang", "value"),
    Input(ids.HOME_WINDOW, "value"),
    Input(ids.HOME_MARKER, "data"),
)
def render_hotspots(province: str, lang: str, window: str = "30d", _marker: Any = None) -> Any:
    """The ten strongest significant hotspots, ranked (counts only: every role)."""
    lang = _lang(lang)
    spots = [
        h
        for h in data.hotspots(current_viewer(), _province(province), _since(window))
        if h.confidence > 0
    ][:10]
    children: list[Any] = [html.H2(t("hotspots", lang)), html.P(t("hotspots_note", lang),
                                                                  className="sa-note")]  # fmt: skip
    if not spots:
        return [*children, html.P(t("hotspots_none", lang))]
    head = html.Tr(
        [html.Th(t("rank", lang)), html.Th(t("place", lang)),
         html.Th(t("count", lang), className="num"), html.Th("z", className="num")]
    )  # fmt: skip
    body = [
        html.Tr(
            [
                html.Td(str(i + 1), className="num"),
                html.Td(data.place_name(h.lon, h.lat, lang)),
                html.Td(f"{h.n:,}", className="num"),
                html.Td(f"{h.z:.1f} ({h.confidence}%)", className="num"),
            ]
        )
        for i, h in enumerate(spots)
    ]
    return [*children, html.Table([html.Thead(head), html.Tbody(body)], className="sa-counts")]


@secure_callback(
    Cap.TIPS_AGGREGATE,
    Output(ids.HOME_TREND, "figure"),
    Output(ids.HOME_TREND_TITLE, "children"),
    Input(ids.HOME_PROVINCE, "value"),
    Input("lang", "value"),
    Input(ids.HOME_WINDOW, "value"),
    Input(ids.HOME_MARKER, "data"),
)
def render_trend(province: str, lang: str, window: str = "30d", _marker: Any = None) -> Any:
    """Tips per day for the top categories, following the area and the time window."""
    lang = _lang(lang)
    rows = data.tip_trend(current_viewer(), _province(province), _since(window))
    return trend_figure(rows, lang), t("trend_title", lang)


@secure_callback(
    PAGE_CAPABILITY,
    Output(ids.HOME_PROVINCE, "value"),
    Output(ids.HOME_LEVEL, "value"),
    Input(ids.HOME_MAP, "clickData"),
    State(ids.HOME_LEVEL, "value"),
    prevent_initial_call=True,
)
def drill_down(click: Any, level: Any) -> tuple[Any, Any]:
    """Click an area to go down a level: a province opens its districts, a district its
    subdistricts (clicks on points are for proximity, not here)."""
    pts = click.get("points") if isinstance(click, dict) else None
    p = pts[0] if isinstance(pts, list) and pts and isinstance(pts[0], dict) else {}
    code = p.get("location")
    if not (isinstance(code, str) and code.isdigit()):
        return dash.no_update, dash.no_update
    if level == "province" and len(code) == 2:
        return code, "district"
    if level == "district" and len(code) == 4:
        return code[:2], "subdistrict"
    return dash.no_update, dash.no_update
