"""Geocoder benchmark on real Bangkok citizen reports (Traffy Fondue, 1,000 rows).

Geocodes the ``address`` column alone (``coords`` hidden), then compares with the truth: the
``coords`` point and the official subdistrict polygon (OCHA/RTSD 2019) that contains it. Prints
the share of rows in the right province / district / subdistrict, median and p90 error, the
calibration table, and addresses per second on a cold and a warm cache, beside a naive baseline
in the same run (exact substring match of subdistrict names → that subdistrict's centre).

    .venv/bin/python bench/geocode.py [--db-url URL] [--repeat 5] [--json out.json]

By default it uses database ``sitaware_bench`` on the project-local cluster, migrated, with
the reference data and the official boundaries from ../shared/data/thailand_admin imported
(what an operator does for a deployment). Speed is measured on one core (the geocoder runs in
this one process); the machine is noisy, so timings are medians of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.geocode.evaluate import TRAFFY, load_truth, naive, score  # noqa: E402
from etl.geocode.geocoder import Geocoder  # noqa: E402
from geodata import localdb, migrate  # noqa: E402
from geodata.admin_import import import_admin  # noqa: E402
from geodata.db import make_engine  # noqa: E402
from geodata.geocoding import cache_clear  # noqa: E402
from geodata.reference import load, packages  # noqa: E402
from geodata.settings import Settings, get_settings, normalise_url  # noqa: E402

BENCH_DB = "sitaware_bench"


def _engine(settings: Settings, url: str | None) -> Engine:
    if url is None:
        localdb.up(settings)
        admin = localdb.local_url(settings, "postgres")
        localdb.ensure_database(admin, BENCH_DB)
        url = admin.rsplit("/", 1)[0] + "/" + BENCH_DB
    eng = make_engine(normalise_url(url))
    migrate.upgrade(eng)
    packages.fetch(settings, echo=False)
    load.load_reference(eng, settings)
    with eng.connect() as c:
        official = c.execute(
            text("SELECT count(*) FROM admin_area WHERE level='subdistrict' AND NOT approximate")
        ).scalar_one()
    if official < 7000:
        for level in ("province", "district", "subdistrict"):
            path = settings.shared_data_dir / "thailand_admin" / f"{level}s.geojson.gz"
            print(import_admin(eng, path, level).summary())
    return eng


def _timed(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def _print_scores(label: str, s: dict[str, Any]) -> None:
    print(
        f"{label:<22} n={s['n']}  province {s['province']:.1%}  district {s['district']:.1%}  "
        f"subdistrict {s['subdistrict']:.1%}  median {s['median_m']:,.0f} m  "
        f"p90 {s['p90_m']:,.0f} m  answered {s['answered']:.1%}"
    )
    print(
        f"{'':<22} rows with a non-empty address (n={s['n_with_address']}): district "
        f"{s['district_with_address']:.1%}  subdistrict {s['subdistrict_with_address']:.1%}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--db-url", default=None)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    settings = get_settings()
    if not (settings.shared_data_dir / TRAFFY).exists():
        sys.exit(f"shared data not found: {settings.shared_data_dir / TRAFFY}")
    eng = _engine(settings, args.db_url)
    df, poly = load_truth(settings.shared_data_dir)
    addresses = df["address"].tolist()
    print(f"Traffy rows: {len(df)}, with a truth subdistrict: {int(df['t_sub'].notna().sum())}")

    t0 = time.perf_counter()
    geocoder = Geocoder.load(eng, settings)
    load_s = time.perf_counter() - t0
    g = geocoder.g
    print(f"gazetteer load: {load_s:.2f} s ({len(g.areas)} areas, {len(g.places)} places)")

    cold_times = []
    for _ in range(args.repeat):
        cache_clear(eng, keep_reviewed=False)  # not timed: the cache starts empty
        t0 = time.perf_counter()
        results = geocoder.batch("address", addresses)
        cold_times.append(time.perf_counter() - t0)
    cold_s = statistics.median(cold_times)
    warm_s, _ = _timed(lambda: geocoder.batch("address", addresses), args.repeat)
    memory = Geocoder(geocoder.g, None)
    mem_s, _ = _timed(lambda: [memory.geocode_address(a) for a in addresses], args.repeat)
    base_s, base = _timed(lambda: naive(geocoder.g, addresses), args.repeat)

    ours = score(df, poly, results)
    baseline = score(df, poly, base)
    print()
    _print_scores("sitaware geocoder", ours)
    _print_scores("naive substring", baseline)
    print()
    print("calibration (answers with confidence ≥ c: how many, share in the right subdistrict)")
    for c, n, share in ours["calibration"]:
        print(f"  c ≥ {c:.2f}: {n:5d}  {share:.1%}")
    print()
    n = len(addresses)
    rate = {"cold": n / cold_s, "warm": n / warm_s, "memory": n / mem_s, "naive": n / base_s}
    print(f"speed, one core, median of {args.repeat} runs of {n} addresses (addresses/s):")
    labels = {
        "cold": "cold cache (cache emptied first; lookups, reverse geocoding, writes)",
        "warm": "warm cache (every answer cached)",
        "memory": "in memory (no database)",
        "naive": "naive substring baseline",
    }
    for k, label in labels.items():
        print(f"  {label:<72} {rate[k]:>8,.0f}")
    print(
        f"  ratio cold / naive: {rate['cold'] / rate['naive']:.2f}x   "
        f"in memory / naive: {rate['memory'] / rate['naive']:.2f}x"
    )
    precision = pd.Series([r.precision for r in results]).value_counts().to_dict()
    print(f"precision of answers: {precision}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"ours": ours, "naive": baseline, "rate": rate, "load_s": load_s},
                default=float,
                indent=2,
            )
        )
    eng.dispose()
    if math.isnan(ours["subdistrict"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
