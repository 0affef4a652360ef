"""Map benchmark: with 1,000,000 tips and 100,000 venues loaded, the heat aggregation behind the
map (all Thailand, Bangkok, Phra Nakhon and 20 random viewports at five zoom levels, each × a
30-day window, the cell size from ``tips.cell_for_bbox``) beside the naive
``ST_SnapToGrid … GROUP BY`` over the table in the same run; venues as points or clusters
(``tips.place_points``) at country, city and street viewports; and nearest-10 venues (and
lodging) through the HTTP layer (``GET /api/v1/nearby?…&tips=0``).

    .venv/bin/python bench/map.py [--repeat 7] [--db-url URL] [--only areas|trigger]

Also: counts, status counts, trend and choropleth through the raw statements beside
``tip_area_day`` (Bangkok and everywhere, 30 and 7 days), and what the triggers cost an insert
of 300,000 tips (with and without tip_area_day's and tip_cell's, rolled back).

Uses database ``sitaware_bench`` (migrated, reference and official boundaries loaded by
bench/geocode.py's set-up). The synthetic rows (source ``bench-map``) are generated once, in
SQL, and kept for the next run. Prints medians and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.geocode import _engine  # noqa: E402
from geodata import areas, tipfilter, tips  # noqa: E402
from geodata.load import compact_counts  # noqa: E402
from geodata.queries import sql  # noqa: E402
from geodata.roles import Viewer  # noqa: E402
from geodata.settings import Settings, get_settings  # noqa: E402

SOURCE = "bench-map"
N_TIPS, N_VENUES = 1_000_000, 100_000


def ensure_rows(eng: Engine) -> None:
    """1M tips (Bangkok-heavy, 90 days) and 100k venues, once."""
    with eng.begin() as c:
        have = c.execute(text("SELECT count(*) FROM tip WHERE source = :s"), {"s": SOURCE}).scalar()
        if have == N_TIPS:
            return
        t0 = time.perf_counter()
        c.execute(text("DELETE FROM tip WHERE source = :s"), {"s": SOURCE})
        c.execute(text("DELETE FROM venue WHERE source = :s"), {"s": SOURCE})
        c.execute(
            text(
                """
                INSERT INTO tip (source, source_id, reported_at, category, geom, geo_precision,
                                 province_code)
                SELECT :s, 'T' || g, now() - random() * interval '90 days',
                       (ARRAY['ยาเสพติด','ลักทรัพย์','ทะเลาะวิวาท','บุคคลต้องสงสัย',
                              'อื่นๆ'])[1 + (g % 5)],
                       ST_SetSRID(CASE WHEN g % 10 < 7
                            THEN ST_MakePoint(100.35 + random() * 0.5, 13.55 + random() * 0.4)
                            ELSE ST_MakePoint(98.5 + random() * 6, 7 + random() * 11)
                       END, 4326), 'point', CASE WHEN g % 10 < 7 THEN '10' END
                FROM generate_series(1, :n) g
                """
            ),
            {"s": SOURCE, "n": N_TIPS},
        )
        c.execute(
            text(
                """
                INSERT INTO venue (source, source_id, name_th, category, sensitivity, geom)
                SELECT :s, 'V' || g, 'สถานที่ ' || g,
                       (ARRAY['school','temple','mosque','mall','hospital','transit'])[1 + (g % 6)],
                       1 + (g % 5),
                       ST_SetSRID(ST_MakePoint(100.35 + random() * 0.5,
                                               13.55 + random() * 0.4), 4326)
                FROM generate_series(1, :n) g
                """
            ),
            {"s": SOURCE, "n": N_VENUES},
        )
        # Subdistrict codes as the ETL would set them (area filters use them)
        c.execute(
            text(
                """
                UPDATE tip t SET subdistrict_code = a.code, district_code = left(a.code, 4),
                                 province_code = left(a.code, 2)
                FROM admin_area a
                WHERE t.source = :s AND a.level = 'subdistrict' AND NOT a.approximate
                  AND a.geom && t.geom AND ST_Intersects(a.geom, t.geom)
                """
            ),
            {"s": SOURCE},
        )
        c.execute(text("ANALYZE tip"))
        c.execute(text("ANALYZE venue"))
        print(
            f"generated {N_TIPS:,} tips and {N_VENUES:,} venues in {time.perf_counter() - t0:.0f} s"
        )


def vacuum(eng: Engine) -> None:
    """Fold the count deltas (as a load does when it commits, migration 0016), then let
    index-only scans skip the heap, as autovacuum does after a load settles."""
    compact_counts(eng)
    with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM (ANALYZE) tip"))
        c.execute(text("VACUUM (ANALYZE) tip_cell_delta"))
        c.execute(text("VACUUM (ANALYZE) tip_area_day_delta"))
        c.execute(text("VACUUM (ANALYZE) tip_cell"))
        c.execute(text("VACUUM (ANALYZE) tip_area_day"))
        c.execute(text("VACUUM (ANALYZE) venue"))


THAILAND = (97.3, 5.6, 105.7, 20.5)
BANGKOK = (100.3, 13.5, 100.95, 13.98)


def _stats(ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(ms):7.1f}  p95 {p95:7.1f}"


def _ms(fn: object, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append((time.perf_counter() - t0) * 1000)
    return out


def heat(eng: Engine, viewer: Viewer, repeat: int) -> None:
    """Heat aggregation for fixed areas and 20 random viewports, beside the naive query."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    with eng.connect() as c:
        naive = _ms(
            lambda: c.execute(
                text(
                    "SELECT ST_SnapToGrid(geom, 0.005) AS cell, count(*) FROM tip "
                    "WHERE reported_at >= :since GROUP BY 1"
                ),
                {"since": since},
            ).all(),
            repeat,
        )
    base = statistics.median(naive)
    print(f"heat aggregation, 30-day window, {repeat} runs each (ms; ratio to naive):")
    print(f"  {'naive ST_SnapToGrid over the table':<44} {_stats(naive)}")
    cases: list[tuple[str, dict[str, object]]] = [
        ("all Thailand (no viewport)", {"cell_deg": tips.cell_for_bbox(None)}),
        ("Thailand viewport", {"bbox": THAILAND, "cell_deg": tips.cell_for_bbox(THAILAND)}),
        ("Bangkok viewport", {"bbox": BANGKOK, "cell_deg": tips.cell_for_bbox(BANGKOK)}),
        ("Bangkok (area 10, raw)", {"area": "10", "cell_deg": 0.005}),
        ("Phra Nakhon (area 1001, raw)", {"area": "1001", "cell_deg": 0.005}),
    ]
    rng = random.Random(7)  # noqa: S311 - synthetic viewports
    for i in range(20):
        span = (4.0, 1.0, 0.4, 0.1, 0.03)[i % 5]
        city = i % 2 == 0  # half over Bangkok (dense), half anywhere in the country
        lon = (100.35 + rng.random() * 0.5) if city else (98.5 + rng.random() * 6)
        lat = (13.55 + rng.random() * 0.4) if city else (7 + rng.random() * 11)
        box = (lon - span / 2, lat - span / 2, lon + span / 2, lat + span / 2)
        cases.append((f"viewport {span}° {'BKK' if city else 'TH '} #{i:02d}", {"bbox": box}))
    medians, viewports = [], []
    for label, case in cases:
        kw = dict(case)
        if "cell_deg" not in kw:
            kw["cell_deg"] = tips.cell_for_bbox(kw["bbox"])  # type: ignore[arg-type]
        ours = _ms(lambda kw=kw: tips.tip_density(eng, viewer, since=since, **kw), repeat)
        medians.append(statistics.median(ours))
        if "area" not in kw:
            viewports.append(medians[-1])
        name = f"{label} @{kw['cell_deg']}°"
        print(f"  {name:<44} {_stats(ours)}  {base / medians[-1]:5.1f}x")
    # the target is per viewport; an area filter (a province's or district's code)
    # counts the tips themselves and is shown apart
    print(
        f"  worst viewport median {max(viewports):.0f} ms (target 150), its ratio to naive "
        f"{base / max(viewports):.1f}x; with an area filter (raw): worst median "
        f"{max(medians):.0f} ms, {base / max(medians):.1f}x"
    )


def _area_cases(
    c: Connection, viewer: Viewer, area: str, since: dt.datetime
) -> list[tuple[str, dict[str, object], Callable[[], object]]]:
    """(raw statement, its parameters, the function) for one area and window start."""
    sel: dict[str, object] = {"prefix": area, "since": since, "until": None, "categories": []}
    sel |= tipfilter.params((), ())
    level, length = ("province", 2) if area == "" else ("district", 4)
    return [
        ("tip_counts", sel, lambda: tips.tip_counts(c, viewer, area=area, since=since)),
        ("tip_trend", sel, lambda: tips.tip_trend(c, viewer, area=area, since=since)),
        (
            "tip_status_counts",
            {"prefix": area, "since": since, "until": None},
            lambda: tips.tip_status_counts(c, viewer, area=area, since=since),
        ),
        (
            "area_counts",
            {**sel, "len": length},
            lambda: areas.area_counts(c, viewer, level=level, prefix=area, since=since),
        ),
    ]


def area_day(eng: Engine, viewer: Viewer, repeat: int) -> None:
    """Counts, status counts, trend and choropleth (provinces of the country, districts of
    Bangkok) for Bangkok and the whole country over 30 and 7 days (the page's rolling windows:
    the start on the hour, the end open), through the raw statements (counting tip) and through
    the functions (tip_area_day plus the partial day), on one connection, alternating; the
    answers are checked equal first."""
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    print(f"area counts: raw statements vs tip_area_day, {repeat} runs each (ms):")
    print(f"  {'':<44} {'raw median':>10} {'agg median':>10} {'ratio':>6}")
    with eng.connect() as c:
        sizes = c.execute(text("SELECT lvl, count(*) FROM tip_area_day GROUP BY 1 ORDER BY 1"))
        print("  tip_area_day rows per level: " + ", ".join(f"{a}: {b:,}" for a, b in sizes))
        for days in (30, 7):
            since = now - dt.timedelta(days=days)
            for area, label in (("10", "Bangkok"), ("", "everywhere")):
                for name, params, fast in _area_cases(c, viewer, area, since):
                    stmt = sql(name)
                    slow = c.execute(stmt, params).all()
                    want = (
                        {r.code: r.n for r in slow}
                        if name == "area_counts"
                        else [tuple(r) for r in slow]
                    )
                    assert fast() == want, f"{name} {label} {days} d: the answers differ"
                    raw_ms: list[float] = []
                    agg_ms: list[float] = []
                    for _ in range(repeat):
                        t0 = time.perf_counter()
                        c.execute(stmt, params).all()
                        t1 = time.perf_counter()
                        fast()
                        raw_ms.append((t1 - t0) * 1000)
                        agg_ms.append((time.perf_counter() - t1) * 1000)
                    r, a = statistics.median(raw_ms), statistics.median(agg_ms)
                    what = f"{name} {label} {days} d"
                    if name == "area_counts":
                        what += " (provinces)" if area == "" else " (districts)"
                    print(f"  {what:<44} {r:10.1f} {a:10.1f} {r / a:5.1f}x")


TRIGGER_ROWS = 300_000


def trigger_cost(eng: Engine, rounds: int = 2) -> None:
    """Seconds to insert 300,000 tips (copies of bench tips with varied statuses and grades) in
    one statement with every trigger (adding to the count tables, or appending deltas while
    another writer holds them), without tip_area_day's, and without it and tip_cell's,
    alternating; each insert is rolled back (and so is the trigger switch)."""
    insert = text(
        """
        INSERT INTO tip (source, source_id, reported_at, category, status, reliability, geom,
                         geo_precision, province_code, district_code, subdistrict_code)
        SELECT 'bench-trigger', 'X' || t.id, t.reported_at, t.category,
               (ARRAY['new', 'รอรับเรื่อง', 'กำลังดำเนินการ', 'เสร็จสิ้น'])[1 + t.id % 4],
               (ARRAY['A1', 'B2', 'C3', 'F6', NULL])[1 + t.id % 5], t.geom, t.geo_precision,
               t.province_code, t.district_code, t.subdistrict_code
        FROM tip t WHERE t.source = :s ORDER BY t.id LIMIT :n
        """
    )
    off = {
        "every trigger": [],
        "every trigger, appending deltas": [],  # another writer holds the count tables
        "without tip_area_day": ["tip_area_day_insert"],
        "without tip_area_day, tip_cell": ["tip_area_day_insert", "tip_cell_insert"],
    }
    times: dict[str, list[float]] = {k: [] for k in off}
    for _ in range(rounds):
        for label, triggers in off.items():
            with eng.connect() as holder, eng.connect() as c, c.begin() as tx:
                if "appending" in label:  # the count tables' lock (migration 0016)
                    holder.begin()
                    holder.execute(text("SELECT tip_counts_compact()"))
                for name in triggers:
                    c.execute(text(f"ALTER TABLE tip DISABLE TRIGGER {name}"))
                t0 = time.perf_counter()
                c.execute(insert, {"s": SOURCE, "n": TRIGGER_ROWS})
                times[label].append(time.perf_counter() - t0)
                tx.rollback()
                holder.rollback()
    print(f"insert {TRIGGER_ROWS:,} tips in one statement ({rounds} rounds, alternating; s):")
    for label, ts in times.items():
        print(f"  {label:<34} {' / '.join(f'{t:.1f}' for t in ts)}")


def places(eng: Engine, viewer: Viewer, repeat: int) -> None:
    """Venues as points or clusters at four zoom levels."""
    print(f"place_points, venues, max_points 2000, {repeat} runs each (ms):")
    for label, box in (
        ("country", THAILAND),
        ("Bangkok", BANGKOK),
        ("city 0.1°", (100.45, 13.70, 100.55, 13.80)),
        ("streets 0.02°", (100.49, 13.74, 100.51, 13.76)),
    ):
        got = tips.place_points(eng, viewer, "venue", bbox=box)
        pts = _ms(lambda box=box: tips.place_points(eng, viewer, "venue", bbox=box), repeat)
        print(
            f"  {label:<16} {_stats(pts)}  total {got['total']:,}: {len(got['points'])} points, "
            f"{len(got['clusters'])} clusters"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--db-url", default=None)
    ap.add_argument(
        "--only", choices=("areas", "trigger"), default=None, help="run one part and stop"
    )
    args = ap.parse_args()
    settings = get_settings()
    eng = _engine(settings, args.db_url)
    ensure_rows(eng)
    vacuum(eng)
    viewer = Viewer.for_role("bench", "field")
    if args.only in (None, "areas"):
        area_day(eng, viewer, args.repeat)
    if args.only == "trigger":
        trigger_cost(eng)
        vacuum(eng)  # the rolled-back inserts leave 1.2M dead rows behind
    if args.only is not None:
        eng.dispose()
        return
    heat(eng, viewer, args.repeat)
    places(eng, viewer, args.repeat)

    from dashboard.app import create_app
    from geodata import accounts

    app = create_app(
        Settings(
            database_url=str(eng.url.render_as_string(hide_password=False)), cookie_secure=False
        ),
        bind=eng,
    )
    client = app.server.test_client()
    name = "bench-map-" + str(random.randint(1000, 9999))  # noqa: S311
    accounts.add_user(eng, name, "field", "bench-map-password-123!")
    token, _ = accounts.create_token(eng, name)
    rng = random.Random(1)  # noqa: S311

    def ask() -> float:
        lon, lat = 100.35 + rng.random() * 0.5, 13.55 + rng.random() * 0.4
        t0 = time.perf_counter()
        resp = client.get(
            f"/api/v1/nearby?lon={lon}&lat={lat}&radius=2000&n=10&tips=0",
            headers={"Authorization": f"Bearer {token}"},
        )
        ms = (time.perf_counter() - t0) * 1000
        assert resp.status_code == 200, resp.data[:200]
        resp.close()
        return ms

    # warm-up, not counted: the app's start-up thread (gazetteer, outline index) is still
    # loading for the first second or two, and the first requests fill the pool and caches
    warm_until, warm = time.perf_counter() + 3.0, []
    while time.perf_counter() < warm_until or len(warm) < 20:
        warm.append(ask())
    times = sorted(ask() for _ in range(200))
    print(
        f"nearest-10 venues via GET /api/v1/nearby (200 requests after {len(warm)} warm-up "
        f"ones, whose median was {statistics.median(warm):.1f} ms): median "
        f"{statistics.median(times):.1f} ms, p95 {times[int(0.95 * len(times)) - 1]:.1f} ms"
    )
    with eng.begin() as c:
        c.execute(text("DELETE FROM app_user WHERE username = :u"), {"u": name})
    # last: its rolled-back inserts leave dead rows that would slow every query above
    trigger_cost(eng)
    vacuum(eng)
    eng.dispose()


if __name__ == "__main__":
    main()
