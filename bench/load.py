"""Load benchmark: tips that carry coordinates, end to end (read → validate → reverse-geocode →
COPY → upsert → the map counts folded), beside a per-row INSERT baseline on a sample, in the
same run; then a re-load of the unchanged file. Two reference figures bound what any loader can
do on this machine: a bare COPY of the file into a table without index or trigger, and the
server alone writing the loaded rows again (INSERT … SELECT into tip, rolled back).

    .venv/bin/python bench/load.py [--rows 1000000] [--baseline-rows 5000] [--db-url URL]
                                   [--without tip_cell|tip_area_day …]

Uses database ``sitaware_bench`` on the project-local cluster (migrated, reference loaded).
Each run loads into a fresh source code, so the table's other rows stay as they are. Prints
rows/s and the ratios; the machine is noisy, so compare ratios from one run.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.geocode import _engine  # noqa: E402
from etl import pipeline  # noqa: E402
from etl.geocode.geocoder import Geocoder  # noqa: E402
from geodata.load import COMMON, TABLES, compact_counts  # noqa: E402
from geodata.settings import Settings, get_settings  # noqa: E402

CATEGORIES = ("ยาเสพติด", "ลักทรัพย์", "ทะเลาะวิวาท", "บุคคลต้องสงสัย", "การพนัน")


def write_tips(path: Path, n: int, seed: int = 1) -> None:
    """``n`` tips with coordinates in Bangkok, ISO times, a category and a short text."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "reported_at", "category", "text", "lat", "lon", "reliability"])
        for i in range(n):
            w.writerow(
                [
                    f"B{i:08d}",
                    f"2026-{rng.randint(8, 11):02d}-{rng.randint(1, 28):02d}T"
                    f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+07:00",
                    rng.choice(CATEGORIES),
                    f"แจ้งเหตุหมายเลข {i}",
                    f"{rng.uniform(13.65, 13.90):.6f}",
                    f"{rng.uniform(100.40, 100.75):.6f}",
                    rng.choice(["A1", "B2", "C3", ""]),
                ]
            )


def per_row_baseline(eng: Engine, path: Path, n: int, source: str) -> float:
    """rows/s of the naive way: read the CSV, one INSERT (with reverse geocoding) per row."""
    with path.open(encoding="utf-8") as f:
        rows = [r for _, r in zip(range(n), csv.DictReader(f), strict=False)]
    t0 = time.perf_counter()
    with eng.begin() as conn:
        for r in rows:
            conn.execute(
                text(
                    """
                    INSERT INTO tip (source, source_id, reported_at, category, text, reliability,
                                     geom, geo_precision, geo_confidence, subdistrict_code,
                                     district_code, province_code)
                    SELECT :source, :id, CAST(:at AS timestamptz), :cat, :text, NULLIF(:rel, ''),
                           p.g, 'point', 0.99, a.code, left(a.code, 4), left(a.code, 2)
                    FROM (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g) p
                    LEFT JOIN LATERAL (SELECT code FROM admin_area WHERE level = 'subdistrict'
                                       AND ST_Intersects(geom, p.g) LIMIT 1) a ON true
                    ON CONFLICT (source, source_id) DO NOTHING
                    """
                ),
                {
                    "source": source,
                    "id": r["id"],
                    "at": r["reported_at"],
                    "cat": r["category"],
                    "text": r["text"],
                    "rel": r["reliability"],
                    "lon": float(r["lon"]),
                    "lat": float(r["lat"]),
                },
            )
    return len(rows) / (time.perf_counter() - t0)


def bare_copy(eng: Engine, path: Path) -> tuple[int, float]:
    """(rows, seconds) of a bare COPY of the file into a temporary table with no index and no
    trigger: the reference the issue gives (~200k rows/s), with nothing a load must do."""
    raw = eng.raw_connection()
    try:
        pg = raw.driver_connection
        assert pg is not None
        with pg.cursor() as cur:
            cur.execute(
                "CREATE TEMP TABLE bare (id text, reported_at timestamptz, category text, "
                "text text, lat float8, lon float8, reliability text)"
            )
            t0 = time.perf_counter()
            with cur.copy("COPY bare FROM STDIN WITH (FORMAT csv, HEADER true)") as copy, \
                    path.open("rb") as f:  # fmt: skip
                while data := f.read(1 << 20):
                    copy.write(data)
            seconds = time.perf_counter() - t0
            cur.execute("SELECT count(*) FROM bare")
            row = cur.fetchone()
        pg.rollback()
    finally:
        raw.close()
    return int(row[0]) if row else 0, seconds


# What a load writes into tip besides its key (geodata.load's columns, the point as geom)
TIP_COLUMNS = ", ".join(
    [
        *(
            c
            for c, _ in COMMON + TABLES["tips"][1]
            if c not in ("source", "source_id", "lon", "lat")
        ),
        "geom",
        "row_hash",
    ]
)


def server_floor(eng: Engine, source: str) -> tuple[int, float, float]:
    """(rows, seconds to insert, seconds to fold the map counts) of the server alone writing
    the rows of ``source`` again under new ids: one INSERT … SELECT into tip with its indexes
    and triggers, then the compaction, rolled back. No loader can be faster on this machine."""
    with eng.connect() as c:
        tx = c.begin()
        t0 = time.perf_counter()
        n = c.execute(
            text(
                f"INSERT INTO tip (source, source_id, {TIP_COLUMNS}) "  # noqa: S608 - constants
                f"SELECT source || '-floor', source_id, {TIP_COLUMNS} FROM tip WHERE source = :s"
            ),
            {"s": source},
        ).rowcount
        t1 = time.perf_counter()
        c.execute(text("SELECT tip_counts_compact()"))
        t2 = time.perf_counter()
        tx.rollback()
    return int(n or 0), t1 - t0, t2 - t1


# Pre-aggregated tables kept by triggers on tip (migrations 0010, 0012)
AGGREGATES = ("tip_cell", "tip_area_day")


def _switch(eng: Engine, aggregates: list[str], *, enable: bool) -> None:
    """Enable or disable the row-event triggers of ``aggregates`` (names from AGGREGATES). The
    bench's rows are inserted and deleted with the same setting, so the tables stay right."""
    with eng.begin() as conn:
        for name in aggregates:
            assert name in AGGREGATES
            for event in ("insert", "update", "delete"):
                verb = "ENABLE" if enable else "DISABLE"
                conn.execute(text(f"ALTER TABLE tip {verb} TRIGGER {name}_{event}"))
    if aggregates and not enable:
        print(f"triggers of {', '.join(aggregates)} disabled for this run")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--baseline-rows", type=int, default=5_000)
    ap.add_argument("--db-url", default=None)
    ap.add_argument(
        "--without",
        action="append",
        choices=AGGREGATES,
        default=[],
        help="run with this aggregate's triggers disabled (its cost: compare with a run "
        "without the option); only on a database nobody else writes to meanwhile",
    )
    args = ap.parse_args()
    settings = get_settings()
    eng = _engine(settings, args.db_url)
    try:
        _switch(eng, args.without, enable=False)
        run_load(eng, settings, args)
    finally:
        _switch(eng, args.without, enable=True)
        eng.dispose()


def run_load(eng: Engine, settings: Settings, args: argparse.Namespace) -> None:
    """The baseline, a first load and an unchanged re-load; the rows are deleted afterwards."""
    folder = settings.state_dir / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"tips_{args.rows}.csv"
    if not path.exists():
        t0 = time.perf_counter()
        write_tips(path, args.rows)
        print(
            f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s"
        )
    run = f"bench-{int(time.time())}"
    baseline = per_row_baseline(eng, path, args.baseline_rows, f"{run}-rows")
    print(f"per-row INSERT baseline ({args.baseline_rows:,} rows): {baseline:,.0f} rows/s")
    geocoder = Geocoder.load(eng, settings)

    def load() -> tuple[float, pipeline.BatchReport]:
        t0 = time.perf_counter()
        r = pipeline.run(eng, geocoder, settings, "tips", path, source=run)
        return time.perf_counter() - t0, r

    first_s, first = load()
    folded = first.compact_s or 0.0
    print(
        f"first load: {args.rows:,} rows in {first_s:.1f} s = {args.rows / first_s:,.0f} rows/s "
        f"(inserted {first.inserted:,}, quarantined {first.quarantined:,}); "
        f"{args.rows / first_s / baseline:.1f}x the per-row baseline\n"
        f"  of which the map counts' compaction after the commit: {folded:.1f} s; committed "
        f"(visible) after {first_s - folded:.1f} s = {args.rows / (first_s - folded):,.0f} rows/s"
    )
    n, insert_s, fold_s = server_floor(eng, run)
    print(
        f"server floor, the same {n:,} rows written again by one INSERT … SELECT (rolled back): "
        f"{insert_s:.1f} s + compaction {fold_s:.1f} s = {n / (insert_s + fold_s):,.0f} rows/s "
        f"({n / (insert_s + fold_s) / baseline:.1f}x the per-row baseline)"
    )
    n, copy_s = bare_copy(eng, path)
    print(f"bare COPY of the file, no index or trigger: {n / copy_s:,.0f} rows/s")
    again_s, again = load()
    print(
        f"re-load, unchanged: {again_s:.1f} s = {args.rows / again_s:,.0f} rows/s "
        f"(unchanged {again.unchanged:,}); {first_s / again_s:.2f}x faster than the first load"
    )
    with eng.begin() as conn:  # leave the bench database as it was
        conn.execute(text("DELETE FROM tip WHERE source LIKE :p"), {"p": f"{run}%"})
    compact_counts(eng)  # and the map counts folded


if __name__ == "__main__":
    main()
