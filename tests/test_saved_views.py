"""Saved views: each person's map filters (allow-listed spec, own only) and the areas they send
to a report (admin unit or repaired polygon), every write audited."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import Connection, text

from geodata import accounts, audit, views
from geodata.areas import AreaError
from geodata.errors import ForbiddenError
from geodata.roles import Viewer
from geodata.views import ViewError

SPEC = {"radius_m": 300, "venue_categories": ["school"], "tip_categories": ["วัตถุต้องสงสัย"],
        "window": "7d"}  # fmt: skip
SQUARE = [(100.489, 13.748), (100.493, 13.748), (100.493, 13.752), (100.489, 13.752)]


def person(conn: Connection, role: str) -> Viewer:
    name = f"sv-{role}-{secrets.token_hex(4)}"
    user = accounts.add_user(conn, name, role, secrets.token_urlsafe(16))
    return Viewer.for_role(name, role, user_id=user.id, client_ip="10.0.0.7")


def _events(conn: Connection, viewer: Viewer) -> list[audit.AuditEvent]:
    return [
        e for e in audit.events(conn, username=viewer.username) if e.object_type == "saved_view"
    ]


def test_filters_are_saved_per_person(conn: Connection) -> None:
    ann, bob = person(conn, "command"), person(conn, "field")
    saved = views.save_filter(conn, ann, "  ใกล้โรงเรียน 7 วัน ", SPEC)
    assert saved["name"] == "ใกล้โรงเรียน 7 วัน" and saved["kind"] == "filter"
    assert saved["spec"] == {**SPEC, "radius_m": 300.0}
    views.save_filter(conn, bob, "mine", {"window": "24h", "area": "1001"})
    assert [f["name"] for f in views.list_filters(conn, ann)] == ["ใกล้โรงเรียน 7 วัน"]
    assert [f["name"] for f in views.list_filters(conn, bob)] == ["mine"]
    # the same name replaces the filter instead of adding one
    again = views.save_filter(conn, ann, "ใกล้โรงเรียน 7 วัน", {"window": "30d"})
    assert again["id"] == saved["id"]
    assert [f["spec"] for f in views.list_filters(conn, ann)] == [{"window": "30d"}]


def test_only_own_filters_are_deleted_and_audited(conn: Connection) -> None:
    ann, bob = person(conn, "planner"), person(conn, "planner")
    mine = views.save_filter(conn, ann, "a", SPEC)
    assert views.delete_filter(conn, bob, mine["id"]) is False  # not Bob's
    assert len(views.list_filters(conn, ann)) == 1
    assert views.delete_filter(conn, ann, mine["id"]) is True
    assert views.list_filters(conn, ann) == []
    assert views.delete_filter(conn, ann, mine["id"]) is False  # already gone
    ops = [(e.action, e.detail and e.detail["op"], e.object_ids) for e in _events(conn, ann)]
    assert ops == [
        ("edit", "filter.save", [str(mine["id"])]),
        ("edit", "filter.delete", [str(mine["id"])]),
    ]
    assert not _events(conn, bob)  # a refused delete writes nothing


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({}, "empty"),
        ({"radius_m": 300, "sql": "DROP TABLE tip"}, "unknown keys"),
        ({"radius_m": 6000}, "radius_m"),
        ({"window": "3d"}, "window"),
        ({"window": "7d", "start": "2026-11-01"}, "custom"),
        ({"window": "custom", "start": "1/11/2569"}, "YYYY-MM-DD"),
        ({"tip_categories": "ยาเสพติด"}, "list of strings"),
        ({"venue_categories": ["x" * 65]}, "1–64"),
        ({"area": "10 OR 1=1"}, "DOPA"),
        ({"min_sensitivity": 9}, "1–5"),
        ([("window", "7d")], "object"),
    ],
)
def test_filter_specs_are_allow_listed(conn: Connection, spec: object, message: str) -> None:
    ann = person(conn, "command")
    with pytest.raises(ValueError, match=message):
        views.save_filter(conn, ann, "f", spec)  # type: ignore[arg-type]


def test_report_specs_keep_statuses_and_grades(conn: Connection) -> None:
    planner = person(conn, "planner")
    spec = {"window": "24h", "tip_statuses": ["เสร็จสิ้น", "new"], "tip_grades": ["-", "A"]}
    saved = views.send_area_to_report(conn, planner, name="ตรวจ", area_code="1001", spec=spec)
    assert saved["spec"] == {"window": "24h", "tip_statuses": ["เสร็จสิ้น", "new"],
                             "tip_grades": ["A", "-"]}  # fmt: skip
    for bad in ({"tip_grades": ["A1"]}, {"tip_grades": "A"}, {"tip_statuses": [""]},
                {"tip_statuses": "new"}, {"tip_statuses": ["x" * 40]}):  # fmt: skip
        with pytest.raises(ViewError, match="tip_"):
            views.check_spec(bad)


def test_custom_window_and_names(conn: Connection) -> None:
    ann = person(conn, "command")
    spec = {"window": "custom", "start": "2026-11-01", "end": "2026-11-07"}
    assert views.save_filter(conn, ann, "week", spec)["spec"] == spec
    for bad in ("", "   ", "x" * 121, "a\nb"):
        with pytest.raises(ViewError, match="name"):
            views.save_filter(conn, ann, bad, SPEC)


def test_a_person_is_needed(conn: Connection) -> None:
    token_less = Viewer.for_role("shared", "command")  # no user id
    with pytest.raises(ForbiddenError, match="user"):
        views.save_filter(conn, token_less, "f", SPEC)
    with pytest.raises(ForbiddenError):
        views.list_filters(conn, Viewer())


def test_send_an_admin_unit_to_a_report(conn: Connection) -> None:
    planner = person(conn, "planner")
    saved = views.send_area_to_report(
        conn, planner, name="เขตพระนคร รายเดือน", area_code="1001", spec={"window": "30d"}
    )
    assert saved["kind"] == "report_area" and saved["area_code"] == "1001"
    assert saved["geometry"] is None and saved["spec"] == {"window": "30d"}
    (event,) = _events(conn, planner)
    assert event.action == views.REPORT_AREA_ACTION and event.area == "1001"
    assert event.detail == {"op": "report.area", "name": "เขตพระนคร รายเดือน"}
    assert event.object_ids == [str(saved["id"])] and event.client_ip == "10.0.0.7"
    assert views.report_areas(conn, planner) == [saved]
    assert views.list_filters(conn, planner) == []  # report areas are not filters


def test_send_a_drawn_polygon_to_a_report(conn: Connection) -> None:
    command = person(conn, "command")
    saved = views.send_area_to_report(conn, command, name="รอบวัง", polygon=SQUARE)
    assert saved["area_code"] is None and saved["geometry"]["type"] == "MultiPolygon"
    assert saved["km2"] == pytest.approx(0.19, rel=0.05)
    (event,) = _events(conn, command)
    assert event.detail is not None and event.detail["polygon_km2"] == saved["km2"]
    stored = conn.execute(
        text("SELECT ST_IsValid(geom), GeometryType(geom) FROM saved_view WHERE id = :i"),
        {"i": saved["id"]},
    ).one()
    assert tuple(stored) == (True, "MULTIPOLYGON")
    other = person(conn, "command")
    assert views.report_areas(conn, other) == []


def test_report_areas_need_export_and_a_good_area(conn: Connection) -> None:
    field, planner = person(conn, "field"), person(conn, "planner")
    with pytest.raises(ForbiddenError):
        views.send_area_to_report(conn, field, name="x", area_code="1001")
    with pytest.raises(ForbiddenError):
        views.report_areas(conn, field)
    with pytest.raises(ViewError, match="exactly one"):
        views.send_area_to_report(conn, planner, name="x")
    with pytest.raises(ViewError, match="exactly one"):
        views.send_area_to_report(conn, planner, name="x", area_code="10", polygon=SQUARE)
    with pytest.raises(ViewError, match="no admin area"):
        views.send_area_to_report(conn, planner, name="x", area_code="99")
    with pytest.raises(AreaError, match="outside Thailand"):
        views.send_area_to_report(conn, planner, name="x", polygon=[(13.7, 100.5)] * 3)
    with pytest.raises(ViewError, match="unknown keys"):
        views.send_area_to_report(conn, planner, name="x", area_code="10", spec={"pdf": 1})
    assert views.report_areas(conn, planner) == [] and not _events(conn, planner)
