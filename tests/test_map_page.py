"""The live map page through HTTP, as the browser calls it: area selection (click and lasso),
the trend chart filtering the map and setting the window, playback, live updates that replace
only the data traces, the area panel's counts and "send to report", tips near venues, and the
toast for priority tips near sensitive venues."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import dash
import pytest
from sqlalchemy import Connection, text

from tests.web import callback_key, insert_tip, login, make_user, post_callback

ROOT = Path(__file__).resolve().parent.parent

PHRA_NAKHON = "1001"
LASSO = [[100.48, 13.74], [100.51, 13.74], [100.51, 13.77], [100.48, 13.77]]


def _client(app: dash.Dash, conn: Connection, role: str) -> Any:
    client = app.server.test_client()
    user, password = make_user(conn, role)
    assert login(client, user, password).status_code == 303
    return client


def _call(
    client: Any, app: dash.Dash, marker: str, values: dict[str, Any], changed: str | None = None
) -> Any:
    resp = post_callback(client, app, callback_key(app, marker), values, changed)
    assert resp.status_code == 200, resp.data[:400]
    return resp.get_json()["response"]


@pytest.fixture
def field(app_on_conn: dash.Dash, conn: Connection) -> Any:
    return _client(app_on_conn, conn, "field")


def test_click_selects_the_area_under_it_and_drills_down(
    app_on_conn: dash.Dash, field: Any
) -> None:
    key = "home-area-sel.data"
    point = {"lon": 100.4990, "lat": 13.7600, "at": 1}  # in Phra Nakhon, Bangkok
    out = _call(field, app_on_conn, key,
                {"home-map-point": point, "home-query": {"level": "province"},
                 "home-click-mode": "area"}, "home-map-point.data")  # fmt: skip
    assert out["home-province"]["value"] == "10"
    assert out["home-level"]["value"] == "district"
    assert out["home-area-sel"]["data"] == {"code": "10"}
    out = _call(field, app_on_conn, key,
                {"home-map-point": point, "home-query": {"level": "district", "province": "10"},
                 "home-click-mode": "area"}, "home-map-point.data")  # fmt: skip
    assert out["home-level"]["value"] == "subdistrict"
    assert out["home-area-sel"]["data"] == {"code": PHRA_NAKHON}
    out = _call(field, app_on_conn, key,
                {"home-map-point": point, "home-query": {"level": "subdistrict", "province": "10"},
                 "home-click-mode": "area"}, "home-map-point.data")  # fmt: skip
    assert out == {"home-area-sel": {"data": {"code": "100108"}}}  # the deepest: select only


@pytest.mark.parametrize(
    "point",
    [{"lon": 2.35, "lat": 48.85}, {"lon": "'; DROP TABLE tip; --", "lat": 1}, "x", None,
     {"lon": float("nan"), "lat": 13.7}],
)  # fmt: skip
def test_clicks_outside_or_forged_select_nothing(
    app_on_conn: dash.Dash, field: Any, point: Any
) -> None:
    resp = post_callback(field, app_on_conn, callback_key(app_on_conn, "home-area-sel.data"),
                         {"home-map-point": point, "home-click-mode": "area"},
                         "home-map-point.data")  # fmt: skip
    assert resp.status_code == 200 and resp.get_json()["response"] == {}  # nothing changes


def test_near_mode_clicks_are_for_proximity(app_on_conn: dash.Dash, field: Any) -> None:
    point = {"lon": 100.4990, "lat": 13.7600, "at": 1}
    resp = post_callback(field, app_on_conn, callback_key(app_on_conn, "home-area-sel.data"),
                         {"home-map-point": point, "home-click-mode": "near"},
                         "home-map-point.data")  # fmt: skip
    assert resp.get_json()["response"] == {}
    out = _call(field, app_on_conn, "home-near.data",
                {"home-map-point": point, "home-click-mode": "near", "home-near-radius": 800},
                "home-map-point.data")  # fmt: skip
    assert out["home-near"]["data"]["radius"] == 800
    assert out["home-near"]["data"]["lon"] == pytest.approx(100.4990)


def test_a_picked_place_centres_proximity_and_a_heat_cell_does_not(
    app_on_conn: dash.Dash, field: Any
) -> None:
    key = "home-near.data"
    venue = {"points": [{"lon": 100.4930, "lat": 13.7560, "customdata": ["โรงเรียนวัดใหม่"]}]}
    out = _call(field, app_on_conn, key, {"home-map": venue, "home-near-radius": 500},
                "home-map.clickData")  # fmt: skip
    assert out["home-near"]["data"]["lon"] == pytest.approx(100.4930)
    assert out["home-near"]["data"]["label"].startswith("โรงเรียนวัดใหม่ (")
    # the heat's cell (or a cluster) under a click carries a position but is no place: the
    # click's own point (home-map-point, in "near" mode) is the centre, whatever came first
    for cell in (
        {"points": [{"lon": 100.48214, "lat": 13.74715, "z": 12}]},
        {"points": [{"lon": 100.48214, "lat": 13.74715, "customdata": [34, 1]}]},
    ):
        resp = post_callback(
            field,
            app_on_conn,
            callback_key(app_on_conn, key),
            {"home-map": cell, "home-near-radius": 500},
            "home-map.clickData",
        )
        assert resp.status_code == 200 and resp.get_json()["response"] == {}


def test_lasso_selects_a_polygon_and_forged_ones_are_refused(
    app_on_conn: dash.Dash, field: Any
) -> None:
    key = callback_key(app_on_conn, "home-area-sel.data")
    selected = {"points": [], "lassoPoints": {"map": LASSO}}
    out = _call(field, app_on_conn, "home-area-sel.data", {"home-map": selected},
                "home-map.selectedData")  # fmt: skip
    assert out["home-area-sel"]["data"] == {"polygon": LASSO}
    box = {"points": [], "range": {"map": [[100.48, 13.77], [100.51, 13.74]]}}
    out = _call(field, app_on_conn, "home-area-sel.data", {"home-map": box},
                "home-map.selectedData")  # fmt: skip
    assert len(out["home-area-sel"]["data"]["polygon"]) == 4
    for bad in ({"lassoPoints": {"map": [[0, 0], [1, 1], [2, 0]]}},  # not in Thailand
                {"lassoPoints": {"map": [[100.5, 13.7]] * 2}},  # two vertices
                {"lassoPoints": {"map": [[100.5, 13.7]] * 5000}},  # too many
                {"lassoPoints": {"map": [["x", "y"]] * 3}}):  # fmt: skip
        resp = post_callback(field, app_on_conn, key, {"home-map": bad}, "home-map.selectedData")
        assert resp.status_code == 200 and resp.get_json()["response"] == {}


def test_trend_click_filters_by_category_and_drag_sets_the_window(
    app_on_conn: dash.Dash, field: Any
) -> None:
    click = {"points": [{"curveNumber": 1, "customdata": "ลักทรัพย์", "x": "2026-11-20"}]}
    out = _call(field, app_on_conn, "home-categories.value", {"home-trend": click},
                "home-trend.clickData")  # fmt: skip
    assert out["home-categories"]["value"] == ["ลักทรัพย์"]
    again = _call(field, app_on_conn, "home-categories.value",
                  {"home-trend": click, "home-categories": ["ลักทรัพย์"]},
                  "home-trend.clickData")  # fmt: skip
    assert again["home-categories"]["value"] == []  # a second click keeps all again
    drag = {"xaxis.range[0]": "2026-11-10 06:00", "xaxis.range[1]": "2026-11-17 18:00"}
    # the drag reaches the server through the page's filter (sitaware.trendRange, in the
    # browser: only relayouts with an x range pass)
    out = _call(field, app_on_conn, "home-window.value", {"home-trend-range": drag},
                "home-trend-range.data")  # fmt: skip
    assert out["home-window"]["value"] == "custom"
    assert out["home-range"]["start_date"] == "2026-11-10"
    assert out["home-range"]["end_date"] == "2026-11-17"


def test_playback_slider_steps_through_the_window(app_on_conn: dash.Dash, field: Any) -> None:
    out = _call(field, app_on_conn, "home-play.max", {"home-window": "7d", "lang": "en"},
                "home-window.value")  # fmt: skip
    n = out["home-play"]["max"]
    # 7 days touch 8 Bangkok dates; 9 in the minutes after Bangkok's midnight, as the window's
    # start is taken down to a 14-minute step (filters._settle) and may fall on the day before
    import datetime as dt

    from dashboard.components.filters import BANGKOK, window_span

    since = window_span("7d")[1]
    assert since is not None
    touched = (dt.datetime.now(BANGKOK).date() - since.astimezone(BANGKOK).date()).days + 1
    assert touched in (8, 9)
    assert n == touched and out["home-play"]["value"] == 0
    assert out["home-play"]["marks"] is None  # an explicit null: no numbered steps
    tick = _call(field, app_on_conn, "home-play.max",
                 {"home-window": "7d", "home-play": n, "home-play-tick": 3},
                 "home-play-tick.n_intervals")  # fmt: skip
    assert tick["home-play"]["value"] == 1  # round again after the last step
    label = _call(field, app_on_conn, "home-play-label.children",
                  {"home-query": {"window": "7d", "play": 1}, "lang": "en"})  # fmt: skip
    assert label["home-play-label"]["children"].startswith("Showing: ")
    assert "Whole window" not in label["home-play-label"]["children"]


def _tips(conn: Connection) -> None:
    for i in range(3):
        insert_tip(conn, text_=f"secret {i}", reporter_hash="r", subdistrict="100101",
                   category="ลักทรัพย์")  # fmt: skip
    insert_tip(conn, text_="far away", reporter_hash="r", subdistrict="500101", lon=98.98,
               lat=18.79, category="ยาเสพติด")  # fmt: skip


def test_area_panel_counts_a_district(app_on_conn: dash.Dash, conn: Connection, field: Any) -> None:
    _tips(conn)
    out = _call(field, app_on_conn, "home-area.children",
                {"home-area-sel": {"code": PHRA_NAKHON}, "lang": "en",
                 "home-query": {"window": "30d"}})  # fmt: skip
    body = str(out["home-area"]["children"])
    assert "Phra Nakhon" in body and "ลักทรัพย์" in body and "ยาเสพติด" not in body
    assert "secret" not in body  # counts only
    assert out["home-area-send"]["style"] == {"display": "none"}  # field units do not export


def test_live_update_replaces_only_the_data_traces(
    app_on_conn: dash.Dash, conn: Connection, field: Any
) -> None:
    _tips(conn)
    key = callback_key(app_on_conn, "home-map.figure")
    query = {"level": "district", "province": "10", "window": "30d"}
    first = _call(field, app_on_conn, "home-map.figure", {"home-query": query, "lang": "en"})
    drawn = first["home-map-key"]["data"]
    assert drawn == "district:10:en"
    resp = post_callback(field, app_on_conn, key,
                         {"home-query": query, "lang": "en", "home-marker": "9:9:9",
                          "home-map-key": drawn}, "home-marker.data")  # fmt: skip
    assert resp.status_code == 200
    patch = resp.get_json()["response"]["home-map"]["figure"]
    assert patch["__dash_patch_update"] == "__dash_patch_update"
    paths = [op["location"] for op in patch["operations"]]
    assert paths and all(p[0] == "data" for p in paths)  # the layout (zoom, pan) is untouched
    heat = [op["params"]["value"] for op in patch["operations"]
            if op["location"][0] == "data" and isinstance(op["params"].get("value"), dict)
            and op["params"]["value"].get("type") == "densitymap"]  # fmt: skip
    assert len(heat) == 1 and sum(heat[0]["z"]) == 3
    only_drugs = {**query, "categories": ["ยาเสพติด"]}
    resp = post_callback(field, app_on_conn, key,
                         {"home-query": only_drugs, "lang": "en", "home-map-key": drawn},
                         "home-query.data")  # fmt: skip
    ops = resp.get_json()["response"]["home-map"]["figure"]["operations"]
    assert not any(isinstance(op["params"].get("value"), dict)
                   and op["params"]["value"].get("type") == "densitymap" for op in ops)  # fmt: skip


def test_tip_counts_colour_the_admin_areas(
    app_on_conn: dash.Dash, conn: Connection, field: Any
) -> None:
    _tips(conn)
    query = {"level": "district", "province": "10", "window": "30d"}
    fig = _call(field, app_on_conn, "home-map.figure", {"home-query": query, "lang": "en"})
    admin = [tr for tr in fig["home-map"]["figure"]["data"] if tr["type"] == "choroplethmap"
             and "customdata" in tr and len(tr["customdata"][0]) == 3]  # fmt: skip
    z = {loc: v for tr in admin for loc, v in zip(tr["locations"], tr["z"], strict=True)}
    assert z[PHRA_NAKHON] == 3 and sum(z.values()) == 3


def test_send_area_to_report(app_on_conn: dash.Dash, conn: Connection, field: Any) -> None:
    planner = _client(app_on_conn, conn, "planner")
    values = {"home-area-sel": {"polygon": LASSO}, "home-area-name": "ตรวจสอบ ก.", "lang": "th",
              "home-query": {"window": "7d", "statuses": ["new"], "grades": ["B", "-"]},
              "home-area-send": 1}  # fmt: skip
    out = _call(planner, app_on_conn, "home-area-sent.children", values, "home-area-send.n_clicks")
    assert "ตรวจสอบ ก." in str(out)
    row = conn.execute(
        text("SELECT kind, name, area_code, ST_NPoints(geom) AS n, spec FROM saved_view"
             " WHERE name = 'ตรวจสอบ ก.'")
    ).one()  # fmt: skip
    assert row.kind == "report_area" and row.area_code is None and row.n >= 5
    # the page's filters go with the area, as they were on screen
    assert row.spec == {"window": "7d", "tip_categories": [], "tip_statuses": ["new"],
                        "tip_grades": ["B", "-"]}  # fmt: skip
    audited = conn.execute(
        text("SELECT count(*) FROM audit_event WHERE action = 'report.area'")
    ).scalar_one()
    assert audited >= 1
    key = callback_key(app_on_conn, "home-area-sent.children")
    refused = post_callback(field, app_on_conn, key, values, "home-area-send.n_clicks")
    assert refused.status_code == 403  # field units may not export


def test_pan_refetches_the_viewport_and_remembers_it(
    app_on_conn: dash.Dash, conn: Connection, field: Any
) -> None:
    _tips(conn)
    query = {"level": "district", "province": "10", "window": "30d"}
    first = _call(field, app_on_conn, "home-map.figure", {"home-query": query, "lang": "en"})
    drawn = first["home-map-key"]["data"]
    chiang_mai = [[98.9, 18.85], [99.05, 18.85], [99.05, 18.7], [98.9, 18.7]]
    relayout = {"map.center": {"lon": 98.98, "lat": 18.79}, "map.zoom": 12,
                "map._derived": {"coordinates": chiang_mai}}  # fmt: skip
    values = {"home-query": query, "lang": "en", "home-map-key": drawn, "home-moved": relayout}
    out = _call(field, app_on_conn, "home-map.figure", values, "home-moved.data")
    assert out["home-view"]["data"]["bbox"] == [98.9, 18.7, 99.05, 18.85]
    ops = out["home-map"]["figure"]["operations"]
    assert all(op["location"][0] == "data" for op in ops)  # the view is the user's own
    # only the traces that follow the viewport are replaced: nothing else for plotly to redraw
    from dashboard.components.mapfig import SLOTS
    from dashboard.pages.home import query_of, viewport_slots

    n_admin = len(first["home-map"]["figure"]["data"]) - len(SLOTS)
    refilled = viewport_slots(query_of(query))
    # the default layers: heat and venues follow the viewport; lodging is off, so its two
    # slots (drawn empty) are not sent again
    assert refilled == {"heat", "venue_clusters", "venues"}
    assert {op["location"][1] for op in ops} == {n_admin + SLOTS.index(s) for s in refilled}
    assert all(len(op["location"]) == 2 for op in ops)  # whole traces, no admin "z" or "visible"
    heat = [op["params"]["value"] for op in ops
            if isinstance(op["params"].get("value"), dict)
            and op["params"]["value"].get("type") == "densitymap"]  # fmt: skip
    assert len(heat) == 1 and sum(heat[0]["z"]) == 1  # the one tip of the viewport
    legend_click = {"hiddenlabels": ["x"]}  # other relayouts change nothing
    resp = post_callback(field, app_on_conn, callback_key(app_on_conn, "home-map.figure"),
                         {**values, "home-moved": legend_click}, "home-moved.data")  # fmt: skip
    assert resp.status_code == 204


def test_only_pans_and_zooms_reach_the_server(app_on_conn: dash.Dash) -> None:
    """plotly's own relayouts (autosize at the first drawing, legend clicks) stay in the
    browser: nothing listens to the map's relayoutData. A person's move reaches the server
    through ``home-moved``, which the page's script writes at MapLibre's end of the move."""
    fed = [
        key
        for key, entry in app_on_conn.callback_map.items()
        if any(i["id"] == "home-map" and i["property"] == "relayoutData" for i in entry["inputs"])
    ]
    assert fed == []
    moved = [
        key
        for key, entry in app_on_conn.callback_map.items()
        if any(i["id"] == "home-moved" for i in entry["inputs"])
    ]
    assert len(moved) == 1 and moved[0].startswith("..home-map.figure")
    script = (ROOT / "dashboard" / "assets" / "sitaware-map.js").read_text(encoding="utf-8")
    assert 'set_props("home-moved"' in script and 'on("moveend"' in script


def test_a_move_while_another_map_is_on_its_way_draws_that_map(
    app_on_conn: dash.Dash, field: Any
) -> None:
    # Dash drops the answer of the request a newer one replaces: the newer one must draw
    move = {"map.center": {"lon": 100.5, "lat": 13.7}, "map.zoom": 9}
    out = _call(field, app_on_conn, "home-map.figure",
                {"home-query": {"level": "province"}, "lang": "th", "home-moved": move,
                 "home-map-key": "district:10:th"}, "home-moved.data")  # fmt: skip
    assert out["home-map-key"]["data"] == "province::th"
    assert len(out["home-map"]["figure"]["data"]) > 10


def test_a_picked_venue_is_the_proximity_centre_by_name(app_on_conn: dash.Dash, field: Any) -> None:
    click = {"points": [{"lon": 100.4913, "lat": 13.75,
                         "customdata": ["โรงเรียน &lt;ทดสอบ&gt;", "School", 5]}]}  # fmt: skip
    out = _call(field, app_on_conn, "home-near.data",
                {"home-map": click, "home-near-radius": 500}, "home-map.clickData")  # fmt: skip
    assert out["home-near"]["data"]["label"].startswith("โรงเรียน <ทดสอบ> (13.75000")


def test_trend_marks_the_playback_step_only_while_playing(
    app_on_conn: dash.Dash, conn: Connection, field: Any
) -> None:
    _tips(conn)
    whole = _call(field, app_on_conn, "home-trend.figure",
                  {"home-query": {"window": "7d", "play": 0}, "lang": "en"})  # fmt: skip
    assert not whole["home-trend"]["figure"]["layout"].get("shapes")
    step = _call(field, app_on_conn, "home-trend.figure",
                 {"home-query": {"window": "7d", "play": 3}, "lang": "en"})  # fmt: skip
    assert len(step["home-trend"]["figure"]["layout"]["shapes"]) == 1


def test_hotspot_list_says_its_hexagon_size(
    app_on_conn: dash.Dash, conn: Connection, field: Any
) -> None:
    _tips(conn)
    out = _call(field, app_on_conn, "home-hotspots.children",
                {"home-query": {"window": "30d"}, "lang": "en"})  # fmt: skip
    note = str(out["home-hotspots"]["children"][1])
    assert "H3 hexagons of about 253 km²" in note  # the whole country: resolution 5
    # each row gives the cell's own tips and those of its neighbourhood (what Gi* weighs)
    table = str(out["home-hotspots"]["children"])
    assert "Tips: cell / around" in table
    assert re.search(r"'\d[\d,]* / \d[\d,]*'", table), table[:400]


def test_admin_outlines_are_fetched_once_by_url(
    app_on_conn: dash.Dash, conn: Connection, field: Any
) -> None:
    """The map's admin traces name their outlines by a versioned URL: the file holds exactly
    the trace's areas, comes gzip-compressed, is kept by the browser (ETag, 304), and an
    unknown level, prefix or outline source is a 404."""
    query = {"level": "district", "province": "10", "window": "30d"}
    fig = _call(field, app_on_conn, "home-map.figure", {"home-query": query, "lang": "th"})
    admin = [tr for tr in fig["home-map"]["figure"]["data"] if tr["type"] == "choroplethmap"
             and "customdata" in tr and len(tr["customdata"][0]) == 3]  # fmt: skip
    assert admin
    for tr in admin:
        url = tr["geojson"]
        assert isinstance(url, str) and url.startswith("/map/areas/district/10/"), url
        plain = field.get(url)
        assert plain.status_code == 200
        body = plain.get_json()
        assert [f["id"] for f in body["features"]] == tr["locations"]
        assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in body["features"])
        zipped = field.get(url, headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.data) == plain.data
        assert "max-age" in zipped.headers["Cache-Control"]
        again = field.get(url, headers={"If-None-Match": zipped.headers["ETag"]})
        assert again.status_code == 304
        stale = field.get(url.split("?")[0] + "?v=old", headers={"If-None-Match": "x"})
        assert stale.status_code == 200 and "no-cache" in stale.headers["Cache-Control"]
    for bad in ("/map/areas/county/10/outline_reference.geojson",
                "/map/areas/district/1x/outline_reference.geojson",
                "/map/areas/district/10/outline_secret.geojson"):  # fmt: skip
        assert field.get(bad).status_code == 404, bad


def test_hotspot_place_names_say_near_when_no_outline_holds_the_centre(
    app_on_conn: dash.Dash,
) -> None:
    """A ranked hotspot's hexagon centre off the coast is named by the nearest areas, said so
    in the page's language (it was "–")."""
    from dashboard import data

    with app_on_conn.server.app_context():
        data.clear_caches()
        assert data.place_name(100.44, 13.48, "en") == "near Tha Kham, Bang Khun Thian"
        assert data.place_name(100.44, 13.48, "th").startswith("ใกล้ ")
        assert data.place_name(100.4913, 13.75, "en").endswith("Phra Nakhon")
        assert data.place_name(101.0, 12.0, "en") == "–"
