"""Per-area day counts (tip_area_day, migration 0012): the table stays equal to counting the
tips whatever writes them, and the counts, status choices, trend and choropleth it serves
give exactly the raw statements' answers (partial days at the window's ends included)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text

from geodata import areas, migrate, tipfilter, tips
from geodata.load import BatchMeta, compact_counts, load_batch
from geodata.queries import sql
from geodata.roles import Viewer
from tests.dbtools import migration, scratch_database

FIELD = Viewer.for_role("f", "field")
BKK = dt.timezone(dt.timedelta(hours=7))
# A past year no other test writes into
T0 = dt.datetime(2003, 5, 6, 9, 30, tzinfo=BKK)
SOURCE = "test-area-day"

# (subdistrict_code, district_code): Bangkok's Phra Nakhon (two subdistricts), Dusit through its
# subdistrict and by district code alone, Samut Prakan, and a tip the geocoder could not place
PLACES = [
    ("100101", "1001"),
    ("100102", "1001"),
    ("100201", "1002"),
    (None, "1002"),
    ("110101", "1101"),
    (None, None),
]
CATEGORIES = ["ยาเสพติด", "ลักทรัพย์", "อื่นๆ"]
STATUSES = ["new", "รอรับเรื่อง", "closed"]
RELIABILITY = [None, "A1", "B2", "F6"]


M0012 = migration("0012_tip_area_day.py")
DIRECT = M0012._deltas(f"SELECT {M0012._COLUMNS}, 1 AS d FROM tip")
# The counts kept: tip_area_day and the deltas not yet folded into it (migration 0016), or
# before 0016, tip_area_day alone
KEPT = (
    "SELECT lvl, code, day, category, status, grade, sum(n)::int FROM tip_area_day_counts "
    "GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0"
)
KEPT_BEFORE_0016 = "SELECT lvl, code, day, category, status, grade, n FROM tip_area_day"


def _mismatches(conn: Connection, kept: str = KEPT) -> int:
    """Rows that differ between the counts kept and the same counts computed from tip."""
    return int(
        conn.execute(
            text(
                f"SELECT count(*) FROM (({kept} EXCEPT ALL SELECT * FROM ({DIRECT}) a) "
                f"UNION ALL (SELECT * FROM ({DIRECT}) b EXCEPT ALL {kept})) z"
            )
        ).scalar_one()
    )


def _tips(n: int = 240) -> list[dict[str, Any]]:
    """``n`` tips over 12 days from T0, every place, category, status and grade mixed (the
    steps are coprime with the list lengths, so the combinations vary)."""
    out = []
    for i in range(n):
        sub, dist = PLACES[i % len(PLACES)]
        out.append(
            {
                "sid": f"a{i}",
                "sub": sub,
                "dist": dist,
                "at": T0 + dt.timedelta(minutes=73 * i),
                "cat": CATEGORIES[(i // 2) % len(CATEGORIES)],
                "status": STATUSES[(i // 5) % len(STATUSES)],
                "rel": RELIABILITY[(i // 7) % len(RELIABILITY)],
            }
        )
    return out


def _add(conn: Connection, rows: list[dict[str, Any]]) -> None:
    conn.execute(
        text(
            "INSERT INTO tip (source, source_id, reported_at, category, status, reliability,"
            " subdistrict_code, district_code, geo_precision) "
            f"VALUES ('{SOURCE}', :sid, :at, :cat, :status, :rel, :sub, :dist, 'subdistrict')"
        ),
        rows,
    )


@pytest.fixture
def tipped(conn: Connection) -> Connection:
    """The tips of ``_tips()``, their counts folded into tip_area_day (so that a test can change
    a count behind the triggers' back)."""
    _add(conn, _tips())
    assert compact_counts(conn) is not None
    assert conn.execute(text("SELECT count(*) FROM tip_area_day_delta")).scalar_one() == 0
    return conn


def test_tip_area_day_follows_inserts_updates_and_deletes(conn: Connection) -> None:
    _add(conn, _tips(60))
    assert _mismatches(conn) == 0
    assert conn.execute(text("SELECT count(*) FROM tip_area_day")).scalar_one() > 20
    where = f"WHERE source = '{SOURCE}' AND source_id"
    # a tip moves to another province, another district, loses its codes, gains them
    conn.execute(text(f"UPDATE tip SET subdistrict_code = '110101', district_code = '1101' {where} = 'a0'"))  # fmt: skip
    conn.execute(text(f"UPDATE tip SET subdistrict_code = '100201', district_code = '1002' {where} = 'a1'"))  # fmt: skip
    conn.execute(text(f"UPDATE tip SET subdistrict_code = NULL, district_code = NULL {where} = 'a2'"))  # fmt: skip
    conn.execute(text(f"UPDATE tip SET subdistrict_code = '100102', district_code = '1001' {where} = 'a5'"))  # fmt: skip
    assert _mismatches(conn) == 0
    # another day (across Bangkok midnight), category, status, grade; a change of nothing counted
    conn.execute(text(f"UPDATE tip SET reported_at = reported_at + interval '15 hours' {where} IN ('a3', 'a4')"))  # fmt: skip
    conn.execute(text(f"UPDATE tip SET category = 'ค้ามนุษย์' {where} = 'a6'"))
    conn.execute(text(f"UPDATE tip SET status = 'closed' WHERE source = '{SOURCE}'"))
    conn.execute(text(f"UPDATE tip SET reliability = 'C3' {where} IN ('a7', 'a8', 'a9')"))
    conn.execute(text(f"UPDATE tip SET reliability = NULL {where} LIKE 'a3%'"))
    conn.execute(text(f"UPDATE tip SET text = 'seen again' WHERE source = '{SOURCE}'"))
    assert _mismatches(conn) == 0
    conn.execute(text(f"DELETE FROM tip {where} LIKE 'a1%'"))
    assert _mismatches(conn) == 0
    compact_counts(conn)
    assert _mismatches(conn) == 0
    conn.execute(text(f"DELETE FROM tip WHERE source = '{SOURCE}'"))
    assert _mismatches(conn) == 0
    # folded, nothing of these tips is left behind: no deltas, no emptied rows
    compact_counts(conn)
    assert _mismatches(conn) == 0
    assert conn.execute(text("SELECT count(*) FROM tip_area_day_delta")).scalar_one() == 0
    assert conn.execute(text("SELECT count(*) FROM tip_area_day WHERE n = 0")).scalar_one() == 0


def test_tip_area_day_is_emptied_by_truncate(conn: Connection) -> None:
    _add(conn, _tips(30))
    compact_counts(conn)
    _add(conn, [{**r, "sid": "x" + r["sid"]} for r in _tips(5)])  # deltas not yet folded
    conn.execute(text("TRUNCATE tip CASCADE"))
    assert conn.execute(text("SELECT count(*) FROM tip_area_day_counts")).scalar_one() == 0
    _add(conn, _tips(30))
    assert _mismatches(conn) == 0


def test_the_check_sees_a_wrong_count(tipped: Connection) -> None:
    """_mismatches is not a tautology: a count changed behind the triggers' back shows."""
    tipped.execute(text("UPDATE tip_area_day SET n = n + 1 WHERE lvl = 1 AND code = '1001'"))
    assert _mismatches(tipped) > 0


def test_tip_area_day_follows_etl_loads(conn: Connection) -> None:
    def record(i: int, sub: str | None, dist: str | None, status: str) -> dict[str, Any]:
        return {
            "source_id": f"L{i}",
            "lon": 100.5,
            "lat": 13.75,
            "geo_precision": "subdistrict",
            "subdistrict_code": sub,
            "district_code": dist,
            "reported_at": T0 + dt.timedelta(hours=9 * i),
            "category": CATEGORIES[i % 3],
            "status": status,
            "reliability": RELIABILITY[i % 4],
        }

    meta = BatchMeta(kind="tips", source="test-area-day-load")
    first = load_batch(conn, meta, [record(i, "100101", "1001", "new") for i in range(20)])
    assert first.inserted == 20
    assert _mismatches(conn) == 0
    # re-load: some unchanged, some moved to another district, some with another status
    again = [record(i, "100101", "1001", "new") for i in range(8)]
    again += [record(i, "100201", "1002", "new") for i in range(8, 14)]
    again += [record(i, "100101", "1001", "closed") for i in range(14, 20)]
    report = load_batch(conn, meta, again)
    assert report.updated > 0
    assert report.unchanged > 0
    assert _mismatches(conn) == 0
    assert load_batch(conn, meta, again).updated == 0
    assert _mismatches(conn) == 0


# --- the functions: the aggregate path against the raw statements ------------------------

# Windows: partial days at both ends, whole days, open ends, inside one day, nothing
WINDOWS: list[tuple[dt.datetime | None, dt.datetime | None]] = [
    (T0 + dt.timedelta(hours=5, minutes=7), T0 + dt.timedelta(days=9, hours=3, minutes=11)),
    (dt.datetime(2003, 5, 7, tzinfo=BKK), dt.datetime(2003, 5, 12, tzinfo=BKK)),
    (T0 + dt.timedelta(days=2, hours=1), None),
    (None, T0 + dt.timedelta(days=4, hours=6)),
    (None, None),
    (T0 + dt.timedelta(days=3, hours=1), T0 + dt.timedelta(days=3, hours=8)),
    # the same instants given in UTC: Bangkok days still split the window
    (dt.datetime(2003, 5, 7, 20, 15, tzinfo=dt.UTC), dt.datetime(2003, 5, 13, 2, tzinfo=dt.UTC)),
]
PREFIXES = ["", "10", "11", "1001", "1002", "100101", "12"]
FILTERS: list[dict[str, list[str]]] = [
    {},
    {"categories": ["ลักทรัพย์"]},
    {"statuses": ["รอรับเรื่อง", "closed"]},
    {"grades": ["-", "B"]},
    {"categories": ["ยาเสพติด", "อื่นๆ"], "statuses": ["new"], "grades": ["A", "F"]},
]


def _raw(conn: Connection, name: str, params: dict[str, Any]) -> list[Any]:
    return [tuple(r) for r in conn.execute(sql(name), params).all()]


def _selection(area: str, since: Any, until: Any, f: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "prefix": area,
        "since": since,
        "until": until,
        "categories": f.get("categories", []),
        **tipfilter.params(f.get("statuses", ()), f.get("grades", ())),
    }


def test_counts_and_trend_equal_the_raw_statements(tipped: Connection) -> None:
    checked = 0
    for since, until in WINDOWS:
        for area in PREFIXES:
            for f in FILTERS:
                window = {"since": since, "until": until}
                raw_params = _selection(area, since, until, f)
                got = tips.tip_counts(tipped, FIELD, area=area, **window, **f)
                assert got == _raw(tipped, "tip_counts", raw_params), (area, since, until, f)
                trend = tips.tip_trend(tipped, FIELD, area=area, **window, **f)
                assert trend == _raw(tipped, "tip_trend", raw_params), (area, since, until, f)
                checked += bool(got)
            statuses = tips.tip_status_counts(tipped, FIELD, area=area, since=since, until=until)
            raw = _raw(tipped, "tip_status_counts", {"prefix": area, **window})
            assert statuses == raw, (area, since, until)
    assert checked > 100  # most cases hold tips: the comparisons compare something


def test_area_counts_equal_the_raw_statement(tipped: Connection) -> None:
    checked = 0
    for since, until in WINDOWS:
        for level, prefixes in (
            ("province", ["", "1"]),
            ("district", ["", "1", "10", "11", "100", "12"]),
            ("subdistrict", ["", "10", "1001"]),
        ):
            length = {"province": 2, "district": 4, "subdistrict": 6}[level]
            for prefix in prefixes:
                for f in FILTERS:
                    got = areas.area_counts(
                        tipped, FIELD, level=level, prefix=prefix, since=since, until=until, **f
                    )
                    raw = _raw(
                        tipped,
                        "area_counts",
                        {**_selection(prefix, since, until, f), "len": length},
                    )
                    assert got == {c: n for c, n in raw}, (level, prefix, since, until, f)
                    checked += bool(got)
    assert checked > 100


def test_counts_by_hand(tipped: Connection) -> None:
    """A window with partial days at both ends, counted in Python from the fixture."""
    since, until = WINDOWS[0]
    assert since is not None and until is not None
    rows = [r for r in _tips() if since <= r["at"] < until]

    def grade(r: dict[str, Any]) -> str:
        return r["rel"][0] if r["rel"] else "-"

    def under(r: dict[str, Any], prefix: str) -> bool:
        codes = (r["sub"], r["dist"])
        return prefix == "" or any(c is not None and c.startswith(prefix) for c in codes)

    for area in ("", "10", "1001", "1002", "100101"):
        mine = [r for r in rows if under(r, area)]
        got = dict(tips.tip_counts(tipped, FIELD, area=area, since=since, until=until))
        assert got == {c: sum(r["cat"] == c for r in mine) for c in {r["cat"] for r in mine}}
        kept = [r for r in mine if r["status"] == "new" and grade(r) in ("-", "A")]
        got = dict(
            tips.tip_counts(
                tipped, FIELD, area=area, since=since, until=until, statuses=["new"],
                grades=["-", "A"],
            )
        )  # fmt: skip
        assert got == {c: sum(r["cat"] == c for r in kept) for c in {r["cat"] for r in kept}}
        per_day: dict[tuple[dt.date, str], int] = {}
        for r in mine:
            key = (r["at"].astimezone(BKK).date(), r["cat"])
            per_day[key] = per_day.get(key, 0) + 1
        trend = tips.tip_trend(tipped, FIELD, area=area, since=since, until=until)
        assert {(d, c): n for d, c, n in trend} == per_day
    # the tip without codes counts everywhere only; Dusit's district-only tips count in Dusit
    everywhere = sum(n for _, n in tips.tip_counts(tipped, FIELD, since=since, until=until))
    assert everywhere == len(rows)
    districts = areas.area_counts(tipped, FIELD, level="district", prefix="10", since=since, until=until)  # fmt: skip
    assert districts == {
        "1001": sum(r["dist"] == "1001" for r in rows),
        "1002": sum(r["dist"] == "1002" for r in rows),
    }
    provinces = areas.area_counts(tipped, FIELD, level="province", since=since, until=until)
    assert provinces == {
        "10": sum(under(r, "10") for r in rows),
        "11": sum(under(r, "11") for r in rows),
    }


def test_provinces_and_districts_read_the_aggregate(tipped: Connection) -> None:
    """A count changed in tip_area_day behind the triggers' back shows in the answers of the
    whole country, a province and a district (so they read it), never a subdistrict's."""
    since, until = WINDOWS[0]
    window = {"since": since, "until": until}
    areas_before = {
        level: areas.area_counts(tipped, FIELD, level=level, **window)
        for level in ("province", "district", "subdistrict")
    }
    before = {a: tips.tip_counts(tipped, FIELD, area=a, **window) for a in PREFIXES}
    day = dt.date(2003, 5, 9)  # a whole day inside the window
    tipped.execute(
        text("UPDATE tip_area_day SET n = n + 1000 WHERE day = :day AND code IN ('10', '1001')"),
        {"day": day},
    )
    after = {a: tips.tip_counts(tipped, FIELD, area=a, **window) for a in PREFIXES}
    for area in ("", "10", "1001"):
        assert sum(n for _, n in after[area]) >= sum(n for _, n in before[area]) + 1000, area
    for area in ("11", "1002", "100101"):
        assert after[area] == before[area], area
    trend = tips.tip_trend(tipped, FIELD, area="10", **window)
    assert sum(n for d, _, n in trend if d == day) >= 1000
    statuses = tips.tip_status_counts(tipped, FIELD, area="1001", **window)
    assert sum(n for _, n in statuses) >= 1000
    provinces = areas.area_counts(tipped, FIELD, level="province", **window)
    assert provinces["10"] == areas_before["province"]["10"] + 1000 * _keys(tipped, 0, "10", day)
    districts = areas.area_counts(tipped, FIELD, level="district", prefix="10", **window)
    assert districts["1001"] == areas_before["district"]["1001"] + 1000 * _keys(tipped, 1, "1001", day)  # fmt: skip
    assert areas.area_counts(tipped, FIELD, level="subdistrict", **window) == areas_before["subdistrict"]  # fmt: skip


def _keys(conn: Connection, lvl: int, code: str, day: dt.date) -> int:
    return int(
        conn.execute(
            text("SELECT count(*) FROM tip_area_day WHERE lvl = :l AND code = :c AND day = :d"),
            {"l": lvl, "c": code, "d": day},
        ).scalar_one()
    )


# --- the migration's back-fill -----------------------------------------------------------


@pytest.fixture
def scratch_engine(server_admin_url: str) -> Iterator[Engine]:
    with scratch_database(server_admin_url, "sitaware_test_area_day") as eng:
        yield eng


def test_migration_fills_the_table_from_existing_tips(scratch_engine: Engine) -> None:
    migrate.upgrade(scratch_engine, "0011")
    with scratch_engine.begin() as c:
        assert c.execute(text("SELECT to_regclass('tip_area_day')")).scalar_one() is None
        _add(c, _tips())
    migrate.upgrade(scratch_engine, "0012")
    with scratch_engine.begin() as c:
        assert _mismatches(c, KEPT_BEFORE_0016) == 0
        total = c.execute(text("SELECT sum(n) FROM tip_area_day WHERE lvl = 0")).scalar_one()
        assert total == len(_tips())
        with_code = c.execute(text("SELECT sum(n) FROM tip_area_day WHERE lvl = 1")).scalar_one()
        assert with_code == sum(r["sub"] is not None or r["dist"] is not None for r in _tips())
        # and the triggers keep it from there
        c.execute(text(f"DELETE FROM tip WHERE source_id LIKE 'a1%' AND source = '{SOURCE}'"))
        assert _mismatches(c, KEPT_BEFORE_0016) == 0
    migrate.downgrade(scratch_engine, "0011")
    with scratch_engine.begin() as c:
        exists = c.execute(text("SELECT to_regclass('tip_area_day')")).scalar_one()
        assert exists is None
        c.execute(text(f"DELETE FROM tip WHERE source = '{SOURCE}'"))  # no trigger left to fail


def test_inconsistent_codes_are_the_one_known_difference(conn: Connection) -> None:
    """A tip whose subdistrict code is not under its district code counts in tip_area_day
    under its subdistrict's province and district only, where the raw clause matches either
    code. sitaware's writers never store one (codes come from the admin hierarchy,
    ``geocoding.hierarchy``); this pins the difference docs/map.md states."""
    _add(conn, [{"sid": "x", "sub": "110101", "dist": "1001", "at": T0, "cat": "ก",
                 "status": "new", "rel": None}])  # fmt: skip
    day = dt.datetime(2003, 5, 6, tzinfo=BKK)
    window = {"since": day, "until": day + dt.timedelta(days=1)}  # whole days: the aggregate
    assert tips.tip_counts(conn, FIELD, area="11", **window) == [("ก", 1)]
    assert tips.tip_counts(conn, FIELD, area="1101", **window) == [("ก", 1)]
    assert tips.tip_counts(conn, FIELD, area="10", **window) == []
    raw = _raw(conn, "tip_counts", _selection("10", window["since"], window["until"], {}))
    assert raw == [("ก", 1)]
    assert _mismatches(conn) == 0
