"""Measuring the geocoder against truth: real reports whose coordinates are known.

Used by ``bench/geocode.py`` and by the accuracy test. The truth of a report is its point and
the official subdistrict polygon that contains it (OCHA/RTSD boundaries); an answer is in the
right subdistrict when its point lies in that polygon, or its code is the polygon's code.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from etl.geocode.gazetteer import Gazetteer
from etl.geocode.geocoder import GeoResult

TRAFFY = "tips/traffy_bangkok_2023-05-11_12.csv"
THRESHOLDS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95)


def load_truth(shared_data: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The Traffy reports with their truth point (t_lon, t_lat) and subdistrict (t_sub), and
    an index of the official subdistrict polygons."""
    df = pd.read_csv(shared_data / TRAFFY, dtype=str, keep_default_na=False)
    lonlat = df["coords"].str.split(",", expand=True).astype(float)
    df["t_lon"], df["t_lat"] = lonlat[0], lonlat[1]
    path = shared_data / "thailand_admin" / "subdistricts.geojson.gz"
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
    return df, {"tree": tree, "codes": codes}


def metres(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> np.ndarray:
    """Great-circle distance in metres (arrays in degrees)."""
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return np.asarray(2 * 6_371_000 * np.arcsin(np.sqrt(a)))


def score(df: pd.DataFrame, poly: dict[str, Any], results: list[GeoResult]) -> dict[str, Any]:
    """Accuracy over the rows whose truth point lies in an official subdistrict: shares in the
    right province / district / subdistrict, median and p90 error (no answer = infinitely
    far), share answered, and the calibration table (confidence ≥ c → how many, share right)."""
    ok = df["t_sub"].notna().to_numpy()
    lon = np.array([np.nan if r.lon is None else r.lon for r in results], dtype=float)
    lat = np.array([np.nan if r.lat is None else r.lat for r in results], dtype=float)
    t_sub = df["t_sub"].to_numpy()
    has = ~np.isnan(lon)
    in_truth = np.zeros(len(df), dtype=bool)
    pts = shapely.points(np.where(has, lon, 0), np.where(has, lat, 0))
    ip, jp = poly["tree"].query(pts, predicate="within")
    for i, j in zip(ip, jp, strict=True):
        if has[i] and poly["codes"][j] == t_sub[i]:
            in_truth[i] = True
    right_sub = in_truth | np.array(
        [
            r.subdistrict_code is not None and r.subdistrict_code == t
            for r, t in zip(results, t_sub, strict=True)
        ]
    )
    right_dist = np.array(
        [t is not None and r.district_code == t[:4] for r, t in zip(results, t_sub, strict=True)]
    )
    right_prov = np.array(
        [t is not None and r.province_code == t[:2] for r, t in zip(results, t_sub, strict=True)]
    )
    err = metres(lon, lat, df["t_lon"].to_numpy(), df["t_lat"].to_numpy())
    err = np.where(has, err, np.inf)[ok]
    conf = np.array([r.confidence for r in results], dtype=float)
    calibration = []
    for c in THRESHOLDS:
        sel = ok & (conf >= c)
        share = float(right_sub[sel].mean()) if sel.any() else float("nan")
        calibration.append((c, int(sel.sum()), share))
    with_address = ok & (df["address"].str.strip() != "").to_numpy()
    return {
        "n": int(ok.sum()),
        "n_with_address": int(with_address.sum()),
        "province": float(right_prov[ok].mean()),
        "district": float(right_dist[ok].mean()),
        "subdistrict": float(right_sub[ok].mean()),
        "district_with_address": float(right_dist[with_address].mean()),
        "subdistrict_with_address": float(right_sub[with_address].mean()),
        "median_m": float(np.median(err)),
        "p90_m": float(np.percentile(err, 90)),
        "answered": float(has[ok].mean()),
        "calibration": calibration,
    }


def naive(g: Gazetteer, addresses: list[str]) -> list[GeoResult]:
    """The baseline: the longest subdistrict name found as an exact substring of the address,
    answered with that subdistrict's centre; else nothing."""
    names = sorted(
        (
            (a.name_th, a)
            for a in g.areas.values()
            if a.level == "subdistrict" and a.lon is not None
        ),
        key=lambda t: -len(t[0]),
    )
    out = []
    for addr in addresses:
        hit = next((a for name, a in names if name in addr), None)
        if hit is None:
            out.append(GeoResult(None, None, "none", 0.0))
        else:
            out.append(
                GeoResult(
                    hit.lon, hit.lat, "subdistrict", 1.0, hit.code[:2], hit.code[:4], hit.code
                )
            )
    return out
