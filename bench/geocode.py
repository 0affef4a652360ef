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
import gzip
import json
import math
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.geocode.gazetteer import Gazetteer  # noqa: E402
from etl.geocode.geocoder import Geocoder  # noqa: E402
from geodata import localdb, migrate  # noqa: E402
from geodata.admin_import import import_admin  # noqa: E402
from geodata.db import make_engine  # noqa: E402
from geodata.geocoding import cache_clear  # noqa: E402
from geodata.reference import load, packages  # noqa: E402
from geodata.settings import Settings, get_settings, normalise_url  # noqa: E402

TRAFFY = "tips/traffy_bangkok_2023-05-11_12.csv"
BENCH_DB = "sitaware_bench"
THRESHOLDS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95)


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


def _truth(settings: Settings) -> tuple[pd.DataFrame, dict[str, Any]]:
    df = pd.read_csv(settings.shared_data_dir / TRAFFY, dtype=str, keep_default_na=False)
    lonlat = df["coords"].str.split(",", expand=True).astype(float)
    df["t_lon"], df["t_lat"] = lonlat[0], lonlat[1]
    path = settings.shared_data_dir / "thailand_admin" / "subdistricts.geojson.gz"
    feats = json.loads(gzip.decompress(path.read_bytes()))["features"]
    geoms = [shapely.geometry.shape(f["geometry"]) for f in feats]
    codes = [f["properties"]["ADM3_PCODE"][2:] for f in feats]
    tree = shapely.STRtree(geoms)
    pts = shapely.points(df["t_lon"].to_numpy(), df["t_lat"].to_numpy())
    idx_pt, idx_poly = tree.query(pts, predicate="within")
    truth = pd.Series([None] * len(df), dtype=object)
    for i, j in zip(idx_pt, idx_poly, strict=True):
        truth.iat[i] = codes[j]
    df["t_sub"] = truth
    return df, {"tree": tree, "geoms": geoms, "codes": codes}


def _metres(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * np.arcsin(np.sqrt(a))


def score(df: pd.DataFrame, poly: dict[str, Any], lon: list[Any], lat: list[Any],
          sub: list[Any], dist: list[Any], prov: list[Any], conf: list[float]) -> dict[str, Any]:
    """Accuracy figures over rows whose truth point lies in an official subdistrict."""
    ok = df["t_sub"].notna().to_numpy()
    n = int(ok.sum())
    lon_a = np.array([np.nan if v is None else v for v in lon], dtype=float)
    lat_a = np.array([np.nan if v is None else v for v in lat], dtype=float)
    t_sub = df["t_sub"].to_numpy()
    # The answer is in the right subdistrict when its point lies in the truth polygon (codes
    # changed since 2019 — แขวงบางนาใต้ is part of 2019's บางนา — are judged by place).
    in_truth = np.zeros(len(df), dtype=bool)
    has = ~np.isnan(lon_a)
    pts = shapely.points(np.where(has, lon_a, 0), np.where(has, lat_a, 0))
    ip, jp = poly["tree"].query(pts, predicate="within")
    for i, j in zip(ip, jp, strict=True):
        if has[i] and poly["codes"][j] == t_sub[i]:
            in_truth[i] = True
    right_sub = in_truth | np.array([s is not None and s == t for s, t in zip(sub, t_sub, strict=True)])
    right_dist = np.array([d is not None and t is not None and d == t[:4] for d, t in zip(dist, t_sub, strict=True)])
    right_prov = np.array([p is not None and t is not None and p == t[:2] for p, t in zip(prov, t_sub, strict=True)])
    err = _metres(lon_a, lat_a, df["t_lon"].to_numpy(), df["t_lat"].to_numpy())
    err = np.where(has, err, np.inf)[ok]
    conf_a = np.array(conf, dtype=float)
    calib = []
    for c in THRESHOLDS:
        sel = ok & (conf_a >= c)
        calib.append((c, int(sel.sum()), float(right_sub[sel].mean()) if sel.any() else float("nan")))
    return {
        "n": n,
        "province": float(right_prov[ok].mean()),
        "district": float(right_dist[ok].mean()),
        "subdistrict": float(right_sub[ok].mean()),
        "median_m": float(np.median(err)),
        "p90_m": float(np.percentile(err, 90)),
        "answered": float(has[ok].mean()),
        "calibration": calib,
    }


def naive(g: Gazetteer, addresses: list[str]) -> list[tuple[Any, ...]]:
    """Baseline: the longest subdistrict name found as an exact substring, else nothing."""
    names = sorted(
        ((a.name_th, a) for a in g.areas.values() if a.level == "subdistrict" and a.lon is not None),
        key=lambda t: -len(t[0]),
    )
    out = []
    for addr in addresses:
        hit = next((a for name, a in names if name in addr), None)
        if hit is None:
            out.append((None, None, None, None, None, 0.0))
        else:
            out.append((hit.lon, hit.lat, hit.code, hit.code[:4], hit.code[:2], 1.0))
    return out


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db-url", default=None)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    settings = get_settings()
    if not (settings.shared_data_dir / TRAFFY).exists():
        sys.exit(f"shared data not found: {settings.shared_data_dir / TRAFFY}")
    eng = _engine(settings, args.db_url)
    df, poly = _truth(settings)
    addresses = df["address"].tolist()
    print(f"Traffy rows: {len(df)}, with a truth subdistrict: {int(df['t_sub'].notna().sum())}")

    t0 = time.perf_counter()
    geocoder = Geocoder.load(eng, settings)
    load_s = time.perf_counter() - t0
    print(f"gazetteer load: {load_s:.2f} s ({len(geocoder.g.areas)} areas, {len(geocoder.g.places)} places)")

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

    ours = score(
        df, poly, [r.lon for r in results], [r.lat for r in results],
        [r.subdistrict_code for r in results], [r.district_code for r in results],
        [r.province_code for r in results], [r.confidence for r in results],
    )
    baseline = score(df, poly, *[list(col) for col in zip(*base, strict=True)])
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
    print(f"speed, one core, median of {args.repeat} runs of {n} addresses:")
    print(f"  cold cache (cache cleared; lookups, reverse geocoding, cache writes): {rate['cold']:,.0f} addr/s")
    print(f"  warm cache (every answer cached):                                   {rate['warm']:,.0f} addr/s")
    print(f"  in memory (no database):                                            {rate['memory']:,.0f} addr/s")
    print(f"  naive substring baseline:                                           {rate['naive']:,.0f} addr/s")
    print(f"  ratio cold / naive: {rate['cold'] / rate['naive']:.2f}×   in-memory / naive: {rate['memory'] / rate['naive']:.2f}×")
    precision = pd.Series([r.precision for r in results]).value_counts().to_dict()
    print(f"precision of answers: {precision}")
    if args.json:
        args.json.write_text(json.dumps({"ours": ours, "naive": baseline, "rate": rate,
                                         "load_s": load_s}, default=float, indent=2))
    eng.dispose()
    if math.isnan(ours["subdistrict"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
