"""The map's details panel: a venue or lodging site picked on the map, in full, with the fields
the role may see — geodata.tips.place_detail, the click parsing, and the callback over HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash
import pytest
from sqlalchemy import Connection, text

from dashboard.components.detail import picked_place
from geodata import tips
from geodata.errors import ForbiddenError
from geodata.roles import Viewer
from tests.web import callback_key, login, make_user, post_callback


def _venue(conn: Connection) -> int:
    return int(
        conn.execute(
            text(
                "INSERT INTO venue (source, source_id, name_th, name_en, geom, geo_precision,"
                " province_code, district_code, subdistrict_code, category, sensitivity,"
                " address_raw, contact) VALUES ('test-detail', 'V-9', 'โรงเรียน <b>ทดสอบ</b>',"
                " 'Test School', ST_SetSRID(ST_MakePoint(100.4930, 13.7560), 4326), 'point',"
                " '10', '1001', '100101', 'school', 5, '12 ถนนราชดำเนิน', '02-111-2222')"
                " RETURNING id"
            )
        ).scalar_one()
    )


def _lodging(conn: Connection) -> int:
    return int(
        conn.execute(
            text(
                "INSERT INTO lodging_site (source, source_id, name_th, geom, geo_precision,"
                " province_code, district_code, subdistrict_code, lodging_type, rooms,"
                " licence_no, licence_expires, contact) VALUES ('test-detail', 'L-9',"
                " 'โรงแรมทดสอบ', ST_SetSRID(ST_MakePoint(100.4950, 13.7540), 4326), 'point',"
                " '10', '1001', '100101', 'hotel', 40, 'LIC-77', DATE '2027-03-31',"
                " 'front@hotel.example') RETURNING id"
            )
        ).scalar_one()
    )


def test_fields_by_role(conn: Connection) -> None:
    vid, lid = _venue(conn), _lodging(conn)
    planner = tips.place_detail(conn, Viewer.for_role("p", "planner"), "venue", vid)
    assert planner is not None
    assert planner["contact"] == "02-111-2222" and planner["source_id"] == "V-9"
    assert planner["district_en"] == "Phra Nakhon" and planner["sensitivity"] == 5
    field = tips.place_detail(conn, Viewer.for_role("f", "field"), "venue", vid)
    assert field is not None and field["name_en"] == "Test School"
    assert "contact" not in field and "source_id" not in field
    hotel = tips.place_detail(conn, Viewer.for_role("c", "command"), "lodging", lid)
    assert hotel is not None
    assert hotel["licence_no"] == "LIC-77" and hotel["licence_expires"] == dt.date(2027, 3, 31)
    hotel_field = tips.place_detail(conn, Viewer.for_role("f", "field"), "lodging", lid)
    assert hotel_field is not None and hotel_field["rooms"] == 40
    assert not {"licence_no", "licence_expires", "contact"} & set(hotel_field)
    assert tips.place_detail(conn, Viewer.for_role("f", "field"), "venue", 10**12) is None


def test_refusals(conn: Connection) -> None:
    with pytest.raises(ForbiddenError):
        tips.place_detail(conn, Viewer(), "venue", 1)  # signed out: no map.view
    with pytest.raises(ValueError, match="layer"):
        tips.place_detail(conn, Viewer.for_role("f", "field"), "tip; DROP TABLE tip", 1)


@pytest.mark.parametrize(
    ("click", "expected"),
    [
        ({"points": [{"customdata": ["x", "school", 5, "venue", 7]}]}, ("venue", 7)),
        ({"points": [{"customdata": ["x", "hotel", "lodging", 3]}]}, ("lodging", 3)),
        ({"points": [{"customdata": ["พระนคร", "Phra Nakhon", "1001"]}]}, None),  # an area
        ({"points": [{"customdata": ["x", "tip", 7]}]}, None),
        ({"points": [{"customdata": ["x", "venue", "7"]}]}, None),  # ids are numbers
        ({"points": [{"customdata": ["x", "venue", True]}]}, None),
        ({"points": [{"customdata": ["x", "venue", -1]}]}, None),
        ({"points": [{"lon": 100.5, "lat": 13.7}]}, None),  # a cluster, no custom data
        ({"points": []}, None),
        ("junk", None),
        (None, None),
    ],
)
def test_picked_place(click: Any, expected: Any) -> None:
    assert picked_place(click) == expected


def test_panel_over_http(app_on_conn: dash.Dash, conn: Connection) -> None:
    vid = _venue(conn)
    key = callback_key(app_on_conn, "home-detail.children")
    click = {"points": [{"lon": 100.493, "lat": 13.756,
                         "customdata": ["x", "School", 5, "venue", vid]}]}  # fmt: skip
    bodies = {}
    for role in ("field", "planner"):
        client = app_on_conn.server.test_client()
        user, password = make_user(conn, role)
        assert login(client, user, password).status_code == 303
        resp = post_callback(client, app_on_conn, key, {"home-map": click, "lang": "en"},
                             "home-map.clickData")  # fmt: skip
        assert resp.status_code == 200, resp.data[:300]
        bodies[role] = str(resp.get_json()["response"]["home-detail"]["children"])
    assert "Test School" in bodies["field"] and "Phra Nakhon" in bodies["field"]
    assert "02-111-2222" not in bodies["field"]  # contact: planners and command only
    assert "02-111-2222" in bodies["planner"] and "V-9" in bodies["planner"]
    # the Thai name (with markup from the file) is text for Dash to escape, not HTML
    assert "โรงเรียน <b>ทดสอบ</b>" in bodies["planner"]
    resp = post_callback(client, app_on_conn, key, {"home-map": None, "lang": "th"},
                         "home-map.clickData")  # fmt: skip
    assert "คลิกจุดสถานที่" in str(resp.get_json()["response"]["home-detail"]["children"])
