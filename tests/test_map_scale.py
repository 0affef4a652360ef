"""Map scale (issue 6): the pre-aggregated tip counts (tip_cell) stay equal to counting the
tips, whatever writes them; heat by viewport, categories and window; places as points or
clusters; the role checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, text

from geodata import migrate, tips
from geodata.errors import ForbiddenError
from geodata.load import BatchMeta, compact_counts, load_batch
from geodata.roles import Viewer
from tests.dbtools import migration, scratch_database

FIELD = Viewer.for_role("f", "field")
BKK = dt.timezone(dt.timedelta(hours=7))
# A corner of the sea and a past year that no other test writes into
T0 = dt.datetime(2001, 3, 14, 9, 30, tzinfo=BKK)


M0010 = migration("0010_tip_cell.py")
M0015 = migration("0015_tip_cell_all_time.py")  # tip_cell's levels and periods now


# The counts kept: tip_cell and the deltas not yet folded into it (migration 0016), or before
# 0016, tip_cell alone
KEPT = (
    "SELECT lvl, period, start, cx, cy, category, sum(n)::int FROM tip_cell_counts "
    "GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0"
)
KEPT_BEFORE_0016 = "SELECT lvl, period, start, cx, cy, category, n FROM tip_cell"


def _mismatches(
    conn: Connection, levels: str = M0010.levels_sql(M0015.LEVEL_ROWS), kept: str = KEPT
) -> int:
    """Rows that differ between the counts kept and the same counts computed from tip, at every
    level and period of ``levels`` (by default those of the latest migration)."""
    direct = M0010.deltas("SELECT geom, reported_at, category, 1 AS d FROM tip", levels)
    return int(
        conn.execute(
            text(
                f"SELECT count(*) FROM (({kept} EXCEPT ALL SELECT * FROM ({direct}) a) "
                f"UNION ALL (SELECT * FROM ({direct}) b EXCEPT ALL {kept})) z"
            )
        ).scalar_one()
    )


def _add(conn: Connection, rows: list[tuple[str, float, float, dt.datetime, str]]) -> None:
    conn.execute(
        text(
            "INSERT INTO tip (source, source_id, reported_at, category, geom, geo_precision) "
            "VALUES ('test-scale', :sid, :at, :cat, "
            "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'point')"
        ),
        [{"sid": s, "lon": lon, "lat": lat, "at": at, "cat": cat} for s, lon, lat, at, cat in rows],
    )


@contextmanager
def _statements(conn: Connection) -> Iterator[list[str]]:
    """The SQL statements run on ``conn`` inside the block, in order."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(conn, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(conn, "before_cursor_execute", record)


def _cells(conn: Connection, **kw: Any) -> dict[tuple[float, float], int]:
    return {(round(x, 6), round(y, 6)): n for x, y, n in tips.tip_density(conn, FIELD, **kw)}


def test_tip_cell_follows_inserts_updates_and_deletes(conn: Connection) -> None:
    _add(
        conn,
        [
            (f"s{i}", 104.5 + i * 0.003, 6.2 + i * 0.002, T0 + dt.timedelta(hours=7 * i), "ก")
            for i in range(40)
        ],
    )
    assert _mismatches(conn) == 0
    conn.execute(
        text(
            "UPDATE tip SET geom = ST_SetSRID(ST_MakePoint(104.9, 6.9), 4326) "
            "WHERE source = 'test-scale' AND source_id IN ('s1', 's2')"
        )
    )
    conn.execute(text("UPDATE tip SET category = 'ข' WHERE source_id = 's3'"))
    conn.execute(
        text(
            "UPDATE tip SET reported_at = reported_at + interval '9 days' "
            "WHERE source = 'test-scale' AND source_id IN ('s4', 's5')"
        )
    )
    conn.execute(
        text("UPDATE tip SET geom = NULL WHERE source = 'test-scale' AND source_id = 's6'")
    )
    conn.execute(text("UPDATE tip SET status = 'closed' WHERE source = 'test-scale'"))
    assert _mismatches(conn) == 0
    compact_counts(conn)  # folded or not, the counts are the same
    assert _mismatches(conn) == 0
    conn.execute(text("DELETE FROM tip WHERE source = 'test-scale' AND source_id LIKE 's1%'"))
    assert _mismatches(conn) == 0
    conn.execute(text("DELETE FROM tip WHERE source = 'test-scale'"))
    assert _mismatches(conn) == 0
    # folded, nothing of these tips is left behind: no deltas, no emptied cells
    compact_counts(conn)
    assert _mismatches(conn) == 0
    assert conn.execute(text("SELECT count(*) FROM tip_cell_delta")).scalar_one() == 0
    assert conn.execute(text("SELECT count(*) FROM tip_cell WHERE n = 0")).scalar_one() == 0


def test_tip_cell_follows_etl_loads(conn: Connection) -> None:
    def record(i: int, lon: float, category: str) -> dict[str, Any]:
        return {
            "source_id": f"L{i}",
            "lon": lon,
            "lat": 6.3,
            "geo_precision": "point",
            "reported_at": T0 + dt.timedelta(days=i),
            "category": category,
            "status": "new",
        }

    meta = BatchMeta(kind="tips", source="test-scale-load")
    first = load_batch(conn, meta, [record(i, 104.6 + i * 0.01, "ก") for i in range(20)])
    assert first.inserted == 20
    assert _mismatches(conn) == 0
    # re-load: half unchanged, some moved, some with another category
    again = [record(i, 104.6 + i * 0.01 + (0.05 if i % 3 == 0 else 0), "ก") for i in range(10)]
    again += [record(i, 104.6 + i * 0.01, "ข") for i in range(10, 20)]
    report = load_batch(conn, meta, again)
    assert report.updated > 0
    assert report.unchanged > 0
    assert _mismatches(conn) == 0


def test_window_parts_cover_the_window_exactly() -> None:
    since = dt.datetime(2026, 10, 1, 13, 20, tzinfo=BKK)  # a Thursday afternoon
    until = dt.datetime(2026, 10, 31, 8, 0, tzinfo=BKK)
    p = tips.window_parts(since, until, weeks=True)
    assert (p["h0"], p["h1"]) == (since, dt.datetime(2026, 10, 2, tzinfo=BKK))
    assert (p["t0"], p["t1"]) == (dt.datetime(2026, 10, 31, tzinfo=BKK), until)
    assert p["d1"] == dt.date(2026, 10, 2)
    assert p["d2"] == dt.date(2026, 10, 31)
    assert p["w1"].weekday() == 0
    assert p["w2"].weekday() == 0
    assert p["d1"] <= p["w1"] < p["w2"] <= p["d2"]
    inside = tips.window_parts(since, since + dt.timedelta(hours=2), weeks=True)
    assert (inside["h0"], inside["h1"]) == (since, since + dt.timedelta(hours=2))
    assert inside["d1"] == inside["d2"]


@pytest.mark.parametrize("cell", [0.001, 0.005, 0.01, 0.05, 0.1, 0.003])
def test_density_keeps_only_the_viewport_categories_and_window(
    conn: Connection, cell: float
) -> None:
    rows = [
        # inside the viewport, in the window, two categories
        *[
            ("a" + str(i), 104.61 + 0.0004 * i, 6.31, T0 + dt.timedelta(hours=i), "ก")
            for i in range(5)
        ],
        *[
            ("b" + str(i), 104.62, 6.32 + 0.0004 * i, T0 + dt.timedelta(days=9, hours=i), "ข")
            for i in range(3)
        ],
        # outside the viewport
        ("c0", 103.2, 6.31, T0 + dt.timedelta(hours=2), "ก"),
        # before and after the window
        ("d0", 104.61, 6.31, T0 - dt.timedelta(hours=1), "ก"),
        ("d1", 104.61, 6.31, T0 + dt.timedelta(days=20), "ก"),
    ]
    _add(conn, rows)  # fmt: skip
    bbox = (104.4, 6.1, 104.8, 6.5)
    window = {"since": T0, "until": T0 + dt.timedelta(days=15)}
    every = _cells(conn, bbox=bbox, cell_deg=cell, **window)
    assert sum(every.values()) == 8
    for lon, lat in every:
        assert 104.4 - cell <= lon <= 104.8 + cell
        assert 6.1 - cell <= lat <= 6.5 + cell
    assert sum(_cells(conn, bbox=bbox, cell_deg=cell, categories=["ข"], **window).values()) == 3
    until = T0 + dt.timedelta(hours=3)  # a window inside one day
    assert sum(_cells(conn, bbox=bbox, cell_deg=cell, since=T0, until=until).values()) == 3
    assert sum(_cells(conn, bbox=bbox, cell_deg=cell, until=T0).values()) == 1
    # without a viewport the far tip counts too
    assert sum(_cells(conn, bbox=(103.0, 6.0, 105.0, 7.0), cell_deg=cell, **window).values()) == 9


def test_density_equals_the_raw_count_for_every_level(conn: Connection) -> None:
    _add(
        conn,
        [
            (f"r{i}", 104.5 + (i * 37 % 100) * 0.004, 6.2 + (i * 11 % 50) * 0.006,
             T0 + dt.timedelta(hours=5 * i), "กข"[i % 2])
            for i in range(200)
        ],
    )  # fmt: skip
    window = {"since": T0 + dt.timedelta(hours=30), "until": T0 + dt.timedelta(days=31, hours=3)}
    for cell in (0.001, 0.002, 0.005, 0.02, 0.05, 0.2):
        cats: tuple[str, ...]
        for cats in ((), ("ก",)):
            fast = _cells(
                conn, bbox=(104.4, 6.1, 105.0, 6.6), cell_deg=cell, categories=cats, **window
            )
            # an area filter always counts the tips themselves: compare with the raw statement
            raw = tips.tip_density(conn, FIELD, cell_deg=cell + 1e-7, categories=cats, **window)
            assert sum(fast.values()) == sum(n for lon, lat, n in raw if 104.3 < lon < 105.1 and 6.0 < lat < 6.7)  # fmt: skip


def test_the_all_window_reads_all_time_rows_and_counts_every_tip(conn: Connection) -> None:
    _add(
        conn,
        [
            (f"w{i}", 104.5 + (i * 37 % 100) * 0.004, 6.2 + (i * 11 % 50) * 0.006,
             T0 + dt.timedelta(days=3 * i, hours=i), "กข"[i % 2])
            for i in range(120)
        ],
    )  # fmt: skip
    bbox = (104.4, 6.1, 105.0, 6.6)
    everything = {"since": T0 - dt.timedelta(days=1), "until": T0 + dt.timedelta(days=400)}
    for cell, cats in ((0.005, ()), (0.01, ()), (0.05, ()), (0.05, ("ก",)), (0.1, ())):
        with _statements(conn) as statements:
            whole = _cells(conn, bbox=bbox, cell_deg=cell, categories=cats)
        assert "over all time" in statements[-1]
        assert whole == _cells(conn, bbox=bbox, cell_deg=cell, categories=cats, **everything)
        assert sum(whole.values()) == (60 if cats else 120)
    # a street-sized cell has no all-time rows (level 0): it reads days, with the same answer
    assert _cells(conn, bbox=bbox, cell_deg=0.001) == _cells(
        conn, bbox=bbox, cell_deg=0.001, **everything
    )
    # and the all-time rows follow updates and deletes like the rest
    conn.execute(text("UPDATE tip SET category = 'ข' WHERE source_id IN ('w0', 'w2')"))
    conn.execute(text("DELETE FROM tip WHERE source_id IN ('w4', 'w5')"))
    assert sum(_cells(conn, bbox=bbox, cell_deg=0.05, categories=["ก"]).values()) == 57
    assert _mismatches(conn) == 0


@pytest.fixture
def scratch_engine(server_admin_url: str) -> Iterator[Engine]:
    with scratch_database(server_admin_url, "sitaware_test_tip_cell") as eng:
        yield eng


def test_migration_0015_adds_all_time_rows_to_existing_counts(scratch_engine: Engine) -> None:
    rows = [
        (f"m{i}", 104.5 + (i * 37 % 100) * 0.004, 6.2 + (i * 11 % 50) * 0.006,
         T0 + dt.timedelta(days=2 * i), "กข"[i % 2])
        for i in range(60)
    ]  # fmt: skip
    migrate.upgrade(scratch_engine, "0014")
    with scratch_engine.begin() as c:
        _add(c, rows)
    migrate.upgrade(scratch_engine, "0015")
    with scratch_engine.begin() as c:
        assert _mismatches(c, kept=KEPT_BEFORE_0016) == 0
        period0 = "SELECT sum(n) FROM tip_cell WHERE period = 0 AND lvl = :lvl"
        assert c.execute(text(period0), {"lvl": 1}).scalar_one() == 60
        assert c.execute(text(period0), {"lvl": 2}).scalar_one() == 60
        c.execute(text("DELETE FROM tip WHERE source_id LIKE 'm1%'"))
        assert _mismatches(c, kept=KEPT_BEFORE_0016) == 0
    migrate.downgrade(scratch_engine, "0014")
    with scratch_engine.begin() as c:  # 0010's trigger again, and no all-time rows
        _add(c, [("n0", 104.6, 6.3, T0, "ก")])
        assert _mismatches(c, M0010.levels_sql(M0010.LEVEL_ROWS), KEPT_BEFORE_0016) == 0
        assert c.execute(text("SELECT count(*) FROM tip_cell WHERE period = 0")).scalar_one() == 0


def test_cell_for_bbox_follows_the_span() -> None:
    assert tips.cell_for_bbox(None) == 0.1
    assert tips.cell_for_bbox((97.3, 5.6, 105.7, 20.5)) == 0.1
    assert tips.cell_for_bbox((100.3, 13.5, 100.9, 14.0)) == 0.005
    assert tips.cell_for_bbox((100.49, 13.74, 100.51, 13.76)) == 0.001


def _venues(conn: Connection, n: int) -> None:
    conn.execute(
        text(
            "INSERT INTO venue (source, source_id, name_th, category, sensitivity, geom) "
            "SELECT 'test-scale', 'v' || g, 'ที่ ' || g, "
            "CASE WHEN g % 4 = 0 THEN 'school' ELSE 'temple' END, 1 + g % 5, "
            "ST_SetSRID(ST_MakePoint(104.5 + (g % 30) * 0.002, 6.2 + (g / 30) * 0.002), 4326) "
            "FROM generate_series(1, :n) g"
        ),
        {"n": n},
    )


def test_place_points_switch_to_clusters_above_the_limit(conn: Connection) -> None:
    _venues(conn, 300)
    bbox = (104.45, 6.15, 104.85, 6.35)
    few = tips.place_points(conn, FIELD, "venue", bbox=bbox, max_points=300)
    assert few["total"] == 300
    assert len(few["points"]) == 300
    assert few["clusters"] == []
    assert {"id", "lon", "lat", "name_th", "name_en", "category", "sensitivity", "source"} <= set(
        few["points"][0]
    )
    many = tips.place_points(conn, FIELD, "venue", bbox=bbox, max_points=299)
    assert many["points"] == []
    assert many["total"] == 300
    assert sum(n for _, _, n in many["clusters"]) == 300
    assert len(many["clusters"]) < 300
    for lon, lat, _ in many["clusters"]:
        assert 104.45 <= lon <= 104.85
        assert 6.15 <= lat <= 6.35
    schools = tips.place_points(conn, FIELD, "venue", bbox=bbox, categories=["school"])
    assert schools["total"] == 75
    assert {p["category"] for p in schools["points"]} == {"school"}
    corner = tips.place_points(conn, FIELD, "venue", bbox=(104.499, 6.199, 104.511, 6.211))
    assert corner["total"] == len(corner["points"]) > 0


def test_an_empty_view_asks_for_no_points(conn: Connection) -> None:
    _venues(conn, 30)
    with _statements(conn) as statements:
        empty = tips.place_points(conn, FIELD, "venue", bbox=(98.9, 18.7, 99.1, 18.9))
        some = tips.place_points(conn, FIELD, "venue", bbox=(104.45, 6.15, 104.85, 6.35))
    assert empty == {"points": [], "clusters": [], "total": 0}
    assert some["total"] == len(some["points"]) == 30
    points = [s for s in statements if "map points" in s]
    assert len(points) == 1  # only for the view that holds venues


def test_place_points_lodging(conn: Connection) -> None:
    conn.execute(
        text(
            "INSERT INTO lodging_site (source, source_id, name_th, lodging_type, geom) VALUES "
            "('test-scale', 'h1', 'โรงแรม', 'hotel', ST_SetSRID(ST_MakePoint(104.7, 6.4), 4326))"
        )
    )
    got = tips.place_points(conn, FIELD, "lodging", bbox=(104.6, 6.3, 104.8, 6.5))
    assert got["total"] == 1
    assert got["points"][0]["category"] == "hotel"
    assert "sensitivity" not in got["points"][0]
    with pytest.raises(ValueError, match="layer"):
        tips.place_points(conn, FIELD, "tip", bbox=(104.6, 6.3, 104.8, 6.5))


def test_roles_are_checked(conn: Connection) -> None:
    with pytest.raises(ForbiddenError):
        tips.tip_density(conn, Viewer(), bbox=(104.4, 6.1, 104.8, 6.5))
    with pytest.raises(ForbiddenError):
        tips.place_points(conn, Viewer(), "venue")
