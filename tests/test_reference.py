"""Reference data: counts, names, valid 4326 polygons, and the hierarchy where it should be."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from geodata import queries
from geodata.reference import load
from geodata.settings import Settings


def _count(conn: Connection, sql: str) -> int:
    return int(conn.execute(text(sql)).scalar_one())


def test_counts_per_level(conn: Connection) -> None:
    assert _count(conn, "SELECT count(*) FROM admin_area WHERE level='province'") == 77
    assert _count(conn, "SELECT count(*) FROM admin_area WHERE level='district'") == 928
    assert _count(conn, "SELECT count(*) FROM admin_area WHERE level='subdistrict'") >= 7400
    assert _count(conn, "SELECT count(*) FROM place") > 900


def test_every_area_has_thai_and_english_names(conn: Connection) -> None:
    missing = _count(
        conn,
        "SELECT count(*) FROM admin_area WHERE coalesce(name_th,'') = '' OR coalesce(name_en,'') = ''",
    )
    assert missing == 0
    thai = _count(conn, r"SELECT count(*) FROM admin_area WHERE name_th ~ '[\u0E00-\u0E7F]'")
    assert thai == _count(conn, "SELECT count(*) FROM admin_area")


def test_polygons_valid_and_in_4326(conn: Connection) -> None:
    bad = _count(
        conn,
        "SELECT count(*) FROM admin_area WHERE geom IS NOT NULL "
        "AND (NOT ST_IsValid(geom) OR ST_SRID(geom) <> 4326 OR GeometryType(geom) <> 'MULTIPOLYGON')",
    )
    assert bad == 0
    # every province and district has a polygon; subdistricts are approximate until imported
    assert (
        _count(
            conn, "SELECT count(*) FROM admin_area WHERE level <> 'subdistrict' AND geom IS NULL"
        )
        == 0
    )
    assert (
        _count(
            conn, "SELECT count(*) FROM admin_area WHERE level='subdistrict' AND geom IS NOT NULL"
        )
        >= 7200
    )
    assert (
        _count(
            conn, "SELECT count(*) FROM admin_area WHERE level='subdistrict' AND NOT approximate"
        )
        == 0
    )


def test_grand_palace_is_in_phra_nakhon_bangkok(conn: Connection) -> None:
    areas = {a.level: a for a in queries.admin_areas_at(conn, lon=100.4913, lat=13.7500)}
    assert areas["province"].code == "10"
    assert areas["province"].name_en == "Bangkok"
    assert areas["district"].code == "1001"
    assert areas["district"].name_th == "เขตพระนคร"


def test_hierarchy_codes_nest(conn: Connection) -> None:
    orphans = _count(
        conn,
        "SELECT count(*) FROM admin_area c LEFT JOIN admin_area p ON p.code = c.parent_code "
        "WHERE c.level <> 'province' AND p.code IS NULL",
    )
    assert orphans == 0


def test_districts_lie_inside_their_province(conn: Connection) -> None:
    # a point inside each district polygon must fall in the province of the same code prefix
    wrong = _count(
        conn,
        """
        SELECT count(*) FROM admin_area d
        JOIN admin_area p ON p.code = d.parent_code
        WHERE d.level = 'district' AND NOT ST_Intersects(p.geom, ST_PointOnSurface(d.geom))
        """,
    )
    assert wrong == 0


def test_places_have_a_province(conn: Connection) -> None:
    total = _count(conn, "SELECT count(*) FROM place")
    with_province = _count(conn, "SELECT count(*) FROM place WHERE province_code IS NOT NULL")
    assert with_province / total > 0.95


def test_every_layer_has_attribution(conn: Connection) -> None:
    sources = {s.code: s for s in queries.data_sources(conn)}
    for code in load.REFERENCE_SOURCES:
        assert sources[code].attribution
        assert sources[code].licence
    used = conn.execute(
        text(
            "SELECT DISTINCT source FROM admin_area UNION SELECT DISTINCT geom_source FROM admin_area"
        )
    ).scalars()
    assert {u for u in used if u} <= set(sources)


def test_second_load_is_a_no_op(engine: Engine, settings: Settings) -> None:
    report = load.load_reference(engine, settings)
    assert report.skipped
    assert report.counts["provinces"] == 77


def test_forced_reload_keeps_counts(conn: Connection, settings: Settings) -> None:
    report = load.load_reference(conn, settings, force=True)
    assert not report.skipped
    assert report.counts["districts"] == 928
    assert report.counts["places"] == _count(conn, "SELECT count(*) FROM place")


def test_a_point_in_the_sea_is_named_by_the_nearest_areas(conn: Connection) -> None:
    """A hotspot hexagon's centre off Bang Khun Thian's coast lies in no outline; the nearest
    subdistrict and district name it (within about 3 km), and nothing is near the open sea."""
    off_coast = (100.44, 13.48)
    assert queries.admin_areas_at(conn, *off_coast) == []
    near = queries.admin_areas_near(conn, *off_coast)
    assert [(a.level, a.code) for a in near] == [("subdistrict", "102105"), ("district", "1021")]
    assert queries.admin_areas_near(conn, 101.0, 12.0) == []  # the middle of the Gulf
