"""Geofence alerts: a new tip of a serious category close to a sensitive venue raises an alert
with the first matching rule's priority; distance, sensitivity and category each decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Connection

from geodata import alerts
from geodata.alerts import GeofenceRuleError
from geodata.errors import ForbiddenError
from geodata.roles import Cap, Viewer
from geodata.settings import Settings
from tests.test_areas import NOW, P, add_tip, add_venue, east

FIELD = Viewer.for_role("f", "field")
PLANNER = Viewer.for_role("p", "planner")
RULES: list[dict[str, Any]] = [
    {
        "name": "weapon",
        "categories": ["อาวุธ*"],
        "min_sensitivity": 4,
        "distance_m": 500,
        "priority": "critical",
    },
    {
        "name": "drugs",
        "categories": ["ยาเสพติด", "drug*"],
        "min_sensitivity": 4,
        "distance_m": 300,
        "priority": "high",
    },
]
SETTINGS = Settings(geofence_rules=RULES)


def _alerts(conn: Connection, viewer: Viewer, after_id: int, **kw: Any) -> list[dict[str, Any]]:
    return alerts.new_alerts(conn, viewer, after_id=after_id, settings=SETTINGS, **kw)


@pytest.fixture
def venues(conn: Connection) -> dict[str, int]:
    return {
        "school": add_venue(conn, "school", "school", 4, P),
        "temple": add_venue(conn, "temple", "temple", 3, east(3000)),  # not sensitive enough
    }


def test_distance_category_and_sensitivity_decide(conn: Connection, venues: dict[str, int]) -> None:
    cursor = alerts.latest_tip_id(conn, PLANNER)
    near = add_tip(conn, "near", "ยาเสพติด", east(200))
    add_tip(conn, "too-far", "ยาเสพติด", east(400))  # 400 m > 300 m
    add_tip(conn, "theft", "ลักทรัพย์", east(50))  # no rule for theft
    add_tip(conn, "by-temple", "ยาเสพติด", east(3050))  # temple is sensitivity 3
    add_tip(conn, "vague", "ยาเสพติด", east(20), precision="subdistrict")  # a centroid
    got = _alerts(conn, PLANNER, cursor)
    assert [a["tip_id"] for a in got] == [near]
    a = got[0]
    assert (a["rule"], a["priority"], a["category"]) == ("drugs", "high", "ยาเสพติด")
    assert a["venue"] == {
        "id": venues["school"],
        "name_th": "school th",
        "name_en": "school en",
        "category": "school",
        "sensitivity": 4,
    }
    assert a["metres"] == pytest.approx(200, abs=5)
    assert a["reported_at"] == NOW and a["geo_precision"] == "point"
    assert "text" not in a and "reporter_hash" not in a


def test_first_matching_rule_wins_and_labels_match(
    conn: Connection, venues: dict[str, int]
) -> None:
    cursor = alerts.latest_tip_id(conn, PLANNER)
    gun = add_tip(conn, "gun", "อาวุธปืน", east(450))  # weapon rule reaches 500 m
    both = add_tip(conn, "both", "ยาเสพติด,อาวุธ", east(100))  # Traffy-style labels
    english = add_tip(conn, "en", "Drug dealing", east(100))  # patterns ignore case
    got = {a["tip_id"]: a["priority"] for a in _alerts(conn, PLANNER, cursor)}
    assert got == {gun: "critical", both: "critical", english: "high"}


def test_after_id_newest_first_limit_and_since(conn: Connection, venues: dict[str, int]) -> None:
    cursor = alerts.latest_tip_id(conn, PLANNER)
    first = add_tip(conn, "a1", "ยาเสพติด", east(10), NOW - dt.timedelta(hours=3))
    second = add_tip(conn, "a2", "ยาเสพติด", east(20), NOW - dt.timedelta(hours=2))
    third = add_tip(conn, "a3", "ยาเสพติด", east(30), NOW - dt.timedelta(hours=1))
    assert alerts.latest_tip_id(conn, FIELD) == third
    assert [a["tip_id"] for a in _alerts(conn, PLANNER, cursor)] == [third, second, first]
    assert [a["tip_id"] for a in _alerts(conn, PLANNER, first)] == [third, second]
    assert _alerts(conn, PLANNER, third) == []  # nothing after the newest
    assert [a["tip_id"] for a in _alerts(conn, PLANNER, cursor, limit=1)] == [third]
    since = NOW - dt.timedelta(hours=2, minutes=30)
    assert [a["tip_id"] for a in _alerts(conn, PLANNER, cursor, since=since)] == [third, second]


def test_roles(conn: Connection, venues: dict[str, int]) -> None:
    cursor = alerts.latest_tip_id(conn, PLANNER)
    add_tip(conn, "r1", "ยาเสพติด", east(100))
    field = _alerts(conn, FIELD, cursor)
    assert len(field) == 1 and field[0]["tip_id"] is None  # which venue, never which tip
    assert field[0]["venue"]["category"] == "school"
    map_only = Viewer(username="m", role="custom", capabilities=frozenset({Cap.MAP_VIEW}))
    with pytest.raises(ForbiddenError):
        _alerts(conn, map_only, cursor)
    with pytest.raises(ForbiddenError):
        alerts.latest_tip_id(conn, Viewer())


def test_default_rules_are_valid_and_thai() -> None:
    rules = alerts.rules(Settings())
    assert [r.priority for r in rules] == ["critical", "high"]
    cats = {c for r in rules for c in r.categories}
    assert {"ยาเสพติด*", "อาวุธ*", "วัตถุต้องสงสัย*", "บุคคลต้องสงสัย*", "ทะเลาะวิวาท*"} <= cats
    assert all(r.min_sensitivity == 4 for r in rules)
    assert {r.distance_m for r in rules} == {300, 500}


def test_default_rules_raise_alerts(conn: Connection, venues: dict[str, int]) -> None:
    cursor = alerts.latest_tip_id(conn, PLANNER)
    add_tip(conn, "obj", "วัตถุต้องสงสัย", east(400))
    add_tip(conn, "sus", "บุคคลต้องสงสัย", east(250))
    got = alerts.new_alerts(conn, PLANNER, after_id=cursor, settings=Settings())
    assert [a["priority"] for a in got] == ["high", "critical"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"priority": "urgent"}, "priority must be one of"),
        ({"distance_m": 9000}, "distance_m must be 10–5000"),
        ({"distance_m": "300"}, "distance_m"),
        ({"min_sensitivity": 6}, "min_sensitivity"),
        ({"min_sensitivity": True}, "min_sensitivity"),
        ({"categories": "ยาเสพติด"}, "categories must be a list"),
        ({"categories": []}, "categories must be a list"),
        ({"categories": ["*"]}, "every tip"),
        ({"colour": "red"}, "unknown keys"),
    ],
)
def test_malformed_rules_refused(change: dict[str, Any], message: str) -> None:
    bad = [RULES[0], {**RULES[1], **change}]
    with pytest.raises(GeofenceRuleError, match=message) as err:
        alerts.rules(Settings(geofence_rules=bad))
    assert "geofence rule 2" in str(err.value)


def test_malformed_rules_refused_when_asked(conn: Connection) -> None:
    bad = Settings(geofence_rules=[{"name": "x", "categories": ["a"]}])
    with pytest.raises(GeofenceRuleError, match="missing"):
        alerts.new_alerts(conn, PLANNER, after_id=0, settings=bad)


def test_wildcards_are_the_only_pattern_syntax(conn: Connection, venues: dict[str, int]) -> None:
    rules = [{**RULES[1], "categories": ["a_c", "50%"]}]
    cursor = alerts.latest_tip_id(conn, PLANNER)
    literal = add_tip(conn, "lit", "a_c", east(10))
    add_tip(conn, "abc", "abc", east(10))  # '_' is not a wildcard
    add_tip(conn, "500", "500", east(10))  # nor is '%'
    got = alerts.new_alerts(conn, PLANNER, after_id=cursor, settings=Settings(geofence_rules=rules))
    assert [a["tip_id"] for a in got] == [literal]
