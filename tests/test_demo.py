"""The synthetic Bangkok demo: generated agency files loaded through the real ETL path,
idempotent, labelled synthetic, and drawn on the map (tips as heat cells, venues as points)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import dash
from sqlalchemy import Connection, text

from etl import demo
from etl.thaidate import BANGKOK
from geodata.load import BatchReport
from geodata.settings import Settings
from tests.web import login, make_user, post_callback

SETTINGS = Settings(database_url="postgresql://unused/db", reporter_key="55" * 32)
SIZES = demo.DemoSizes(lodging=200, venues=300, tips=2_000, units=10)
NOW = dt.datetime(2026, 11, 26, tzinfo=BANGKOK)


def _load(conn: Connection, tmp_path: Path) -> dict[str, Any]:
    return demo.load(conn, SETTINGS, sizes=SIZES, folder=tmp_path, now=NOW)


def test_demo_loads_through_the_etl(conn: Connection, tmp_path: Path) -> None:
    out = _load(conn, tmp_path)
    for kind, n in (("lodging", 200), ("venues", 300), ("tips", 2_000)):
        r = out[kind]
        assert isinstance(r, BatchReport)
        assert (r.read, r.inserted, r.quarantined) == (n, n, 0), kind
    assert out["units"] == 10
    assert demo.is_loaded(conn)
    tips = conn.execute(
        text(
            "SELECT min(reported_at) AS first, max(reported_at) AS last, "
            "count(*) FILTER (WHERE geo_precision = 'point') AS points, "
            "count(*) FILTER (WHERE geo_precision = 'subdistrict') AS geocoded, "
            "count(DISTINCT subdistrict_code) AS areas FROM tip WHERE source = :s"
        ),
        {"s": demo.SOURCE},
    ).one()
    assert NOW - dt.timedelta(days=91) <= tips.first and tips.last <= NOW
    assert tips.points > 1_200 and tips.geocoded > 400  # addresses went through the geocoder
    assert tips.areas > 50
    evening = conn.execute(
        text(
            "SELECT avg((extract(hour FROM reported_at AT TIME ZONE 'Asia/Bangkok') "
            "BETWEEN 18 AND 23)::int) FROM tip WHERE source = :s"
        ),
        {"s": demo.SOURCE},
    ).scalar_one()
    assert evening > 0.35  # the daily rhythm: evenings are busy
    # handling stands by age: new ones wait, older ones are mostly finished
    states = dict(
        conn.execute(
            text(
                "SELECT status, avg((reported_at < CAST(:now AS timestamptz) - interval '7 days')"
                "::int) FROM tip WHERE source = :s GROUP BY status"
            ),
            {"s": demo.SOURCE, "now": NOW},
        ).all()
    )
    assert set(states) == {"รอรับเรื่อง", "กำลังดำเนินการ", "เสร็จสิ้น"}
    assert states["รอรับเรื่อง"] == 0 and states["เสร็จสิ้น"] > 0.8
    label = conn.execute(
        text("SELECT name FROM data_source WHERE code = :s"), {"s": demo.SOURCE}
    ).scalar_one()
    assert "SYNTHETIC" in label and "สังเคราะห์" in label
    again = _load(conn, tmp_path)
    for kind in ("lodging", "venues", "tips"):
        r = again[kind]
        assert isinstance(r, BatchReport)
        assert (r.inserted, r.updated) == (0, 0), kind


def test_map_shows_heat_and_venues_without_records(
    app_on_conn: dash.Dash, conn: Connection, tmp_path: Path
) -> None:
    _load(conn, tmp_path)
    client = app_on_conn.server.test_client()
    user, password = make_user(conn, "field")
    assert login(client, user, password).status_code == 303
    key = next(k for k in app_on_conn.callback_map if "home-map.figure" in k)
    query = {"level": "district", "province": "10", "window": "all"}
    resp = post_callback(client, app_on_conn, key, {"home-query": query, "lang": "en"})
    assert resp.status_code == 200
    traces = resp.get_json()["response"]["home-map"]["figure"]["data"]
    heat = [tr for tr in traces if tr["type"] == "densitymap"]
    in_bangkok = conn.execute(
        text("SELECT count(*) FROM tip WHERE province_code = '10' AND geom IS NOT NULL")
    ).scalar_one()
    assert in_bangkok > 1_900  # a few jittered points land across the city's edge
    everywhere = conn.execute(text("SELECT count(*) FROM tip WHERE geom IS NOT NULL")).scalar_one()
    # the heat covers the viewport (Bangkok and a margin), across the province's border
    assert len(heat) == 1 and in_bangkok <= sum(heat[0]["z"]) <= everywhere
    # cell centres on one grid of the ladder (by the viewport's span), never a tip's position
    from geodata.tips import CELL_LADDER

    def on_grid(c: float) -> bool:
        return all(abs(x / c - round(x / c - 0.5) - 0.5) < 1e-6 for x in heat[0]["lon"])

    assert any(on_grid(c) for c in CELL_LADDER if c >= 0.005)
    n_venues = conn.execute(
        text("SELECT count(*) FROM venue WHERE province_code = '10'")
    ).scalar_one()
    venues = [tr for tr in traces if tr.get("name") == "Sensitive venues"]
    assert len(venues) == 1 and len(venues[0]["lon"]) == n_venues > 290  # few: each drawn
    kinds = {c[1] for c in venues[0]["customdata"]}
    assert kinds >= {"School", "Temple", "Hospital"}
    body = resp.get_data(as_text=True)
    assert "DEMO-T" not in body and "reported_at" not in body


def test_units_are_on_the_map(app_on_conn: dash.Dash, conn: Connection, tmp_path: Path) -> None:
    _load(conn, tmp_path)
    client = app_on_conn.server.test_client()
    user, password = make_user(conn, "field")
    assert login(client, user, password).status_code == 303
    key = next(k for k in app_on_conn.callback_map if "home-map.figure" in k)
    query = {"level": "district", "province": "10", "window": "all"}
    resp = post_callback(client, app_on_conn, key, {"home-query": query, "lang": "th"})
    traces = resp.get_json()["response"]["home-map"]["figure"]["data"]
    units = [tr for tr in traces if tr.get("name") == "สายตรวจ (ตำแหน่งล่าสุด)"]
    assert len(units) == 1 and len(units[0]["lon"]) == 10
    assert all(c[0].startswith("สาธิต-") for c in units[0]["customdata"])


def test_trend_follows_the_window(app_on_conn: dash.Dash, conn: Connection, tmp_path: Path) -> None:
    from dashboard.components.trend import trend_figure
    from geodata import tips
    from geodata.roles import Viewer

    _load(conn, tmp_path)
    field = Viewer.for_role("f", "field")
    rows = tips.tip_trend(conn, field, area="10", since=NOW - dt.timedelta(days=7))
    days = {d for d, _, _ in rows}
    assert 6 <= len(days) <= 8  # a week of Bangkok days
    fig = trend_figure(rows, "en")
    assert 1 <= len(fig["data"]) <= 5
    assert all(len(tr["x"]) >= len(days) for tr in fig["data"])  # zero-filled
    assert sum(sum(tr["y"]) for tr in fig["data"]) <= sum(n for _, _, n in rows)
    empty = trend_figure([], "th")
    assert fig["layout"]["template"] == empty["layout"]["template"]
    assert empty["data"] == [] and empty["layout"]["annotations"][0]["text"] == "ไม่มีแจ้งเหตุ"
