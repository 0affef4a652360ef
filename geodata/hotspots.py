"""Tip hotspots: Getis-Ord Gi* on H3 cells, with significance classes.

Tips are counted on a fine grid in PostGIS (never records), the fine cells are summed into H3
cells (resolution 8: about 0.74 km², edge ≈ 460 m), and each cell's Gi* z-score compares the
count of its neighbourhood (the cell and its six neighbours) with the study area's mean. The study
area is every cell within two rings of a cell with tips, so empty streets count as zeros and a
lone tip far from others is not a hotspot. |z| ≥ 1.645, 1.960, 2.576 → 90 %, 95 %, 99 %.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import h3

from geodata.db import Bind
from geodata.roles import Viewer
from geodata.tips import tip_density

RESOLUTION = 8
FINE_DEG = 0.001  # ≈ 110 m: fine enough to sum into 460 m hexagons
CLASSES = ((2.576, 99), (1.960, 95), (1.645, 90))


@dataclass(frozen=True)
class Hotspot:
    """One H3 cell: its tips, its Gi* z-score and significance (99/95/90, negative = cold)."""

    cell: str
    n: int
    z: float
    confidence: int  # 99, 95, 90 for hot; -99, -95, -90 for cold; 0 not significant
    lon: float
    lat: float

    def boundary(self) -> list[list[float]]:
        """The hexagon as a closed GeoJSON ring (lon, lat)."""
        ring = [[lng, lat] for lat, lng in h3.cell_to_boundary(self.cell)]
        return [*ring, ring[0]]


def _class(z: float) -> int:
    for threshold, level in CLASSES:
        if abs(z) >= threshold:
            return level if z > 0 else -level
    return 0


def gi_star(counts: dict[str, int], *, rings: int = 2) -> list[Hotspot]:
    """Gi* for every cell of the study area built around ``counts`` (H3 cell → tips)."""
    if not counts:
        return []
    area: set[str] = set()
    for c in counts:
        area.update(h3.grid_disk(c, rings))
    x = {c: counts.get(c, 0) for c in area}
    n = len(x)
    mean = sum(x.values()) / n
    s = math.sqrt(max(sum(v * v for v in x.values()) / n - mean * mean, 0.0))
    out = []
    for c in area:
        neighbours = [j for j in h3.grid_disk(c, 1) if j in x]
        w = len(neighbours)  # binary weights, the cell itself included
        local = sum(x[j] for j in neighbours)
        denom = s * math.sqrt(max((n * w - w * w) / (n - 1), 0.0)) if n > 1 else 0.0
        z = (local - mean * w) / denom if denom > 0 else 0.0
        lat, lon = h3.cell_to_latlng(c)
        out.append(Hotspot(c, x[c], round(z, 3), _class(z), lon, lat))
    return sorted(out, key=lambda h: -h.z)


# The hexagon size follows the extent, so one computation stays small: the country in
# ≈ 250 km² hexagons (edge 8.5 km), a province in ≈ 36 km² ones (edge 3.2 km), a city in
# 0.74 km² ones (edge 460 m); the grid read is several times finer than the hexagon.
# (extent span in degrees above which it applies, H3 resolution, grid cell read in degrees)
PLANS = ((6.0, 5, 0.05), (1.5, 6, 0.01), (0.3, 8, 0.002), (0.0, 8, FINE_DEG))


def plan(bbox: tuple[float, float, float, float] | None, area: str = "") -> tuple[int, float]:
    """(H3 resolution, grid cell in degrees) for an extent; without one, an area given by its
    code alone is planned as a province, and no area as the whole country."""
    no_extent = 1.0 if area else 99.0
    span = max(bbox[2] - bbox[0], bbox[3] - bbox[1]) if bbox is not None else no_extent
    return next((res, cell) for above, res, cell in PLANS if span > above)


def hotspots(
    bind: Bind,
    viewer: Viewer,
    *,
    area: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    categories: Sequence[str] = (),
    bbox: tuple[float, float, float, float] | None = None,
    resolution: int | None = None,
) -> list[Hotspot]:
    """Gi* hotspots of the tips in ``area`` (a DOPA code prefix) or ``bbox`` (an extent: the
    fast path, read from pre-aggregated cells) in [since, until) of ``categories`` (all when
    empty; tips.aggregate: counts only). Without ``resolution`` the hexagon size follows the
    extent (``plan``): Gi* over a whole country of street-sized cells would take minutes."""
    auto_res, cell = plan(bbox, area)
    res = auto_res if resolution is None else resolution
    counts: dict[str, int] = {}
    cells = tip_density(
        bind,
        viewer,
        area=area,
        since=since,
        until=until,
        categories=categories,
        bbox=bbox,
        cell_deg=cell if resolution is None else FINE_DEG,
    )
    for lon, lat, n in cells:
        c = h3.latlng_to_cell(lat, lon, res)
        counts[c] = counts.get(c, 0) + n
    return gi_star(counts)
