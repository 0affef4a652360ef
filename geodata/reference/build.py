"""Assemble the admin-area layers from the reference sources (pure: no database).

- District polygons (geoBoundaries) carry English names only; each is given its DOPA code by
  an optimal one-to-one assignment that scores how many of the district's subdistrict
  centroids fall inside the polygon and how alike the English names are.
- Province polygons are the union of their districts, so the hierarchy nests exactly.
- Subdistrict polygons are approximations: Voronoi cells of the subdistrict centroids, clipped
  to their district, and flagged ``approximate`` until official boundaries are imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from geodata.reference.sources import AdminTables, as_multipolygon, points_array


@dataclass
class BuiltAreas:
    """The three levels, ready to load: DataFrames with a ``geom`` (MultiPolygon or None)."""

    provinces: pd.DataFrame
    districts: pd.DataFrame
    subdistricts: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _norm_en(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def assign_district_codes(
    tables: AdminTables, centroids: pd.DataFrame, polygons: pd.DataFrame
) -> tuple[pd.Series, list[str]]:
    """DOPA district code per row of ``polygons`` (index-aligned), and notes on doubtful ones."""
    codes = tables.districts["code"].tolist()
    code_idx = {c: i for i, c in enumerate(codes)}
    n_poly, n_code = len(polygons), len(codes)

    votes = np.zeros((n_poly, n_code))
    pts = points_array(centroids["lon"], centroids["lat"])
    tree = shapely.STRtree(list(polygons["geom"]))
    pt_idx, poly_idx = tree.query(pts, predicate="within")
    for p, g in zip(pt_idx, poly_idx, strict=True):
        district = str(centroids["code"].iat[p])[:4]
        if district in code_idx:
            votes[g, code_idx[district]] += 1
    per_code = np.maximum(votes.sum(axis=0), 1)
    vote_share = votes / per_code  # share of the district's centroids inside this polygon

    name_score = np.zeros((n_poly, n_code))
    gb_names = [_norm_en(n) for n in polygons["name_en"]]
    our_names = [_norm_en(n) for n in tables.districts["name_en"]]
    for i, a in enumerate(gb_names):
        for j, b in enumerate(our_names):
            name_score[i, j] = fuzz.ratio(a, b) / 100.0

    score = 2.0 * vote_share + name_score
    rows, cols = linear_sum_assignment(score, maximize=True)
    assigned = pd.Series(index=polygons.index, dtype=object)
    notes = []
    for r, c in zip(rows, cols, strict=True):
        assigned.iat[r] = codes[c]
        if vote_share[r, c] < 0.5 and name_score[r, c] < 0.8:
            notes.append(
                f"district {codes[c]} ({tables.districts['name_en'].iat[c]}) matched to polygon "
                f"'{polygons['name_en'].iat[r]}' with weak evidence"
            )
    return assigned, notes


def voronoi_subdistricts(
    districts: pd.DataFrame, centroids: pd.DataFrame
) -> dict[str, shapely.MultiPolygon]:
    """Approximate subdistrict polygons: centroid Voronoi cells clipped to their district."""
    out: dict[str, shapely.MultiPolygon] = {}
    by_district = centroids.assign(district=centroids["code"].str[:4]).groupby("district")
    geom_of = dict(zip(districts["code"], districts["geom"], strict=True))
    for district, group in by_district:
        boundary = geom_of.get(str(district))
        if boundary is None:
            continue
        if len(group) == 1:
            cell = as_multipolygon(boundary)
            if cell is not None:
                out[str(group["code"].iat[0])] = cell
            continue
        pts = points_array(group["lon"], group["lat"])
        cells = shapely.get_parts(
            shapely.voronoi_polygons(
                shapely.MultiPoint(list(pts)), extend_to=boundary.envelope.buffer(0.1)
            )
        )
        tree = shapely.STRtree(cells)
        cell_idx = tree.query(pts, predicate="within")
        owner = dict(zip(cell_idx[0], cell_idx[1], strict=True))
        for i, code in enumerate(group["code"]):
            if i not in owner:
                continue
            clipped = as_multipolygon(shapely.intersection(cells[owner[i]], boundary))
            if clipped is not None:
                out[code] = clipped
    return out


def _fill_holes(geom: Any) -> shapely.MultiPolygon | None:
    """Drop interior rings: the simplified districts leave slivers between them, and no Thai
    province encloses another, so every hole in a province union is such a sliver."""
    mp = as_multipolygon(geom)
    if mp is None:
        return None
    return as_multipolygon(shapely.union_all([shapely.Polygon(p.exterior) for p in mp.geoms]))


def build_areas(tables: AdminTables, centroids: pd.DataFrame, polygons: pd.DataFrame) -> BuiltAreas:
    """Provinces, districts and subdistricts with geometries and centroids."""
    codes, notes = assign_district_codes(tables, centroids, polygons)
    geom_by_code = dict(zip(codes, polygons["geom"].map(as_multipolygon), strict=True))

    districts = tables.districts.copy()
    districts["geom"] = districts["code"].map(geom_by_code)

    provinces = tables.provinces.copy()
    union = {
        prov: _fill_holes(shapely.union_all([g for g in grp["geom"] if g is not None]))
        for prov, grp in districts.groupby("parent_code")
    }
    provinces["geom"] = provinces["code"].map(union)

    subs = tables.subdistricts.merge(centroids, on="code", how="left")
    cells = voronoi_subdistricts(districts, centroids)
    subs["geom"] = subs["code"].map(cells)
    missing = int(subs["lon"].isna().sum())
    if missing:
        notes.append(f"{missing} subdistricts have no centroid in thaiaddress (no polygon)")
    return BuiltAreas(provinces, districts, subs, notes)
