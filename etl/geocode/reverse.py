"""Batch reverse geocoding in memory: point → subdistrict / district / province codes through
an STRtree over the outlines (official ones win where approximate ones overlap). A million
points take about two seconds; the database is read once, when the index is built."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

from geodata.db import Bind
from geodata.geocoding import NEAR_DEG, Codes, admin_polygons, hierarchy


class _Level:
    def __init__(self, rows: list[tuple[str, bytes, bool]]) -> None:
        self.codes = np.array([r[0] for r in rows], dtype=object)
        self.geoms = shapely.from_wkb([r[1] for r in rows]) if rows else np.array([])
        shapely.prepare(self.geoms)
        self.tree = shapely.STRtree(self.geoms)

    def lookup(self, pts: np.ndarray, near_deg: float) -> np.ndarray:
        """Code per point (None where no outline holds it or lies within ``near_deg``)."""
        out = np.full(len(pts), None, dtype=object)
        if len(self.codes) == 0 or len(pts) == 0:
            return out
        ip, jp = self.tree.query(pts, predicate="within")
        # several outlines may hold a point: the first in order (official, then by code) wins
        first = np.full(len(pts), np.iinfo(np.int64).max)
        np.minimum.at(first, ip, jp)
        hit = first != np.iinfo(np.int64).max
        out[hit] = self.codes[first[hit]]
        missing = np.flatnonzero(~hit)
        if len(missing) and near_deg > 0:
            mi, mj = self.tree.query_nearest(pts[missing], max_distance=near_deg)
            out[missing[mi]] = self.codes[mj]
        return out


class ReverseIndex:
    """Subdistrict and district outlines of a database, indexed."""

    def __init__(self, bind: Bind) -> None:
        self.sub = _Level(admin_polygons(bind, "subdistrict"))
        self.dist = _Level(admin_polygons(bind, "district"))
        self._outline_of: dict[str, Any] | None = None

    def outline(self, code: str) -> Any:
        """The (first, official) outline of subdistrict ``code``, or None."""
        if self._outline_of is None:
            self._outline_of = {}
            for c, g in zip(self.sub.codes.tolist(), self.sub.geoms.tolist(), strict=True):
                self._outline_of.setdefault(c, g)
        return self._outline_of.get(code)

    def codes(self, lons: Sequence[float], lats: Sequence[float]) -> list[Codes]:
        """(subdistrict, district, province) per point, in input order."""
        pts = np.asarray(
            shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)),
            dtype=object,
        )
        subs = self.sub.lookup(pts, NEAR_DEG)
        dists = np.full(len(pts), None, dtype=object)
        no_sub = np.flatnonzero(subs == None)  # noqa: E711 - elementwise on an object array
        if len(no_sub):
            dists[no_sub] = self.dist.lookup(pts[no_sub], NEAR_DEG)
        return [hierarchy(s, d) for s, d in zip(subs.tolist(), dists.tolist(), strict=True)]
