"""Proximity: nearest venues and lodging with distances and bearings, tips in the radius shaped
by role; through the page's callbacks, from a typed Thai address or a clicked point."""

from __future__ import annotations

from typing import Any

import dash
import pytest
from sqlalchemy import Connection, text

from dashboard.components.nearby import compass, metres
from geodata import tips
from geodata.errors import ForbiddenError
from geodata.roles import Viewer
from tests.web import callback_key, login, make_user, post_callback

GRAND_PALACE = (100.4913, 13.7500)


@pytest.fixture
def places(conn: Connection) -> None:
    rows = [
        ("v-near", "โรงเรียนใกล้", "Near School", "school", 100.4920, 13.7505),  # ~90 m NE
        ("v-mid", "วัดกลาง", "Middle Temple", "temple", 100.4913, 13.7530),  # ~330 m N
        ("v-far", "ตลาดไกล", "Far Market", "market", 100.5200, 13.7500),  # ~3.1 km E
    ]
    for sid, th, en, cat, lon, lat in rows:
        conn.execute(
            text(
                "INSERT INTO venue (source, source_id, name_th, name_en, category, geom) "
                "VALUES ('near-test', :s, :th, :en, :c, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
            ),
            {"s": sid, "th": th, "en": en, "c": cat, "lon": lon, "lat": lat},
        )
    conn.execute(
        text(
            "INSERT INTO tip (source, source_id, reported_at, category, text, geom) VALUES "
            "('near-test', 't1', now(), 'ลักทรัพย์', 'secret words', "
            "ST_SetSRID(ST_MakePoint(100.4915, 13.7502), 4326))"
        )
    )


def test_nearest_with_distance_and_bearing(conn: Connection, places: None) -> None:
    command = Viewer.for_role("c", "command")
    got = tips.nearby(conn, command, *GRAND_PALACE, radius_m=1000)
    names = [
        v["name_en"]
        for v in got["venues"]
        if v["name_en"] in ("Near School", "Middle Temple", "Far Market")
    ]
    assert names == ["Near School", "Middle Temple"]  # nearest first; the far one is outside
    near = next(v for v in got["venues"] if v["name_en"] == "Near School")
    assert 70 < near["metres"] < 110 and 30 < near["bearing"] < 60
    assert (
        compass(near["bearing"], "en") == "NE" and compass(near["bearing"], "th") == "ตอ.เฉียงเหนือ"
    )
    assert got["tips_total"] >= 1 and any(t["category"] == "ลักทรัพย์" for t in got["tips"])
    assert "text" not in got["tips"][0]  # the list never carries the tip's words


def test_roles_shape_the_tips(conn: Connection, places: None) -> None:
    field = tips.nearby(conn, Viewer.for_role("f", "field"), *GRAND_PALACE, radius_m=500)
    assert field["tips_total"] >= 1 and field["tips"] == []  # how many, never which
    with pytest.raises(ForbiddenError):
        tips.nearby(conn, Viewer(), *GRAND_PALACE)
    capped = tips.nearby(conn, Viewer.for_role("c", "command"), *GRAND_PALACE, radius_m=10**9)
    assert capped["radius_m"] == tips.MAX_RADIUS_M


def test_formatting() -> None:
    assert metres(950, "en") == "950 m" and metres(3120, "th") == "3.1 กม."
    assert compass(0, "en") == "N" and compass(359, "en") == "N" and compass(180, "th") == "ใต้"


def _post(
    client: Any, app: dash.Dash, marker: str, values: dict[str, Any], changed: str | None = None
) -> Any:
    resp = post_callback(client, app, callback_key(app, marker), values, changed)
    assert resp.status_code == 200, resp.data[:300]
    return resp.get_json()["response"]


def test_typed_address_through_the_page(
    app_on_conn: dash.Dash, conn: Connection, places: None
) -> None:
    client = app_on_conn.server.test_client()
    user, password = make_user(conn, "field")
    assert login(client, user, password).status_code == 303
    out = _post(
        client, app_on_conn, "home-near.data",
        {"home-near-go": 1, "home-near-radius": 1000,
         "home-near-addr": "แขวงพระบรมมหาราชวัง เขตพระนคร"},
        "home-near-go.n_clicks",
    )  # fmt: skip
    near = out["home-near"]["data"]
    assert near["radius"] == 1000 and abs(near["lat"] - 13.75) < 0.02
    panel = _post(client, app_on_conn, "home-near-result.children",
                  {"home-near": near, "lang": "en"})  # fmt: skip
    body = str(panel)
    assert "Nearest sensitive venues" in body and "Tips within the radius" in body
    assert "secret words" not in body and "ลักทรัพย์" not in body  # field: counts only
    junk = _post(
        client, app_on_conn, "home-near.data",
        {"home-near-go": 2, "home-near-radius": "'; DROP TABLE venue;--",
         "home-near-addr": "qwertyuiop"},
        "home-near-go.n_clicks",
    )  # fmt: skip
    assert junk["home-near"]["data"] == {"error": "not_found", "radius": 500.0}


def test_nearby_api(app_on_conn: dash.Dash, conn: Connection, places: None) -> None:
    client = app_on_conn.server.test_client()
    user, password = make_user(conn, "field")
    assert login(client, user, password).status_code == 303
    got = client.get("/api/v1/nearby?lon=100.4913&lat=13.75&radius=1000&n=5").get_json()
    names = [v["name_en"] for v in got["venues"]]
    assert names[:2] == ["Near School", "Middle Temple"] or "Near School" in names
    assert got["tips"] == [] and got["tips_total"] >= 1  # field: the number, not the records
    no_tips = client.get("/api/v1/nearby?lon=100.4913&lat=13.75&tips=0").get_json()
    assert no_tips["tips_total"] == 0 and no_tips["venues"]
    for bad in ("lon=abc&lat=13", "lat=13.75", "lon=0&lat=0"):
        assert client.get(f"/api/v1/nearby?{bad}").status_code == 400
