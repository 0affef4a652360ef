"""Tip hotspots: Getis-Ord Gi* on H3 cells, with significance classes.

Tips are counted on a fine grid in PostGIS (never records), the fine cells are summed into H3
cells (resolution 5–8 by the extent, ``plan``: 250 km² to 0.74 km²), and each cell's Gi*
z-score compares the count of its neighbourhood (the cell and its six neighbours) with the
study area's mean. The study area is every cell within two rings of a cell with tips, so empty
streets count as zeros and a lone tip far from others is not a hotspot.
|z| ≥ 1.645, 1.960, 2.576 → 90 %, 95 %, 99 %.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat

import h3
import h3.api.basic_int as h3i
import numpy as np

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
    around: int = 0  # tips in the cell and its neighbours (what the z-score weighs)

    @property
    def km2(self) -> float:
        """The average area of a hexagon of this cell's resolution, km²."""
        return float(h3.average_hexagon_area(h3.get_resolution(self.cell), unit="km^2"))

    def boundary(self) -> tuple[tuple[float, float], ...]:
        """The hexagon as a closed GeoJSON ring of (lon, lat) pairs, to 5 decimals (~1 m)."""
        return _boundary(self.cell)


@lru_cache(maxsize=1 << 15)
def _boundary(cell: str) -> tuple[tuple[float, float], ...]:
    """A cell's closed ring; the same cells come back answer after answer, and a map draws
    hundreds of them."""
    ring = [(round(lng, 5), round(lat, 5)) for lat, lng in h3.cell_to_boundary(cell)]
    return (*ring, ring[0])


def _class(z: float) -> int:
    for threshold, level in CLASSES:
        if abs(z) >= threshold:
            return level if z > 0 else -level
    return 0


@lru_cache(maxsize=1 << 17)
def _disk(cell: int, rings: int) -> tuple[int, ...]:
    """The cells within ``rings`` of ``cell`` (itself included), as H3 integers. The same cells
    come back query after query (a province's grid does not move); the integer API spares the
    string conversions that cost more than the H3 call itself."""
    return tuple(h3i.grid_disk(cell, rings))


@lru_cache(maxsize=1 << 17)
def _centre(cell: int) -> tuple[float, float]:
    lat, lon = h3i.cell_to_latlng(cell)
    return lon, lat


def _as_int(cell: str | int) -> int:
    return cell if isinstance(cell, int) else h3i.str_to_int(cell)


def gi_star(
    counts: Mapping[str, int] | Mapping[int, int], *, rings: int = 2, hot_only: bool = False
) -> list[Hotspot]:
    """Gi* for every cell of the study area built around ``counts`` (H3 cell → tips), the
    strongest first (ties by cell); with ``hot_only`` only the significant hot cells (what the
    map and the ranked list show: building the rest costs more than the statistics).

    With x the counts of the n cells of the study area, mean x̄ and standard deviation s, a
    cell whose neighbourhood (itself and its neighbours in the area, binary weights, w cells)
    holds L tips has z = (L − x̄·w) / (s·√((n·w − w²)/(n − 1)))."""
    if not counts:
        return []
    given = {_as_int(c): n for c, n in counts.items()}
    grid = _grid_ij(given, rings) or _grid_disks(given, rings)
    cells, x, w, local = grid
    n = len(cells)
    mean = float(x.mean())
    s = math.sqrt(max(float((x * x).mean()) - mean * mean, 0.0))
    denom = s * np.sqrt(np.maximum((n * w - w * w) / (n - 1), 0.0)) if n > 1 else np.zeros(n)
    z = np.round((local - mean * w) / np.where(denom > 0, denom, 1.0), 3)
    z[denom <= 0] = 0.0
    order = np.lexsort((cells, -z))  # z descending, then the cell: the same order every time
    if hot_only:
        order = order[z[order] >= CLASSES[-1][0]]
    out = []
    for i in order.tolist():
        c, zi = int(cells[i]), float(z[i])
        lon, lat = _centre(c)
        out.append(Hotspot(h3i.int_to_str(c), int(x[i]), zi, _class(zi), lon, lat, int(local[i])))
    return out


Grid = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # cells, x, w, neighbourhood sums

# A cell and its six neighbours in H3's local IJ coordinates (axial: the hexagon distance of
# (a, b) is max(|a|, |b|, |a − b|)).
_RING1 = np.array([(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1)], dtype=np.int64)


@lru_cache(maxsize=8)
def _ring_offsets(rings: int) -> np.ndarray:
    r = np.arange(-rings, rings + 1, dtype=np.int64)
    a, b = (m.ravel() for m in np.meshgrid(r, r, indexing="ij"))
    keep = np.maximum(np.maximum(np.abs(a), np.abs(b)), np.abs(a - b)) <= rings
    return np.stack([a[keep], b[keep]], axis=1)


def _grid_ij(given: dict[int, int], rings: int) -> Grid | None:
    """The study area and every cell's neighbourhood by arithmetic on H3's local IJ
    coordinates around one of the cells: one H3 call per cell with tips and one per cell of
    the area, instead of a ring lookup per cell (cold lookups were most of a province's Gi*).
    None where IJ coordinates do not describe the grid (far apart, or near one of H3's
    pentagons): the caller then asks H3 for the rings (``_grid_disks``)."""
    keys = np.fromiter(given, dtype=np.int64, count=len(given))
    origin = int(keys[0])
    try:
        ij = np.array([h3i.cell_to_local_ij(origin, int(c)) for c in keys], dtype=np.int64)
        ij = ij.reshape(-1, 2)
        # the IJ neighbours are H3's own, here and at the corners of the extent
        probes = {0, int(ij[:, 0].argmin()), int(ij[:, 0].argmax()), int(ij[:, 1].argmin()),
                  int(ij[:, 1].argmax())}  # fmt: skip
        for p in probes:
            want = {tuple(h3i.cell_to_local_ij(origin, c)) for c in h3i.grid_disk(int(keys[p]), 1)}
            if want != {tuple(v) for v in (ij[p] + _RING1).tolist()}:
                return None
    except (h3.H3BaseException, ValueError):
        return None
    pts = (ij[:, None, :] + _ring_offsets(rings)[None, :, :]).reshape(-1, 2)
    lo = pts.min(axis=0) - 1
    span = int(pts[:, 1].max() - lo[1] + 2)

    def key(p: np.ndarray) -> np.ndarray:
        k: np.ndarray = (p[..., 0] - lo[0]) * span + (p[..., 1] - lo[1])
        return k

    area = np.unique(key(pts))
    n = len(area)
    area_ij = np.stack([area // span + lo[0], area % span + lo[1]], axis=1)
    try:
        cells = np.fromiter(
            (h3i.local_ij_to_cell(origin, int(i), int(j)) for i, j in area_ij.tolist()),
            dtype=np.int64,  # H3 indexes keep their top bit 0
            count=n,
        )
    except (h3.H3BaseException, ValueError):
        return None
    if len(np.unique(cells)) != n:
        return None
    x = np.zeros(n)
    x[np.searchsorted(area, key(ij))] = np.fromiter(given.values(), dtype=np.float64)
    nb = key(area_ij[:, None, :] + _RING1[None, :, :]).ravel()
    pos = np.minimum(np.searchsorted(area, nb), n - 1)
    inside = area[pos] == nb
    who = np.repeat(np.arange(n), len(_RING1))[inside]
    w = np.bincount(who, minlength=n).astype(np.float64)
    local = np.bincount(who, weights=x[pos[inside]], minlength=n)
    return cells, x, w, local


def _grid_disks(given: dict[int, int], rings: int) -> Grid:
    """The study area and every cell's neighbourhood from H3's rings (cached per cell)."""
    cells_list = sorted(set().union(*(_disk(c, rings) for c in given)))
    n = len(cells_list)
    where = dict(zip(cells_list, range(n), strict=True)).get
    x = np.fromiter(map(given.get, cells_list, repeat(0)), dtype=np.float64, count=n)
    # every (cell, neighbour) pair of the ring-1 disks, the cell itself included; -1 marks a
    # neighbour outside the study area
    disks = list(map(_disk, cells_list, repeat(1)))
    nbr = np.fromiter(map(where, chain.from_iterable(disks), repeat(-1)), dtype=np.int64)
    who = np.repeat(np.arange(n), np.fromiter(map(len, disks), dtype=np.int64, count=n))
    inside = nbr >= 0
    who, nbr = who[inside], nbr[inside]
    w = np.bincount(who, minlength=n).astype(np.float64)
    local = np.bincount(who, weights=x[nbr], minlength=n)
    return np.array(cells_list, dtype=np.int64), x, w, local


# The hexagon size follows the extent, so one computation stays small: the country in
# ≈ 250 km² hexagons (edge 8.5 km), a province in ≈ 36 km² ones (edge 3.2 km), a city the
# size of Bangkok (0.3–1.5°) in ≈ 5 km² ones (edge 1.2 km: a few hundred hexagons), a district
# in 0.74 km² ones (edge 460 m). The grid read is 4–6 times finer than a hexagon's width and,
# but for the finest, a size the pre-aggregated tip_cell serves (0.005° is its level 1: a
# Bangkok-sized extent read at 0.002° meant a row per tip, ~100 ms with 1M tips, and ten
# times the hexagons for the same picture).
# (extent span in degrees above which it applies, H3 resolution, grid cell read in degrees)
PLANS = ((6.0, 5, 0.05), (1.5, 6, 0.01), (0.3, 7, 0.005), (0.0, 8, FINE_DEG))


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
    statuses: Sequence[str] = (),
    grades: Sequence[str] = (),
    bbox: tuple[float, float, float, float] | None = None,
    resolution: int | None = None,
    hot_only: bool = False,
) -> list[Hotspot]:
    """Gi* hotspots of the tips in ``area`` (a DOPA code prefix) or ``bbox`` (an extent: the
    fast path, read from pre-aggregated cells) in [since, until) of ``categories``,
    ``statuses`` and source ``grades`` (all when empty; a status or grade filter counts the
    tips themselves; tips.aggregate: counts only). Without ``resolution`` the hexagon size
    follows the extent (``plan``): Gi* over a whole country of street-sized cells would take
    minutes."""
    auto_res, cell = plan(bbox, area)
    res = auto_res if resolution is None else resolution
    counts: dict[int, int] = {}
    cells = tip_density(
        bind,
        viewer,
        area=area,
        since=since,
        until=until,
        categories=categories,
        statuses=statuses,
        grades=grades,
        bbox=bbox,
        cell_deg=cell if resolution is None else FINE_DEG,
    )
    for lon, lat, n in cells:
        c = _hexagon(lat, lon, res)
        counts[c] = counts.get(c, 0) + n
    return gi_star(counts, hot_only=hot_only)


@lru_cache(maxsize=1 << 18)
def _hexagon(lat: float, lon: float, res: int) -> int:
    """The H3 cell (integer) of a grid cell's centre: the grid is fixed, so the same centres
    (exactly the same floats) come back query after query."""
    return int(h3i.latlng_to_cell(lat, lon, res))


def hexagon_km2(bbox: tuple[float, float, float, float] | None, area: str = "") -> float:
    """The average area of the hexagons ``hotspots`` uses for this extent (``plan``), km²."""
    return float(h3.average_hexagon_area(plan(bbox, area)[0], unit="km^2"))
