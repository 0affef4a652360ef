"""Tips by status and by the source's reliability grade: the values are checked, every tip query
of the map page honours them (four tips whose answers are obvious), heat falls back from the
pre-aggregated tip_cell to counting the tips and stays exact, the fragment include that writes the
clauses once, and the map page's controls through HTTP."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

import dash
import pytest
from sqlalchemy import Connection, text

from geodata import areas, hotspots, queries, tipfilter, tips
from geodata.areas import AreaError
from geodata.load import compact_counts
from geodata.roles import Viewer
from tests.web import callback_key, login, make_user, post_callback

FIELD = Viewer.for_role("f", "field")
COMMAND = Viewer.for_role("c", "command")
BKK = dt.timezone(dt.timedelta(hours=7))
# A year no other test writes into (and later than now: "tips since" has no upper bound)
T0 = dt.datetime(2099, 6, 10, 9, 0, tzinfo=BKK)
SINCE, UNTIL = dt.datetime(2099, 6, 1, tzinfo=BKK), dt.datetime(2099, 7, 1, tzinfo=BKK)
P = (100.4913, 13.7500)  # the Grand Palace: khet Phra Nakhon (1001), khwaeng 100101
NEAR_P = (100.4900, 13.7490, 100.4930, 13.7510)  # a small viewport around it
WINDOW = {"window": "custom", "start": "2099-06-01", "end": "2099-06-30"}

# sid: (status, reliability, category, metres east of P)
FOUR = {
    "a": ("new", "A1", "ก", 10),
    "b": ("closed", "C3", "ก", 40),
    "c": ("new", None, "ข", 70),
    "d": ("เสร็จสิ้น", "A2", "ข", 100),
}


def add_tip(  # noqa: PLR0917 - one parameter per column the tests vary
    conn: Connection,
    sid: str,
    status: str,
    grade: str | None,
    category: str,
    at: tuple[float, float],
    when: dt.datetime,
    sub: str = "100101",
) -> int:
    values = {"sid": sid, "when": when, "cat": category, "status": status, "grade": grade}
    where = {"lon": at[0], "lat": at[1], "sub": sub, "dist": sub[:4], "prov": sub[:2]}
    return int(
        conn.execute(
            text(
                "INSERT INTO tip (source, source_id, reported_at, category, status, reliability,"
                " geom, geo_precision, subdistrict_code, district_code, province_code)"
                " VALUES ('filter-test', :sid, :when, :cat, :status, :grade,"
                " ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'point', :sub, :dist, :prov)"
                " RETURNING id"
            ),
            values | where,
        ).scalar_one()
    )


@pytest.fixture
def four(conn: Connection) -> dict[int, str]:
    """Four tips in Phra Nakhon beside a school, an hour apart; returns {tip id: sid}."""
    conn.execute(
        text(
            "INSERT INTO venue (source, source_id, name_th, category, sensitivity, geom,"
            " geo_precision, subdistrict_code, district_code, province_code)"
            " VALUES ('filter-test', 'school', 'โรงเรียน', 'school', 4,"
            " ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'point', '100101', '1001', '10')"
        ),
        {"lon": P[0], "lat": P[1]},
    )
    ids = {}
    for i, (sid, (status, grade, cat, metres)) in enumerate(FOUR.items()):
        at = (P[0] + metres / 108_000, P[1])
        ids[add_tip(conn, sid, status, grade, cat, at, T0 + dt.timedelta(hours=i))] = sid
    return ids


# --- the values ------------------------------------------------------------------------------


def test_grades_and_statuses_are_checked() -> None:
    assert tipfilter.params(["new", "เสร็จสิ้น", "new"], ["-", "B", "A"]) == {
        "statuses": ["new", "เสร็จสิ้น"],
        "grades": ["A", "B", "-"],
    }
    assert tipfilter.params([], list("ABCDEF-")) == {"statuses": [], "grades": []}  # all = none
    for grades in (["A1"], ["a"], ["G"], [None], "AB", [""]):
        with pytest.raises(ValueError, match="grade"):
            tipfilter.check_grades(grades)  # type: ignore[arg-type]
    for statuses in ("new", [""], ["x" * 33], ["a\nb"], [3], [str(i) for i in range(21)]):
        with pytest.raises(ValueError, match="status"):
            tipfilter.check_statuses(statuses)  # type: ignore[arg-type]


def test_geodata_refuses_forged_values(conn: Connection) -> None:
    with pytest.raises(ValueError, match="grade"):
        tips.tip_counts(conn, FIELD, grades=["A1"])
    with pytest.raises(ValueError, match="status"):
        tips.tip_density(conn, FIELD, statuses=["x" * 100])
    with pytest.raises(AreaError, match="grade"):
        areas.area_counts(conn, FIELD, level="province", grades=["Z"])
    with pytest.raises(AreaError, match="status"):
        areas.tips_near_venues(conn, FIELD, radius_m=300, statuses="new")  # type: ignore[arg-type]
    # a status is bound, never spliced into the SQL
    assert tips.tip_counts(conn, FIELD, statuses=["'; DROP TABLE tip; --"]) == []
    assert conn.execute(text("SELECT count(*) >= 0 FROM tip")).scalar_one()


# --- every tip query of the map honours them -------------------------------------------------

CASES = [
    ((), (), "abcd"),
    (("new",), (), "ac"),
    ((), ("A",), "ad"),
    ((), ("-",), "c"),
    (("new",), ("A",), "a"),
    ((), ("C", "-"), "bc"),
    (("เสร็จสิ้น", "closed"), (), "bd"),
    (("gone",), (), ""),
    ((), ("F",), ""),
]


@pytest.mark.parametrize(("statuses", "grades", "expected"), CASES)
def test_every_tip_query_keeps_the_statuses_and_grades(
    conn: Connection, four: dict[int, str], statuses: tuple[str, ...], grades: tuple[str, ...],
    expected: str,
) -> None:  # fmt: skip
    n = len(expected)
    kw: dict[str, Any] = {"statuses": statuses, "grades": grades}
    window = {"since": SINCE, "until": UNTIL}
    assert sum(c for _, c in tips.tip_counts(conn, FIELD, area="1001", **window, **kw)) == n
    assert sum(c for _, _, c in tips.tip_trend(conn, FIELD, area="1001", **window, **kw)) == n
    records = tips.tip_records(conn, COMMAND, area="1001", **window, **kw)
    assert sorted(four[r["id"]] for r in records) == list(expected)
    assert all(r["status"] in statuses for r in records) or not statuses
    # heat: by viewport (tip_cell when unfiltered), by area, at a size off the ladder
    for extra in ({"bbox": NEAR_P}, {"area": "1001"}, {"bbox": NEAR_P, "cell_deg": 0.003}):
        cells = tips.tip_density(conn, FIELD, **window, **kw, **extra)
        assert sum(c for _, _, c in cells) == n, extra
    with_cats = tips.tip_density(conn, FIELD, **window, **kw, bbox=NEAR_P, categories=["ก"])
    assert sum(c for _, _, c in with_cats) == sum(FOUR[s][2] == "ก" for s in expected)
    for where in ({"area": "1001"}, {"bbox": NEAR_P}):
        spots = hotspots.hotspots(conn, FIELD, **window, **kw, **where)
        assert sum(h.n for h in spots) == n, where
    counts = areas.area_counts(conn, FIELD, level="district", prefix="10", **window, **kw)
    assert counts.get("1001", 0) == n
    assert areas.area_counts(conn, FIELD, level="province", **window, **kw).get("10", 0) == n
    by_code = areas.area_summary(conn, FIELD, area_code="1001", **window, **kw)
    assert by_code["tips"]["total"] == n
    square = [(100.489, 13.748), (100.493, 13.748), (100.493, 13.752), (100.489, 13.752)]
    drawn = areas.area_summary(conn, FIELD, polygon=square, **window, **kw)
    assert drawn["tips"]["total"] == n
    assert sum(d["n"] for d in drawn["tips"]["by_day"]) == n
    near = areas.tips_near_venues(
        conn, COMMAND, radius_m=300, venue_categories=["school"], **window, **kw
    )
    assert near["total"] == n and sorted(four[r["id"]] for r in near["records"]) == list(expected)
    around = tips.nearby(conn, COMMAND, *P, radius_m=300, since=SINCE, **kw)
    assert around["tips_total"] == n
    assert sorted(four[r["id"]] for r in around["tips"]) == list(expected)


def test_status_counts_are_the_filters_choices(conn: Connection, four: dict[int, str]) -> None:
    got = tips.tip_status_counts(conn, FIELD, area="10", since=SINCE, until=UNTIL)
    assert got[0] == ("new", 2)
    assert dict(got) == {"new": 2, "closed": 1, "เสร็จสิ้น": 1}
    assert tips.tip_status_counts(conn, FIELD, area="50", since=SINCE, until=UNTIL) == []


# --- heat: tip_cell without a filter, the tips themselves with one, both exact ---------------

SEA = (103.0, 7.0)  # a corner of the Gulf no other test writes into
STATUSES = ("new", "closed", "รอรับเรื่อง")
GRADE_OF = ("A1", "B2", "C3", "F6", None)


@pytest.fixture
def scattered(conn: Connection) -> list[tuple[float, float, dt.datetime, str, str | None]]:
    """120 tips over three weeks of the sea corner, with every status and grade."""
    rng = random.Random(11)
    rows = []
    for i in range(120):
        lon, lat = SEA[0] + rng.random() * 0.2, SEA[1] + rng.random() * 0.2
        when = T0 + dt.timedelta(hours=rng.randrange(21 * 24), minutes=rng.randrange(60))
        status, grade = rng.choice(STATUSES), rng.choice(GRADE_OF)
        add_tip(conn, f"s{i}", status, grade, "ก", (lon, lat), when, sub="900101")
        rows.append((lon, lat, when, status, grade))
    return rows


def _heat(conn: Connection, **kw: Any) -> dict[tuple[float, float], int]:
    return {(round(x, 6), round(y, 6)): n for x, y, n in tips.tip_density(conn, FIELD, **kw)}


def _expected(
    rows: list[tuple[float, float, dt.datetime, str, str | None]],
    cell: float,
    since: dt.datetime,
    until: dt.datetime,
    keep: Any,
) -> dict[tuple[float, float], int]:
    """The heat counted by hand: cell centres of the kept tips of [since, until)."""
    c: Counter[tuple[float, float]] = Counter()
    for lon, lat, when, status, grade in rows:
        if since <= when < until and keep(status, grade):
            ix, iy = int(lon // cell), int(lat // cell)
            c[(round((ix + 0.5) * cell, 6), round((iy + 0.5) * cell, 6))] += 1
    return dict(c)


@pytest.mark.parametrize("cell", [0.001, 0.005, 0.05, 0.1])
def test_heat_with_a_filter_is_exact_and_equals_tip_cell_without_one(
    conn: Connection, scattered: list[Any], cell: float
) -> None:
    # a window of partial days at both ends, whole days and whole weeks between
    since, until = T0 + dt.timedelta(days=1, hours=5), T0 + dt.timedelta(days=17, hours=15)
    box = (SEA[0] - 0.01, SEA[1] - 0.01, SEA[0] + 0.21, SEA[1] + 0.21)
    window = {"since": since, "until": until, "bbox": box, "cell_deg": cell}
    unfiltered = _heat(conn, **window)
    assert unfiltered == _expected(scattered, cell, since, until, lambda s, g: True)
    # every status kept: the tips themselves are counted, and the answer is tip_cell's
    assert _heat(conn, **window, statuses=STATUSES) == unfiltered
    assert _heat(conn, **window, grades=["A", "B", "C", "F", "-"]) == unfiltered
    new = _heat(conn, **window, statuses=["new"])
    assert new == _expected(scattered, cell, since, until, lambda s, g: s == "new")
    reliable = _heat(conn, **window, grades=["A", "B"])
    assert reliable == _expected(
        scattered, cell, since, until, lambda s, g: g is not None and g[0] in "AB"
    )
    both = _heat(conn, **window, statuses=["closed", "รอรับเรื่อง"], grades=["-"])
    assert both == _expected(scattered, cell, since, until, lambda s, g: s != "new" and g is None)
    assert sum(new.values()) + sum(_heat(conn, **window, statuses=STATUSES[1:]).values()) == sum(
        unfiltered.values()
    )
    # the filtered heat never reads tip_cell: spoil it, and only the unfiltered heat moves
    assert compact_counts(conn) is not None
    conn.execute(text("UPDATE tip_cell SET n = n + 100 WHERE start >= '2099-01-01'"))
    assert _heat(conn, **window) != unfiltered
    assert _heat(conn, **window, statuses=["new"]) == new


# --- the fragment written once ---------------------------------------------------------------

FILTERED = {
    "area_counts", "area_tips_code", "area_tips_polygon", "tip_counts", "tip_density",
    "tip_density_all", "tip_density_cat", "tip_records", "tip_trend", "tips_near_venues",
    "tips_nearby", "area_counts_days", "tip_counts_days", "tip_trend_days",
}  # fmt: skip
# Statements that read tip_area_day (migration 0012) filter its status and grade columns too
BY_DAY = {"area_counts_days", "tip_counts_days", "tip_trend_days"}


def test_the_fragment_is_included_where_the_map_reads_tips() -> None:
    from importlib import resources

    folder = resources.files("geodata.sql")
    names = {p.name[:-4] for p in folder.iterdir() if p.name.endswith(".sql")}
    names = {n for n in names if not n.startswith("_")}  # statements, not fragments
    including = {n for n in names if "-- @include tip_filter" in queries._read(n)}
    assert including == FILTERED
    for name in FILTERED:
        statement = queries.sql(name).text
        assert "@include" not in statement and "Fragment tip_filter" not in statement
        assert statement.count("CAST(:statuses AS text[])") == (4 if name in BY_DAY else 2)
        assert statement.count("coalesce(left(t.reliability, 1), '-')") == 1
        if name in BY_DAY:
            assert "a.status = ANY(CAST(:statuses AS text[]))" in statement
            assert "a.grade = ANY(CAST(:grades AS text[]))" in statement
    assert "@include" not in queries.sql("tip_density_cells").text  # tip_cell: no status, grade


def test_area_and_window_are_written_once() -> None:
    """The area-by-code and window clauses of the tip lists and counts come from one fragment;
    no statement writes the ``:prefix = ''`` area clause by hand any more."""
    from importlib import resources

    folder = resources.files("geodata.sql")
    names = {p.name[:-4] for p in folder.iterdir() if p.name.endswith(".sql")}
    names = {n for n in names if not n.startswith("_")}
    including = {n for n in names if "-- @include tip_area_window" in queries._read(n)}
    assert including == {"tip_counts", "tip_status_counts", "tip_records", "tip_trend",
                         "tips_near_venues", "tip_counts_days", "tip_status_counts_days",
                         "tip_trend_days"}  # fmt: skip
    for name in names - including:
        assert ":prefix = ''\n" not in queries._read(name), name
    for name in including:
        statement = queries.sql(name).text
        assert statement.count("t.subdistrict_code LIKE :prefix || '%'") == 1
        assert statement.count("t.reported_at >= :since") == 1
        assert statement.count("t.reported_at < :until") == 1


def test_include_expands_a_named_fragment_only() -> None:
    out = queries.expand("SELECT 1 FROM tip t WHERE true\n    -- @include tip_filter\nLIMIT 1")
    assert out.startswith("SELECT 1 FROM tip t WHERE true\n  AND (cardinality(")
    assert out.endswith("ANY(CAST(:grades AS text[])))\nLIMIT 1")
    kept = "SELECT 1 -- @include tip_filter in a comment is not an include"
    assert queries.expand(kept) == kept
    with pytest.raises(FileNotFoundError):
        queries.expand("-- @include no_such_fragment")


# --- the map page through HTTP ----------------------------------------------------------------


def _call(client: Any, app: dash.Dash, marker: str, values: dict[str, Any]) -> Any:
    resp = post_callback(client, app, callback_key(app, marker), values)
    assert resp.status_code == 200, resp.data[:400]
    return resp.get_json()["response"]


@pytest.fixture
def planner(app_on_conn: dash.Dash, conn: Connection) -> Any:
    client = app_on_conn.server.test_client()
    user, password = make_user(conn, "planner")
    assert login(client, user, password).status_code == 303
    return client


def test_status_options_have_counts_labels_and_keep_what_is_chosen(
    app_on_conn: dash.Dash, four: dict[int, str], planner: Any
) -> None:
    query = {"level": "district", "province": "10", **WINDOW, "statuses": ["gone", "new"]}
    out = _call(planner, app_on_conn, "home-statuses.options", {"home-query": query, "lang": "en"})
    options = out["home-statuses"]["options"]
    assert options[0] == {"label": "New (2)", "value": "new"}
    assert {"label": "Finished (1)", "value": "เสร็จสิ้น"} in options
    assert {"label": "Closed (1)", "value": "closed"} in options
    assert options[-1] == {"label": "gone", "value": "gone"}  # chosen, absent: still choosable
    th = _call(planner, app_on_conn, "home-statuses.options", {"home-query": query, "lang": "th"})
    assert {"label": "เสร็จสิ้น (1)", "value": "เสร็จสิ้น"} in th["home-statuses"]["options"]
    # the status filter itself does not narrow its own choices
    narrowed = {**query, "statuses": ["closed"], "grades": ["C"]}
    out = _call(planner, app_on_conn, "home-statuses.options", {"home-query": narrowed})
    assert len(out["home-statuses"]["options"]) == 3


def test_grade_choices_in_both_languages(app_on_conn: dash.Dash, planner: Any) -> None:
    key = next(k for k in app_on_conn.callback_map if "home-grades.options" in k)
    for lang, first, last in (
        ("th", "A – เชื่อถือได้ทั้งหมด", "ยังไม่ได้ประเมิน"),
        ("en", "A – completely reliable", "Not graded"),
    ):
        resp = post_callback(planner, app_on_conn, key, {"lang": lang})
        out = resp.get_json()["response"]
        options = out["home-grades"]["options"]
        assert [o["value"] for o in options] == ["A", "B", "C", "D", "E", "F", "-"]
        assert options[0]["label"] == first and options[-1]["label"] == last
        assert out["home-statuses-label"]["children"] == ("สถานะแจ้งเหตุ" if lang == "th"
                                                          else "Tip status")  # fmt: skip


def test_the_controls_reach_the_store_and_every_list(
    app_on_conn: dash.Dash, four: dict[int, str], planner: Any
) -> None:
    from dashboard.pages.home import query_of

    # the store is written in the browser (tests/test_browser.py checks its keys); the server
    # parses what it holds
    q = query_of({"statuses": ["new"], "grades": ["A", "-"], "window": "custom"})
    assert q.statuses == ("new",) and q.grades == ("A", "-")
    query = {"level": "district", "province": "10", **WINDOW}
    # the tip list: counts and records of the kept tips only
    for kept, n in ((["A"], 2), (["-"], 1), ([], 4)):
        body = str(_call(planner, app_on_conn, "home-tips.children",
                         {"home-query": {**query, "grades": kept},
                          "lang": "en"})["home-tips"])  # fmt: skip
        assert body.count("Grade ") == n, (kept, body)
    # the map: heat and the districts' counts
    fig = _call(planner, app_on_conn, "home-map.figure",
                {"home-query": {**query, "statuses": ["new"], "grades": ["A"]},
                 "lang": "en"})["home-map"]["figure"]  # fmt: skip
    heat = [tr for tr in fig["data"] if tr["type"] == "densitymap"]
    assert len(heat) == 1 and sum(heat[0]["z"]) == 1
    admin = [tr for tr in fig["data"] if tr["type"] == "choroplethmap" and "z" in tr]
    z = {loc: v for tr in admin for loc, v in zip(tr["locations"], tr["z"], strict=True)}
    assert z["1001"] == 1 and sum(z.values()) == 1
    # the selected area's summary
    area = str(_call(planner, app_on_conn, "home-area.children",
                     {"home-area-sel": {"code": "1001"}, "lang": "en",
                      "home-query": {**query, "statuses": ["closed"]}})["home-area"])  # fmt: skip
    assert "'ก'" in area and "'ข'" not in area  # tips by category: b only


def test_forged_store_values_are_dropped(
    app_on_conn: dash.Dash, four: dict[int, str], planner: Any
) -> None:
    query = {"level": "district", "province": "10", **WINDOW}
    forged = {**query, "statuses": "new", "grades": ["A1", "Z", {"x": 1}, None]}
    body = str(_call(planner, app_on_conn, "home-tips.children",
                     {"home-query": forged, "lang": "en"})["home-tips"])  # fmt: skip
    assert body.count("Grade ") == 4  # nothing usable: every tip


def test_tip_cards_show_statuses_in_the_language(
    app_on_conn: dash.Dash, four: dict[int, str], planner: Any
) -> None:
    query = {"level": "district", "province": "10", **WINDOW}
    english = str(_call(planner, app_on_conn, "home-tips.children",
                        {"home-query": query, "lang": "en"})["home-tips"])  # fmt: skip
    assert "Status Finished" in english and "Status New" in english
    assert "เสร็จสิ้น" not in english
    assert "Status Closed" in english
    thai = str(_call(planner, app_on_conn, "home-tips.children",
                     {"home-query": query, "lang": "th"})["home-tips"])  # fmt: skip
    assert "เสร็จสิ้น" in thai
