"""The live situational map: layers (admin areas with tip counts, venues, lodging, tip heat,
Gi* hotspots, patrol units), time window and playback, tip categories, statuses and source
grades, proximity, area selection. The side panels (area, proximity lists, trend, alerts,
filters) are in ``dashboard.pages.home_panels``.

Every control writes into one store (``HOME_QUERY``), parsed by ``filters.query`` into a
``MapQuery``: a forged value falls back to a default before it reaches a query. The first map of
an area is a full figure; every later update (time, filters, viewport, live tips) replaces only
the data traces (``dash.Patch``), so zoom, pan and selection stay where the user put them.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import dash
from dash import Input, Output, Patch, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import data, ids, mapstyle
from dashboard.auth.guard import current_viewer, in_guarded_request
from dashboard.auth.policy import secure_callback
from dashboard.board import section
from dashboard.components import filters, mapfig
from dashboard.components.admin_map import admin_map_figure, count_z, groups
from dashboard.components.basemap import style_url
from dashboard.components.layers import VENUE_COLOURS, heat_trace, hotspot_trace, unit_trace
from dashboard.components.nearby import circle_traces
from dashboard.i18n import language as _lang
from dashboard.i18n import status_label, t
from geodata.extent import in_thailand
from geodata.roles import Cap, Viewer
from geodata.tipfilter import GRADE_VALUES

LEVELS = filters.LEVELS
LIVE_MS = 500  # how often an open page asks whether tips changed (three primary-key lookups)
MARKER_URL = "/api/v1/tips/marker"
PLAY_MS = 1500  # playback: one step per 1.5 s
PAGE_CAPABILITY = Cap.MAP_VIEW
LAYER_CAPS = {"heat": Cap.TIPS_AGGREGATE, "hotspots": Cap.TIPS_AGGREGATE}
STATUS_OPTIONS = 40  # the status filter offers the most frequent ones
VIEW_PAD = 0.25  # data is fetched for the viewport and a quarter more on each side
DEFAULT_QUERY = {
    "level": "province", "province": "", "window": "30d", "start": None, "end": None,
    "play": 0, "categories": [], "statuses": [], "grades": [],
    "layers": list(filters.DEFAULT_LAYERS), "era": [],
}  # fmt: skip


def _marker_now() -> str | None:
    viewer = current_viewer() if in_guarded_request() else None
    if viewer is None or not viewer.can(Cap.TIPS_AGGREGATE):
        return None
    return data.tip_marker(viewer)


def live_poller(marker: str | None) -> html.Div:
    """Where the page's live poll asks and how often (``assets/sitaware-map.js``: ``live``).

    The poll is a plain request from the browser, not a Dash callback: dash-renderer holds
    back every callback that reads a prop a pending callback writes, so a poll in flight made
    each pan, zoom or filter change wait for it (up to ~0.4 s with software WebGL). The script
    writes ``home-marker.data`` only when the marker changed, and the map and the lists redraw
    from that, as before. No poll for a viewer without tips.aggregate (the route refuses)."""
    if marker is None:
        return html.Div(id=ids.HOME_LIVE, hidden=True)
    return html.Div(
        id=ids.HOME_LIVE,
        hidden=True,
        **{"data-url": MARKER_URL, "data-interval": str(LIVE_MS), "data-marker": marker},
    )


def _default_play_max() -> int:
    q = query_of(DEFAULT_QUERY)
    return max(1, len(filters.play_steps(q.since, q.until)))


def _panel(*children: Any, extra_class: str = "") -> html.Div:
    return html.Div(className=f"sa-panel {extra_class}".strip(), children=list(children))


def _field(label_id: str, target: str) -> html.Label:
    return html.Label(id=label_id, htmlFor=target, className="sa-field")


def layout(**_query: Any) -> html.Div:
    """Page layout; filled by callbacks (the only database work here is the live marker)."""
    if in_guarded_request() and not current_viewer().can(PAGE_CAPABILITY):
        return html.Div(html.P(t("forbidden_page", "th") + " / " + t("forbidden_page", "en")))
    from dashboard.pages import home_panels

    marker = _marker_now()
    controls = _panel(
        html.H2(id=ids.HOME_LAYERS_LABEL),
        dcc.Checklist(id=ids.HOME_LAYERS, value=list(filters.DEFAULT_LAYERS), options=[],
                      className="sa-checks"),
        html.Div(id=ids.HOME_LEGEND, className="sa-legend"),
        _field(ids.HOME_CATEGORIES_LABEL, ids.HOME_CATEGORIES),
        dcc.Dropdown(id=ids.HOME_CATEGORIES, multi=True, value=[], options=[]),
        _field(ids.HOME_STATUSES_LABEL, ids.HOME_STATUSES),
        dcc.Dropdown(id=ids.HOME_STATUSES, multi=True, value=[], options=[]),
        _field(ids.HOME_GRADES_LABEL, ids.HOME_GRADES),
        dcc.Dropdown(id=ids.HOME_GRADES, multi=True, value=[], options=[]),
        _field(ids.HOME_WINDOW_LABEL, ids.HOME_WINDOW),
        dcc.RadioItems(id=ids.HOME_WINDOW, value="30d", options=[], className="sa-radio"),
        dcc.DatePickerRange(id=ids.HOME_RANGE, display_format="DD/MM/YYYY",
                            className="sa-range", style={"display": "none"}),
        dcc.Checklist(id=ids.HOME_ERA, value=[], options=[], className="sa-checks"),
        html.Div(className="sa-play", children=[
            html.Button(id=ids.HOME_PLAY_BTN, n_clicks=0, className="sa-button"),
            html.Span(id=ids.HOME_PLAY_LABEL, className="sa-note", role="status"),
        ]),
        # the default window's steps: the playback callback does not run at page load, so the
        # map does not wait for its (unchanged) step 0 to go round through the query store
        dcc.Slider(id=ids.HOME_PLAY, min=0, max=_default_play_max(), step=1, value=0,
                   marks=None, updatemode="mouseup", allow_direct_input=False),
        dcc.Interval(id=ids.HOME_PLAY_TICK, interval=PLAY_MS, disabled=True),
        _field(ids.HOME_LEVEL_LABEL, ids.HOME_LEVEL),
        dcc.RadioItems(id=ids.HOME_LEVEL, value="province", options=[], className="sa-radio"),
        _field(ids.HOME_PROVINCE_LABEL, ids.HOME_PROVINCE),
        dcc.Dropdown(id=ids.HOME_PROVINCE, value="", clearable=False),
        html.P(id=ids.HOME_LEVEL_NOTE, className="sa-note"),
        live_poller(marker),
        # the controls' starting values, so the map need not wait for a first round trip
        dcc.Store(id=ids.HOME_QUERY, data=DEFAULT_QUERY),
        # the data's marker now: the live poll does not run at page load (the map would wait
        # for it), and its first tick sees whether anything changed since the page was built
        dcc.Store(id=ids.HOME_MARKER, data=marker),
        dcc.Store(id=ids.HOME_VIEW),
        dcc.Store(id=ids.HOME_MOVED),
        dcc.Store(id=ids.HOME_MAP_KEY),
        dcc.Store(id=ids.HOME_MAP_SHOWN),
        dcc.Store(id=ids.HOME_AREA_SEL),
        dcc.Store(id=ids.HOME_NEAR),
        dcc.Store(id=ids.HOME_NEAR_QUERY),
        dcc.Store(id=ids.HOME_TREND_RANGE),
        dcc.Store(id=ids.HOME_COLOC),
        dcc.Store(id=ids.HOME_ALERT_SEEN),
        dcc.Store(id=ids.HOME_MAP_POINT),
    )  # fmt: skip
    return html.Div(
        [
            html.Div(id=ids.HOME_DEMO_BANNER, role="status"),
            home_panels.alerts_box(),
            html.Div(
                className="sa-main",
                children=[
                    html.Div(className="sa-side", children=[controls, *home_panels.panels()]),
                    _panel(
                        dcc.RadioItems(
                            id=ids.HOME_CLICK_MODE,
                            value="area",
                            options=[],
                            className="sa-radio sa-click-mode",
                        ),
                        # no dcc.Loading around the map: it remounts the graph on every
                        # update, which would reset the user's zoom and pan
                        dcc.Graph(
                            id=ids.HOME_MAP,
                            className="sa-map",
                            config={
                                "displaylogo": False,
                                "scrollZoom": True,
                                "modeBarButtonsToRemove": ["toImage"],
                            },
                        ),
                        extra_class="sa-map-panel",
                    ),
                ],
            ),
            html.Div(id=ids.HOME_ATTRIBUTION, className="sa-attribution"),
        ]
    )


dash.register_page(__name__, path="/", title="sitaware", name="home", layout=layout)


def layer_options(viewer: Viewer, lang: str) -> list[dict[str, str]]:
    """The layers this role may switch on."""
    return [
        {"label": t(f"layer_{layer}", lang), "value": layer}
        for layer in filters.LAYERS
        if viewer.can(LAYER_CAPS.get(layer, PAGE_CAPABILITY))
    ]


def legend(lang: str) -> list[Any]:
    """Colour chips of the venue categories and lodging (the map legend has one entry each)."""
    chips = [(t(f"cat_{c}", lang), colour) for c, colour in VENUE_COLOURS.items()]
    chips.append((t("lodging", lang), mapfig.LODGING_COLOUR))
    return [
        html.Span([html.I(style={"background": colour}), label], className="sa-chip")
        for label, colour in chips
    ]


@secure_callback(
    PAGE_CAPABILITY,
    Output(ids.HOME_LAYERS_LABEL, "children"),
    Output(ids.HOME_LAYERS, "options"),
    Output(ids.HOME_LEGEND, "children"),
    Output(ids.HOME_CATEGORIES_LABEL, "children"),
    Output(ids.HOME_CATEGORIES, "placeholder"),
    Output(ids.HOME_LEVEL_LABEL, "children"),
    Output(ids.HOME_LEVEL, "options"),
    Output(ids.HOME_PROVINCE_LABEL, "children"),
    Output(ids.HOME_PROVINCE, "options"),
    Output(ids.HOME_WINDOW_LABEL, "children"),
    Output(ids.HOME_WINDOW, "options"),
    Output(ids.HOME_ERA, "options"),
    Output(ids.HOME_ATTRIBUTION, "children"),
    Output(ids.HOME_DEMO_BANNER, "children"),
    Output(ids.HOME_CLICK_MODE, "options"),
    Output(ids.HOME_STATUSES_LABEL, "children"),
    Output(ids.HOME_STATUSES, "placeholder"),
    Output(ids.HOME_GRADES_LABEL, "children"),
    Output(ids.HOME_GRADES, "options"),
    Output(ids.HOME_GRADES, "placeholder"),
    Input("lang", "value"),
)
def render_labels(lang: str) -> tuple[Any, ...]:
    """Labels, pickers and attribution in the chosen language."""
    lang, viewer = _lang(lang), current_viewer()
    prov_opts = [{"label": t("all_thailand", lang), "value": ""}] + [
        {
            "label": f"{p.name_th} ({p.name_en})" if lang == "th" else f"{p.name_en} ({p.name_th})",
            "value": p.code,
        }
        for p in data.provinces()
    ]
    return (
        t("layers", lang),
        layer_options(viewer, lang),
        legend(lang),
        t("tip_categories", lang),
        t("all_categories", lang),
        t("level", lang),
        [{"label": t(level, lang), "value": level} for level in LEVELS],
        t("province", lang),
        prov_opts,
        t("time_window", lang),
        [{"label": t(f"w_{w}", lang), "value": w} for w in filters.WINDOWS],
        [{"label": t("era_be", lang), "value": "be"}],
        attribution(lang),
        demo_banner(lang),
        [{"label": t("click_area", lang), "value": "area"},
         {"label": t("click_near", lang), "value": "near"}],
        t("tip_statuses", lang),
        t("all_statuses", lang),
        t("source_reliability", lang),
        grade_options(lang),
        t("all_grades", lang),
    )  # fmt: skip


def grade_options(lang: str) -> list[dict[str, str]]:
    """The Admiralty source letters A–F and "not graded", labelled in ``lang``."""
    return [{"label": t(f"grade_{g}", lang), "value": g} for g in GRADE_VALUES]


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


def demo_banner(lang: str) -> Any:
    """A plain warning, in both languages, while synthetic demo data is loaded."""
    if not any(s.layer == "demo" for s in data.data_sources()):
        return None
    other = "en" if lang == "th" else "th"
    return html.Div(
        [html.Strong(t("demo_banner", lang)), html.Span(" · " + t("demo_banner", other))],
        className="sa-demo-banner",
    )


# The page's controls in one store, put together in the browser (a server round trip before
# every map request bought nothing: the store is parsed, never trusted, by every reader, with
# ``query_of``). tests/test_browser.py checks that it writes the keys of ``DEFAULT_QUERY``.
dash.clientside_callback(
    dash.ClientsideFunction(namespace="sitaware", function_name="collect"),
    Output(ids.HOME_QUERY, "data"),
    Output(ids.HOME_RANGE, "style"),
    Input(ids.HOME_LEVEL, "value"),
    Input(ids.HOME_PROVINCE, "value"),
    Input(ids.HOME_WINDOW, "value"),
    Input(ids.HOME_RANGE, "start_date"),
    Input(ids.HOME_RANGE, "end_date"),
    Input(ids.HOME_PLAY, "value"),
    Input(ids.HOME_CATEGORIES, "value"),
    Input(ids.HOME_LAYERS, "value"),
    Input(ids.HOME_ERA, "value"),
    Input(ids.HOME_STATUSES, "value"),
    Input(ids.HOME_GRADES, "value"),
    prevent_initial_call=True,
)


def query_of(raw: Any) -> filters.MapQuery:
    """The ``MapQuery`` of the store's raw control values (defaults for anything malformed)."""
    r = raw if isinstance(raw, dict) else {}
    return filters.query(
        level_value=r.get("level"),
        province_value=r.get("province"),
        window=r.get("window"),
        start=r.get("start"),
        end=r.get("end"),
        play=r.get("play"),
        category_values=r.get("categories"),
        layer_values=r.get("layers"),
        era=r.get("era"),
        status_values=r.get("statuses"),
        grade_values=r.get("grades"),
    )


def _shown_level(q: filters.MapQuery) -> tuple[str, str]:
    """The level drawn and a note: subdistricts need a province (7,400 of them otherwise), and
    one province is drawn as its districts."""
    if q.level == "subdistrict" and not q.area:
        return "district", "pick_province_for_subdistricts"
    if q.level == "province" and q.area:  # one province: its districts
        return "district", ""
    return q.level, ""


def _viewport(
    view: Any, key: str, bounds: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """The bbox data is fetched for: the user's viewport (padded) for this map, else the
    area's ``bounds``."""
    box = view.get("bbox") if isinstance(view, dict) and view.get("key") == key else None
    try:
        x0, y0, x1, y1 = (float(v) for v in box)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        x0, y0, x1, y1 = bounds
    if not (x0 < x1 and y0 < y1):
        x0, y0, x1, y1 = bounds
    dx, dy = (x1 - x0) * VIEW_PAD, (y1 - y0) * VIEW_PAD
    return (max(-180, x0 - dx), max(-85, y0 - dy), min(180, x1 + dx), min(85, y1 + dy))


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


def area_outline(sel: Any, lang: str) -> Any:
    """The selected admin unit's or drawn polygon's outline, or None."""
    from dashboard.pages.home_panels import selection

    picked = selection(sel)
    if picked is None:
        return None
    code, polygon = picked
    if polygon is not None:
        return mapfig.outline([[*polygon, polygon[0]]], t("drawn_area", lang))
    f = data.admin_feature(code)
    if f is None:
        return None
    rings = mapfig.rings_of(f.get("geometry") or {})
    name = f["properties"]["name_th" if lang == "th" else "name_en"]
    return mapfig.outline(rings, str(name))


# the slots whose content follows the viewport (heat cells, venue and lodging points/clusters),
# by the layer switch that shows them
VIEWPORT_SLOTS = {
    "heat": "heat",
    "lodging_clusters": "lodging",
    "lodging": "lodging",
    "venue_clusters": "venues",
    "venues": "venues",
}


def viewport_slots(q: filters.MapQuery) -> frozenset[str]:
    """The slots a pan or zoom refills: those of the layers shown. A hidden layer's slots
    were drawn empty and stay so; sending them again would still make the map re-read
    and re-tile an empty source each."""
    return frozenset(slot for slot, layer in VIEWPORT_SLOTS.items() if q.shows(layer))


def data_slots(
    viewer: Viewer,
    q: filters.MapQuery,
    lang: str,
    *,
    bbox: tuple[float, float, float, float],
    near: Any,
    sel: Any,
    coloc: Any,
    only: frozenset[str] = frozenset(mapfig.SLOTS),
) -> dict[str, Any]:
    """The map's data traces by slot (those in ``only``), shaped by role and layer switches;
    an empty trace where a slot has nothing to show."""
    from dashboard.pages.home_panels import coloc_spec

    filled: dict[str, Any] = {}
    if viewer.can(Cap.TIPS_AGGREGATE):
        spec = coloc_spec(coloc)
        if q.shows("heat") and "heat" in only:
            if spec is not None:
                cells = data.tips_near_venues(viewer, q, spec)["cells"]
            else:
                cells = data.tip_density(viewer, q, bbox)
            filled["heat"] = heat_trace(cells, lang) if cells else None
        if q.shows("hotspots") and "hotspots" in only:
            filled["hotspots"] = hotspot_trace(data.hotspots(viewer, q), lang)
    for layer, key, colour in (
        ("lodging", "lodging", mapfig.LODGING_COLOUR),
        ("venue", "venues", mapfig.CLUSTER_VENUE),
    ):
        if not (q.shows(key) and viewer.can(Cap.MAP_VIEW)) or key not in only:
            continue
        got = data.place_points(viewer, q, layer, bbox)
        label = t("lodging" if layer == "lodging" else "venues_layer", lang)
        if got["points"]:
            build = mapfig.lodging_points if layer == "lodging" else mapfig.venue_points
            filled[key] = build(got["points"], lang)
        filled[f"{key.rstrip('s') if key == 'venues' else key}_clusters"] = mapfig.clusters(
            got["clusters"], label, colour, lang
        )
    if q.shows("units") and viewer.can(Cap.MAP_VIEW) and "units" in only:
        unit_rows = data.units(viewer, q.area)
        filled["units"] = unit_trace(unit_rows, lang) if unit_rows else None
    if "area" in only:
        filled["area"] = area_outline(sel, lang)
    centre = _near(near)
    if centre is not None and "ring" in only:
        ring, dot = circle_traces(centre[0], centre[1], centre[2], lang)
        filled["ring"], filled["centre"] = ring, dot
    return {slot: filled.get(slot) or mapfig.empty(slot) for slot in mapfig.SLOTS if slot in only}


@secure_callback(
    PAGE_CAPABILITY,
    Output(ids.HOME_MAP, "figure"),
    Output(ids.HOME_LEVEL_NOTE, "children"),
    Output(ids.HOME_MAP_KEY, "data"),
    Output(ids.HOME_VIEW, "data"),
    Input(ids.HOME_QUERY, "data"),
    Input("lang", "value"),
    Input(ids.HOME_MARKER, "data"),
    Input(ids.HOME_NEAR, "data"),
    Input(ids.HOME_MOVED, "data"),
    Input(ids.HOME_AREA_SEL, "data"),
    Input(ids.HOME_COLOC, "data"),
    State(ids.HOME_MAP_KEY, "data"),
    State(ids.HOME_VIEW, "data"),
)
def render_map(  # noqa: PLR0917 - one parameter per input of the callback
    raw: Any,
    lang: str,
    _marker: Any = None,
    near: Any = None,
    relayout: Any = None,
    sel: Any = None,
    coloc: Any = None,
    drawn: Any = None,
    view: Any = None,
) -> tuple[Any, ...]:
    """The map: a full figure for a new area, level or language; otherwise only its data
    traces and the admin areas' counts are replaced (the view is left alone). A pan or zoom
    (``home-moved``, written by the page's script at the end of a person's move: the view in the
    shape of plotly's relayout, assets/sitaware-map.js) is remembered
    (centre, zoom, viewport) and refetches the viewport's data in the same round trip."""
    lang, viewer, q = _lang(lang), current_viewer(), query_of(raw)
    level, note_key = _shown_level(q)
    note = t(note_key, lang) if note_key else ""
    key = f"{level}:{q.area}"
    moved = view
    if dash.ctx.triggered_id == ids.HOME_MOVED and drawn == f"{key}:{lang}":
        # a pan or zoom of the map that is drawn (one while another map is on its way draws
        # that map: Dash drops the answer of the request this one replaces)
        moved = _view_of(relayout, key)
        if moved is None or moved == view:
            raise PreventUpdate
    out = _render(q, lang, viewer, key=key, level=level, near=near, sel=sel, coloc=coloc,
                  drawn=drawn, view=moved)  # fmt: skip
    figure, drawn_key = out
    return figure, note, drawn_key, moved if moved != view else dash.no_update


def _render(
    q: filters.MapQuery, lang: str, viewer: Viewer, *, key: str, level: str, near: Any,
    sel: Any, coloc: Any, drawn: Any, view: Any,
) -> tuple[Any, Any]:  # fmt: skip
    """(figure or patch, map key)."""
    layer = data.admin_layer(level, q.area)
    fc = layer.fc
    bbox = _viewport(view, key, layer.bounds)
    trigger = dash.ctx.triggered_id
    drawn_here = drawn == f"{key}:{lang}" and trigger != "lang"
    # a pan or zoom changes only what depends on the viewport: the rest stays untouched, so
    # plotly redraws nothing else
    panned = drawn_here and trigger == ids.HOME_MOVED
    slots = data_slots(viewer, q, lang, bbox=bbox, near=near, sel=sel, coloc=coloc,
                       only=viewport_slots(q) if panned else frozenset(mapfig.SLOTS))  # fmt: skip
    if drawn_here:
        patch = Patch()
        n_admin = len(groups(fc))
        for slot, trace in slots.items():
            patch["data"][n_admin + mapfig.SLOTS.index(slot)] = trace
        if panned:
            return patch, dash.no_update
    counts = (
        data.area_counts(viewer, q, level)
        if q.shows("boundaries") and viewer.can(Cap.TIPS_AGGREGATE)
        else None
    )
    if drawn_here:
        zs, _, zmax = count_z(fc, counts)
        for i, z in enumerate(zs):
            patch["data"][i]["visible"] = q.shows("boundaries")
            if counts is not None:
                patch["data"][i]["z"] = z
                patch["data"][i]["zmax"] = zmax
        fly = _near(near) if trigger == ids.HOME_NEAR else None
        if fly is not None:
            zoom = max(8.0, min(17.0, 15.0 - math.log2(fly[2] / 250)))
            patch["layout"]["map"]["center"] = {"lon": fly[0], "lat": fly[1]}
            patch["layout"]["map"]["zoom"] = zoom
        return patch, dash.no_update
    fig = admin_map_figure(
        fc, lang, uirevision=key, style=style_url(), counts=counts,
        geojson_url=partial(mapstyle.outline_url, level, q.area), bounds=layer.bounds,
    )  # fmt: skip
    for admin in fig["data"]:
        admin["visible"] = q.shows("boundaries")
    fig["data"].extend(slots.values())
    kept = _kept_view(view, key)
    if kept is not None:  # a language switch keeps where the user had moved the map
        fig["layout"]["map"].update(center=kept[0], zoom=kept[1])
    return fig, f"{key}:{lang}"


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


def _derived_bbox(relayout: dict[str, Any]) -> list[float] | None:
    """The viewport's bbox from plotly's ``map._derived`` corner coordinates."""
    derived = relayout.get("map._derived")
    corners = derived.get("coordinates") if isinstance(derived, dict) else None
    try:
        xs = [float(c[0]) for c in corners]  # type: ignore[union-attr]
        ys = [float(c[1]) for c in corners]  # type: ignore[union-attr]
    except (TypeError, ValueError, IndexError):
        return None
    if len(xs) != 4 or not all(map(math.isfinite, xs + ys)):
        return None
    return [round(min(xs), 5), round(min(ys), 5), round(max(xs), 5), round(max(ys), 5)]


def _view_of(relayout: Any, key: str) -> dict[str, Any] | None:
    """Where the user moved the map (centre, zoom and viewport bbox, for this level and area),
    from a view in the shape of plotly's relayout event; None for anything else."""
    if not isinstance(relayout, dict) or "map.zoom" not in relayout:
        return None
    return {
        "key": key,
        "center": relayout.get("map.center"),
        "zoom": relayout.get("map.zoom"),
        "bbox": _derived_bbox(relayout),
    }


@section(
    "home",
    PAGE_CAPABILITY,
    Output(ids.HOME_CATEGORIES, "options"),
    Output(ids.HOME_STATUSES, "options"),
    Input(ids.HOME_QUERY, "data"),
    Input("lang", "value"),
    Input(ids.HOME_MARKER, "data"),
    Input(ids.HOME_MAP_KEY, "data"),
)
def filter_options(
    raw: Any, lang: str, _marker: Any = None, _drawn: Any = None
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The tip categories and statuses of the area and window, most frequent first (with
    counts; statuses in ``lang`` where sitaware knows them). Chosen values the area no longer
    has stay choosable: a dropdown drops a value without an option. One callback for both: the
    status filter adds no request to a change of the page or a live update."""
    lang, viewer, q = _lang(lang), current_viewer(), query_of(raw)
    if not viewer.can(Cap.TIPS_AGGREGATE):
        return [], []
    everything = filters.MapQuery(area=q.area, since=q.since, until=q.until)
    counts = data.tip_counts(viewer, everything)[:40]
    kept = [c for c in q.categories if c not in dict(counts)]
    categories = [{"label": f"{c} ({n:,})", "value": c} for c, n in counts] + [
        {"label": c, "value": c} for c in kept
    ]
    by_status = data.tip_status_counts(viewer, everything)[:STATUS_OPTIONS]
    chosen = [s for s in q.statuses if s not in dict(by_status)]
    statuses = [{"label": f"{status_label(s, lang)} ({n:,})", "value": s} for s, n in by_status]
    statuses += [{"label": status_label(s, lang), "value": s} for s in chosen]
    return categories, statuses
