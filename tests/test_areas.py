"""Area summaries (an admin unit or a drawn polygon), choropleth counts and tips within a radius
of venues: counts on small hand-made data around the Grand Palace, polygon checks, role shaping."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from sqlalchemy import Connection, text

from geodata import areas
from geodata.areas import AreaError
from geodata.errors import ForbiddenError
from geodata.roles import Cap, Viewer

P = (100.4913, 13.7500)  # the Grand Palace: khet Phra Nakhon (1001), khwaeng 100101
OTHER = (100.5113, 13.7500)  # khet Pom Prap Sattru Phai (1008)
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
FIELD = Viewer.for_role("f", "field")
PLANNER = Viewer.for_role("p", "planner")
COMMAND = Viewer.for_role("c", "command")
MAP_ONLY = Viewer(username="m", role="custom", capabilities=frozenset({Cap.MAP_VIEW}))
# metres per 0.001° at 13.75° N
M_LAT, M_LON = 110.6, 108.0


def east(metres: float, origin: tuple[float, float] = P) -> tuple[float, float]:
    """A point ``metres`` east of ``origin``."""
    return origin[0] + metres / M_LON / 1000, origin[1]


def _codes(sub: str) -> dict[str, str]:
    return {"sub": sub, "dist": sub[:4], "prov": sub[:2]}


def add_venue(
    conn: Connection, sid: str, cat: str, sens: int, at: tuple[float, float], *, sub: str = "100101"
) -> int:
    return int(
        conn.execute(
            text(
                "INSERT INTO venue (source, source_id, name_th, name_en, category, sensitivity,"
                " geom, geo_precision, subdistrict_code, district_code, province_code)"
                " VALUES ('area-test', :sid, :sid || ' th', :sid || ' en', :cat, :sens,"
                " ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'point', :sub, :dist, :prov)"
                " RETURNING id"
            ),
            {"sid": sid, "cat": cat, "sens": sens, "lon": at[0], "lat": at[1], **_codes(sub)},
        ).scalar_one()
    )


def add_tip(
    conn: Connection,
    sid: str,
    cat: str,
    at: tuple[float, float],
    when: dt.datetime = NOW,
    *,
    sub: str = "100101",
    precision: str = "point",
) -> int:
    return int(
        conn.execute(
            text(
                "INSERT INTO tip (source, source_id, reported_at, category, text, geom,"
                " geo_precision, subdistrict_code, district_code, province_code, reporter_hash)"
                " VALUES ('area-test', :sid, :when, :cat, 'secret words', "
                " ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :prec, :sub, :dist, :prov, 'h')"
                " RETURNING id"
            ),
            {"sid": sid, "cat": cat, "when": when, "lon": at[0], "lat": at[1], "prec": precision}
            | _codes(sub),
        ).scalar_one()
    )


def add_lodging(
    conn: Connection, sid: str, at: tuple[float, float], *, sub: str = "100101"
) -> None:
    conn.execute(
        text(
            "INSERT INTO lodging_site (source, source_id, name_th, geom, subdistrict_code,"
            " district_code, province_code) VALUES ('area-test', :sid, 'ที่พัก',"
            " ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :sub, :dist, :prov)"
        ),
        {"sid": sid, "lon": at[0], "lat": at[1], **_codes(sub)},
    )


def add_unit(conn: Connection, callsign: str, *positions: tuple[float, float]) -> None:
    """A patrol unit that reported ``positions`` in order (the last one is where it is)."""
    uid = conn.execute(
        text(
            "INSERT INTO patrol_unit (callsign, source, home_district_code)"
            " VALUES (:c, 'area-test', '1001') RETURNING id"
        ),
        {"c": callsign},
    ).scalar_one()
    for i, (lon, lat) in enumerate(positions):
        conn.execute(
            text(
                "INSERT INTO unit_position (unit_id, recorded_at, geom) VALUES (:u, :t,"
                " ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
            ),
            {"u": uid, "t": NOW - dt.timedelta(minutes=10 - i), "lon": lon, "lat": lat},
        )


@pytest.fixture
def area_data(conn: Connection) -> None:
    add_venue(conn, "school-a", "school", 4, east(50))
    add_venue(conn, "school-b", "school", 4, east(150))
    add_venue(conn, "temple-a", "temple", 3, east(-100))
    add_venue(conn, "market-far", "market", 3, OTHER, sub="100801")
    add_lodging(conn, "hotel-a", east(80))
    add_lodging(conn, "hotel-far", OTHER, sub="100801")
    add_unit(conn, "unit-in", east(500, OTHER), P)  # moved into the area: counted
    add_unit(conn, "unit-out", P, OTHER)  # left the area: not counted
    # 2026-11-19 18:30 UTC is already 20 November in Bangkok
    add_tip(conn, "t1", "ยาเสพติด", east(60), NOW - dt.timedelta(hours=17, minutes=30))
    add_tip(conn, "t2", "ยาเสพติด", east(70), NOW)
    add_tip(conn, "t3", "ลักทรัพย์", east(90), NOW - dt.timedelta(days=1))
    add_tip(conn, "t-old", "ลักทรัพย์", east(90), NOW - dt.timedelta(days=40))
    add_tip(conn, "t-other", "ยาเสพติด", OTHER, NOW, sub="100801")


SINCE = NOW - dt.timedelta(days=7)


def test_summary_of_an_admin_unit(conn: Connection, area_data: None) -> None:
    got = areas.area_summary(
        conn, FIELD, area_code="1001", since=SINCE, until=NOW + dt.timedelta(hours=1)
    )
    area = got["area"]
    assert area["kind"] == "admin" and area["level"] == "district"
    assert (area["name_th"], area["name_en"]) == ("เขตพระนคร", "Phra Nakhon")
    assert 3 < area["km2"] < 8
    assert got["venues"] == {
        "total": 3,
        "by_category": [{"category": "school", "n": 2}, {"category": "temple", "n": 1}],
        "by_sensitivity": [{"sensitivity": 4, "n": 2}, {"sensitivity": 3, "n": 1}],
    }
    assert got["lodging"] == 1 and got["units"] == 1
    assert got["tips"]["total"] == 3  # the 40-day-old tip and the other district's are out
    assert got["tips"]["by_category"] == [
        {"category": "ยาเสพติด", "n": 2},
        {"category": "ลักทรัพย์", "n": 1},
    ]
    assert got["tips"]["by_day"] == [
        {"day": dt.date(2026, 11, 19), "n": 1},
        {"day": dt.date(2026, 11, 20), "n": 2},  # Bangkok days, not UTC days
    ]


def test_summary_window_and_wider_area(conn: Connection, area_data: None) -> None:
    bangkok = areas.area_summary(conn, COMMAND, area_code="10")
    assert bangkok["area"]["name_en"] == "Bangkok"
    assert bangkok["venues"]["total"] == 4 and bangkok["lodging"] == 2
    assert bangkok["tips"]["total"] == 5  # no window: every tip
    until = areas.area_summary(conn, COMMAND, area_code="1001", since=SINCE, until=NOW)
    assert until["tips"]["total"] == 2  # the tip at NOW is excluded by until


def test_summary_of_a_drawn_polygon(conn: Connection, area_data: None) -> None:
    d = 0.002  # a square of about 430 m × 440 m around the palace
    square = [
        (P[0] - d, P[1] - d),
        (P[0] + d, P[1] - d),
        (P[0] + d, P[1] + d),
        (P[0] - d, P[1] + d),
    ]
    got = areas.area_summary(conn, PLANNER, polygon=square, since=SINCE)
    assert got["area"]["kind"] == "polygon" and got["area"]["code"] is None
    assert got["area"]["km2"] == pytest.approx((0.004 * 108.0) * (0.004 * 110.6), rel=0.05)
    assert got["venues"]["total"] == 3  # the market 2 km east is outside
    assert got["lodging"] == 1 and got["units"] == 1
    assert got["tips"]["total"] == 3
    closed = areas.area_summary(conn, PLANNER, polygon=[*square, square[0]], since=SINCE)
    assert closed == got
    # a bow-tie (self-intersecting) is repaired, not refused
    bowtie = [
        (P[0] - d, P[1] - d),
        (P[0] + d, P[1] + d),
        (P[0] + d, P[1] - d),
        (P[0] - d, P[1] + d),
    ]
    repaired = areas.area_summary(conn, PLANNER, polygon=bowtie)
    assert 0 < repaired["area"]["km2"] < got["area"]["km2"]


@pytest.mark.parametrize(
    ("polygon", "message"),
    [
        ([(100.5, 13.7), (100.6, 13.7)], "at least 3"),
        ([(100.5, 13.7), (100.6, 13.7), (100.5, 13.7)], "at least 3"),
        ([(13.7, 100.5), (13.8, 100.5), (13.8, 100.6)], "outside Thailand"),
        ([(100.5, 13.7), (100.6, math.nan), (100.6, 13.8)], "finite"),
        ([(100.5, 13.7), (100.6, math.inf), (100.6, 13.8)], "finite"),
        ([(100.5, 13.7), ("100.6", 13.7), (100.6, 13.8)], "two numbers"),
        ([(100.5, 13.7, 0), (100.6, 13.7), (100.6, 13.8)], "pair"),
        ("POLYGON((100 13, 101 13, 101 14))", "list of"),
        ([(100.0 + i / 10_000, 13.0 + (i % 2) / 1000) for i in range(2001)], "at most 2000"),
        ([(100.5, 13.7), (100.6, 13.7), (100.7, 13.7)], "no area"),
    ],
)
def test_polygons_refused_with_a_reason(conn: Connection, polygon: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        areas.area_summary(conn, COMMAND, polygon=polygon)  # type: ignore[arg-type]


def test_area_arguments_checked(conn: Connection) -> None:
    square = [(100.5, 13.7), (100.6, 13.7), (100.6, 13.8)]
    with pytest.raises(AreaError, match="exactly one"):
        areas.area_summary(conn, COMMAND)
    with pytest.raises(AreaError, match="exactly one"):
        areas.area_summary(conn, COMMAND, area_code="10", polygon=square)
    for bad in ("1x", "๑๐", "100", "10%"):
        with pytest.raises(AreaError, match="DOPA"):
            areas.area_summary(conn, COMMAND, area_code=bad)
    with pytest.raises(AreaError, match="no admin area"):
        areas.area_summary(conn, COMMAND, area_code="99")


def test_roles_shape_the_summary(conn: Connection, area_data: None) -> None:
    without = areas.area_summary(conn, MAP_ONLY, area_code="1001")
    assert "tips" not in without and without["venues"]["total"] == 3
    assert areas.area_summary(conn, FIELD, area_code="1001")["tips"]["total"] == 4
    with pytest.raises(ForbiddenError):
        areas.area_summary(conn, Viewer(), area_code="1001")


def test_area_counts_for_a_choropleth(conn: Connection, area_data: None) -> None:
    assert areas.area_counts(conn, FIELD, level="district", prefix="10") == {"1001": 4, "1008": 1}
    assert areas.area_counts(conn, FIELD, level="district", prefix="10", since=SINCE) == {
        "1001": 3,
        "1008": 1,
    }
    assert areas.area_counts(conn, FIELD, level="province") == {"10": 5}
    assert areas.area_counts(conn, FIELD, level="subdistrict", prefix="1008") == {"100801": 1}
    assert areas.area_counts(conn, FIELD, level="subdistrict", prefix="1002") == {}
    with pytest.raises(AreaError, match="level"):
        areas.area_counts(conn, FIELD, level="region")
    with pytest.raises(AreaError, match="shorter"):
        areas.area_counts(conn, FIELD, level="district", prefix="1001")
    with pytest.raises(AreaError):
        areas.area_counts(conn, FIELD, level="district", prefix="1' OR '1")
    with pytest.raises(ForbiddenError):
        areas.area_counts(conn, MAP_ONLY, level="province")


@pytest.fixture
def near_data(conn: Connection) -> dict[str, int]:
    school = add_venue(conn, "school", "school", 4, P)
    add_venue(conn, "temple", "temple", 3, east(1000))
    return {
        "school": school,
        "d100": add_tip(conn, "d100", "ยาเสพติด", east(100), NOW - dt.timedelta(hours=1)),
        "t250": add_tip(conn, "t250", "ลักทรัพย์", east(250), NOW - dt.timedelta(hours=2)),
        "d400": add_tip(conn, "d400", "ยาเสพติด", east(400), NOW),
        "near-temple": add_tip(conn, "nt", "ยาเสพติด", east(1100), NOW),
        # placed at a subdistrict's centre: near nothing in particular
        "approx": add_tip(conn, "ap", "ยาเสพติด", east(50), NOW, precision="subdistrict"),
        "old": add_tip(conn, "old", "ยาเสพติด", east(30), NOW - dt.timedelta(days=30)),
    }


def test_tips_near_venues_counts_and_records(conn: Connection, near_data: dict[str, int]) -> None:
    got = areas.tips_near_venues(
        conn, PLANNER, radius_m=300, venue_categories=["school"], since=SINCE
    )
    assert got["radius_m"] == 300 and got["total"] == 2
    assert got["by_category"] == [
        {"category": "ยาเสพติด", "n": 1},
        {"category": "ลักทรัพย์", "n": 1},
    ]
    assert sum(n for _, _, n in got["cells"]) == 2
    for lon, lat, _ in got["cells"]:  # cell centres on the 0.005° grid, near the school
        assert abs(lon - P[0]) < 0.01 and abs(lat - P[1]) < 0.01
        assert round(lon / 0.0025) % 2 == 1 and round(lat / 0.0025) % 2 == 1
    recs = got["records"]
    assert [r["id"] for r in recs] == [near_data["d100"], near_data["t250"]]  # newest first
    assert recs[0]["venue_id"] == near_data["school"] and recs[0]["venue_name_en"] == "school en"
    assert recs[0]["metres"] == pytest.approx(100, abs=3)
    assert isinstance(recs[0]["reported_at"], dt.datetime)
    assert not {"text", "reporter_hash"} & set(recs[0])


def test_tips_near_venues_filters(conn: Connection, near_data: dict[str, int]) -> None:
    every = areas.tips_near_venues(conn, COMMAND, radius_m=300, since=SINCE)
    assert every["total"] == 3  # and the one 100 m from the temple
    wide = areas.tips_near_venues(conn, COMMAND, radius_m=450, venue_categories=["school"])
    assert wide["total"] == 4  # d100, t250, d400 and the old one
    drugs = areas.tips_near_venues(
        conn, COMMAND, radius_m=450, venue_categories=["school"], tip_categories=["ยาเสพติด"]
    )
    assert drugs["total"] == 3
    elsewhere = areas.tips_near_venues(conn, COMMAND, radius_m=450, area="1008")
    assert elsewhere["total"] == 0
    assert areas.tips_near_venues(conn, COMMAND, radius_m=450, area="1001")["total"] == 5


def test_tips_near_venues_by_role_and_checks(conn: Connection, near_data: dict[str, int]) -> None:
    field = areas.tips_near_venues(conn, FIELD, radius_m=300, since=SINCE)
    assert field["total"] == 3 and field["records"] == []  # how many, never which
    with pytest.raises(ForbiddenError):
        areas.tips_near_venues(conn, MAP_ONLY, radius_m=300)
    for radius in (5, 5001, math.nan, True, "300"):
        with pytest.raises(AreaError, match="radius_m"):
            areas.tips_near_venues(conn, FIELD, radius_m=radius)  # type: ignore[arg-type]
    for cats in (
        "school",
        ["x" * 65],
        [""],
        ["a\nb"],
        [3],
        ["c"] * 0 + [str(i) for i in range(51)],
    ):
        with pytest.raises(AreaError):
            areas.tips_near_venues(conn, FIELD, radius_m=300, venue_categories=cats)  # type: ignore[arg-type]
    with pytest.raises(AreaError):
        areas.tips_near_venues(conn, FIELD, radius_m=300, area="10%")


def test_queries_use_the_indexes(conn: Connection) -> None:
    """The area and radius queries reach tips through an index, not by reading the table (with
    sequential scans switched off, a plan without an index would still show one)."""
    conn.execute(text("SET LOCAL enable_seqscan = off"))
    kept = {"statuses": ["new"], "grades": ["A", "-"]}  # the status and grade filter on
    plans = {
        "area_tips_code": {"prefix": "1001", "since": None, "until": None, **kept},
        "area_tips_polygon": {
            "geojson": areas.check_polygon([(100.49, 13.74), (100.5, 13.74), (100.5, 13.75)]),
            "since": None,
            "until": None,
            **kept,
        },
    }
    from geodata.queries import sql

    for name, params in plans.items():
        plan = "\n".join(
            r[0] for r in conn.execute(text("EXPLAIN " + sql(name).text), params).all()
        )
        assert "Seq Scan on tip" not in plan, plan
        assert "tip_" in plan, plan  # one of tip's indexes


@pytest.mark.parametrize("code", ["10", "1001", "100101"])
def test_summary_tips_equal_a_count_of_the_tips(
    conn: Connection, area_data: None, code: str
) -> None:
    """A province or a district reads tip_area_day, a subdistrict counts its tips: either way
    the per-category and per-day numbers are those of the tips themselves, for windows that
    cut Bangkok days at both ends and for none."""
    windows = [
        (None, None),
        (SINCE, NOW + dt.timedelta(hours=1)),
        (NOW - dt.timedelta(hours=20), NOW),
        (NOW - dt.timedelta(days=1, hours=3), NOW + dt.timedelta(minutes=1)),
    ]
    for since, until in windows:
        got = areas.area_summary(conn, COMMAND, area_code=code, since=since, until=until)["tips"]
        rows = conn.execute(
            text(
                "SELECT category, (reported_at AT TIME ZONE 'Asia/Bangkok')::date AS day "
                "FROM tip WHERE (subdistrict_code LIKE :p || '%' OR district_code LIKE :p || '%')"
                " AND (CAST(:s AS timestamptz) IS NULL OR reported_at >= :s)"
                " AND (CAST(:u AS timestamptz) IS NULL OR reported_at < :u)"
            ),
            {"p": code, "s": since, "u": until},
        ).all()
        cats: dict[str, int] = {}
        days: dict[dt.date, int] = {}
        for r in rows:
            cats[r.category] = cats.get(r.category, 0) + 1
            days[r.day] = days.get(r.day, 0) + 1
        assert got["total"] == len(rows), (code, since, until)
        assert {c["category"]: c["n"] for c in got["by_category"]} == cats
        assert [(d["day"], d["n"]) for d in got["by_day"]] == sorted(days.items())
