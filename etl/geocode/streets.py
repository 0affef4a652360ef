"""Street precision: an address that names its soi or road, inside a subdistrict the gazetteer
found, is placed on that street (OSM roads imported with ``sitaware etl roads``) — at the point
of the street, inside the subdistrict, nearest the subdistrict's centre."""

from __future__ import annotations

import re
from collections import defaultdict

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from etl.geocode.text import key
from geodata.db import Bind
from geodata.geocoding import road_count, roads_in_area

_PREFIX = re.compile(r"^(?:ถนน|ถ\.|ซอย|ซ\.|trok|soi|road|rd\.?|thanon)\s*", re.I)
_SUFFIX = re.compile(r"\s*(?:road|rd\.?|street|st\.?)$", re.I)


def street_key(name: str) -> str:
    """ถนนสุขุมวิท / Sukhumvit Road / สุขุมวิท → one key; ซอยสุขุมวิท 101 → สุขุมวิท101."""
    s = _SUFFIX.sub("", _PREFIX.sub("", name.strip()))
    return key(s)


class StreetIndex:
    """Named roads by district, read from the database per district on first use."""

    def __init__(self, bind: Bind) -> None:
        self.bind = bind
        self.empty = road_count(bind) == 0
        self._by_district: dict[str, dict[str, list[BaseGeometry]]] = {}

    def _district(self, code: str) -> dict[str, list[BaseGeometry]]:
        hit = self._by_district.get(code)
        if hit is None:
            hit = defaultdict(list)
            for th, en, wkb in roads_in_area(self.bind, code):
                geom = shapely.from_wkb(wkb)
                for name in (th, en):
                    if name:
                        hit[street_key(name)].append(geom)
            self._by_district[code] = hit = dict(hit)
        return hit

    def locate(
        self, district: str, area: BaseGeometry, centre: tuple[float, float], names: list[str]
    ) -> tuple[float, float] | None:
        """The point of the first named street (most specific first) that runs through
        ``area``, nearest ``centre``; None when no such street is known."""
        if self.empty:
            return None
        roads = self._district(district)
        for name in names:
            lines = roads.get(street_key(name))
            if not lines:
                continue
            inside = shapely.intersection(shapely.union_all(lines), area)
            if inside.is_empty:
                continue
            p = nearest_points(inside, Point(centre))[0]
            return float(p.x), float(p.y)
        return None
