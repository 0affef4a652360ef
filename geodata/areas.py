"""What an area holds: an admin unit or a drawn polygon summarised by layer, tip counts per admin
unit for a choropleth, and tips within a radius of chosen venues.

Every function takes ``(bind, viewer, …)`` and checks the viewer's capability first. Tips are
shaped in the query: counts for ``tips.aggregate``, records only for ``tips.records`` (never
text, never reporter fields). Coordinates are lon/lat in EPSG:4326; distances are metres on the
sphere; sizes are km².
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from typing import Any

from geodata import tipfilter
from geodata.codes import LEVEL_OF_LENGTH, check_area, is_area_code
from geodata.db import Bind, connect
from geodata.errors import ForbiddenError, SitawareError
from geodata.extent import in_thailand
from geodata.models import ADMIN_LEVELS
from geodata.queries import sql
from geodata.roles import Cap, Viewer
from geodata.tips import AREA_DAY_LEVELS, area_day_window, tip_trend

MIN_VERTICES, MAX_VERTICES = 3, 2000
MIN_RADIUS_M, MAX_RADIUS_M = 10, 5000
MAX_CATEGORIES = 50
MAX_CATEGORY_CHARS = 64
NEAR_RECORDS = 50
CELL_DEG = 0.005  # ≈ 550 m, the map's heat grid
# metres per degree, low enough that a box of radius / this covers the radius in degrees of
# longitude too, anywhere up to Thailand's northern tip (≈ 20.5° N: 104 km per degree)
_M_PER_DEG = 100_000
_LEVEL_LENGTHS = {level: n for n, level in LEVEL_OF_LENGTH.items()}
# Code length of a level -> the tip_area_day level that holds its codes (migration 0012)
_AREA_DAY_LEVELS = {2: 0, 4: 1}


class AreaError(SitawareError, ValueError):
    """An area, polygon, radius or category list the queries cannot take; says what to fix."""


def _require(viewer: Viewer, cap: Cap) -> None:
    if not viewer.can(cap):
        raise ForbiddenError(f"role {viewer.role or 'anonymous'} lacks {cap.value}")


def box_deg(radius_m: float) -> float:
    """Half-size in degrees of a box that holds a circle of ``radius_m`` metres in Thailand."""
    return float(radius_m) / _M_PER_DEG


def check_polygon(polygon: Sequence[Sequence[float]]) -> str:
    """A drawn polygon, checked, as a GeoJSON Polygon string (closed if it was not).

    ``polygon`` is a ring of (lon, lat) vertices in EPSG:4326: 3 to 2000 distinct vertices,
    finite numbers, inside Thailand's extent (``geodata.extent``). Raises AreaError otherwise.
    Self-intersections are not refused here: the database repairs them (ST_MakeValid).
    """
    if isinstance(polygon, str | bytes) or not isinstance(polygon, Sequence):
        raise AreaError("polygon must be a list of (lon, lat) pairs")
    ring: list[tuple[float, float]] = []
    for i, vertex in enumerate(polygon):
        if isinstance(vertex, str | bytes) or not isinstance(vertex, Sequence) or len(vertex) != 2:
            raise AreaError(f"polygon vertex {i} must be a (lon, lat) pair, not {vertex!r}")
        lon, lat = vertex
        if not all(isinstance(c, int | float) and not isinstance(c, bool) for c in (lon, lat)):
            raise AreaError(f"polygon vertex {i} must hold two numbers, not {vertex!r}")
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise AreaError(f"polygon vertex {i} is not a finite number: {vertex!r}")
        if not in_thailand(lon, lat):
            raise AreaError(
                f"polygon vertex {i} ({lon}, {lat}) lies outside Thailand; vertices are "
                "(lon, lat) in degrees — were they swapped?"
            )
        ring.append((float(lon), float(lat)))
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()  # closed by the caller; counted once
    if len(set(ring)) < MIN_VERTICES:
        raise AreaError(f"a polygon needs at least {MIN_VERTICES} distinct vertices")
    if len(ring) > MAX_VERTICES:
        raise AreaError(
            f"a polygon may have at most {MAX_VERTICES} vertices (got {len(ring)}); simplify it"
        )
    ring.append(ring[0])
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def repair_polygon(bind: Bind, polygon: Sequence[Sequence[float]]) -> tuple[str, float]:
    """(GeoJSON MultiPolygon, km²) of a drawn polygon, checked and repaired in the database
    (``ST_MakeValid``, polygonal parts only). Raises AreaError when nothing with an area is left
    (all vertices on one line)."""
    geojson = check_polygon(polygon)
    with connect(bind) as conn:
        row = conn.execute(sql("area_polygon"), {"geojson": geojson}).one()
    if row.empty:
        raise AreaError("the polygon has no area (its vertices lie on one line); draw it again")
    return str(row.geojson), float(row.km2)


def check_categories(values: Sequence[str], what: str = "categories") -> list[str]:
    """Categories as a bound text[]: at most 50 short strings (1–64 characters, no control
    characters); duplicates dropped. Raises AreaError otherwise."""
    if isinstance(values, str | bytes):
        raise AreaError(f"{what} must be a list of strings, not one string")
    out: list[str] = []
    for v in values:
        if not isinstance(v, str) or not 0 < len(v.strip()) <= MAX_CATEGORY_CHARS:
            raise AreaError(f"each of the {what} must be 1–{MAX_CATEGORY_CHARS} characters")
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in v):
            raise AreaError(f"{what} may not hold control characters: {v!r}")
        if v.strip() not in out:
            out.append(v.strip())
    if len(out) > MAX_CATEGORIES:
        raise AreaError(f"at most {MAX_CATEGORIES} {what} in one filter")
    return out


def check_tip_filter(statuses: Sequence[str], grades: Sequence[str]) -> dict[str, list[str]]:
    """The status and source-grade filter as bound parameters (``geodata.tipfilter``);
    AreaError when a value is refused."""
    try:
        return tipfilter.params(statuses, grades)
    except ValueError as exc:
        raise AreaError(str(exc)) from None


def check_radius(radius_m: float) -> float:
    """``radius_m`` when it is a finite number of metres in 10..5000; AreaError otherwise."""
    if isinstance(radius_m, bool) or not isinstance(radius_m, int | float):
        raise AreaError(f"radius_m must be a number of metres, not {radius_m!r}")
    if not (math.isfinite(radius_m) and MIN_RADIUS_M <= radius_m <= MAX_RADIUS_M):
        raise AreaError(f"radius_m must be {MIN_RADIUS_M}–{MAX_RADIUS_M} metres, not {radius_m}")
    return float(radius_m)


def _area_code(code: str) -> str:
    if not is_area_code(code):
        raise AreaError(f"area_code must be a 2/4/6-digit DOPA code, not {code!r}")
    return code


def area_summary(
    bind: Bind,
    viewer: Viewer,
    *,
    area_code: str = "",
    polygon: Sequence[tuple[float, float]] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    statuses: Sequence[str] = (),
    grades: Sequence[str] = (),
) -> dict[str, Any]:
    """What one admin unit (``area_code``) or one drawn polygon (``polygon``, (lon, lat)
    vertices) holds, layer by layer. Exactly one of the two must be given.

    Returns::

        {"area": {"kind": "admin" | "polygon", "code": str | None, "level": str | None,
                  "name_th": str | None, "name_en": str | None, "approximate": bool,
                  "km2": float | None},          # None: the admin unit has no polygon
         "venues": {"total": int,
                    "by_category": [{"category": str, "n": int}, …],   # most first
                    "by_sensitivity": [{"sensitivity": int, "n": int}, …]},  # 5 → 1
         "lodging": int,
         "units": int | None,   # active patrol units whose last position lies inside
                                # (None: the admin unit has no polygon to test)
         # only for viewers holding tips.aggregate:
         "tips": {"total": int,
                  "by_category": [{"category": str, "n": int}, …],   # most first
                  "by_day": [{"day": dt.date, "n": int}, …]}}        # Bangkok days, oldest first

    Admin units count venues, lodging and tips by their DOPA codes (as the map's lists do);
    polygons by position. ``since``/``until`` bound the tips' window (``until`` excluded);
    ``statuses`` and ``grades`` keep those tip statuses and source grades (empty: all).
    Raises ForbiddenError without ``map.view``, AreaError for a bad code or polygon.
    """
    _require(viewer, Cap.MAP_VIEW)
    if (area_code == "") == (polygon is None):
        raise AreaError("give either area_code or polygon (exactly one)")
    with_tips = viewer.can(Cap.TIPS_AGGREGATE)
    window = {"since": since, "until": until, **check_tip_filter(statuses, grades)}
    with connect(bind) as conn:
        if polygon is not None:
            geojson, km2 = repair_polygon(conn, polygon)
            area: dict[str, Any] = {
                "kind": "polygon",
                "code": None,
                "level": None,
                "name_th": None,
                "name_en": None,
                "approximate": False,
                "km2": round(km2, 3),
            }
            layers = conn.execute(sql("area_layers_polygon"), {"geojson": geojson}).all()
            tips = (
                conn.execute(sql("area_tips_polygon"), {"geojson": geojson, **window}).all()
                if with_tips
                else []
            )
        else:
            code = _area_code(area_code)
            row = conn.execute(sql("area_admin"), {"code": code}).first()
            if row is None:
                raise AreaError(f"no admin area has the code {code!r}")
            area = {
                "kind": "admin",
                "code": row.code,
                "level": row.level,
                "name_th": row.name_th,
                "name_en": row.name_en,
                "approximate": bool(row.approximate),
                "km2": None if row.km2 is None else round(float(row.km2), 3),
            }
            layers = conn.execute(sql("area_layers_code"), {"prefix": code}).all()
            # a province or a district reads tip_area_day through tip_trend (Bangkok with 1M
            # tips: 0.2–0.4 s counting tips, a few ms from the aggregate); a subdistrict's tips
            # are few, counted directly
            tips = (
                conn.execute(sql("area_tips_code"), {"prefix": code, **window}).all()
                if with_tips and len(code) not in AREA_DAY_LEVELS
                else []
            )
        if with_tips and polygon is None and len(code) in AREA_DAY_LEVELS:
            tips = _trend_rows(
                tip_trend(bind, viewer, area=code, since=since, until=until,
                          statuses=statuses, grades=grades)
            )  # fmt: skip
    by_cat = sorted(
        ((str(r.key), int(r.n)) for r in layers if r.layer == "venue_category"),
        key=lambda kv: (-kv[1], kv[0]),
    )
    by_sens = sorted(
        ((int(r.key), int(r.n)) for r in layers if r.layer == "venue_sensitivity"), reverse=True
    )
    units = next(int(r.n) for r in layers if r.layer == "units")
    out: dict[str, Any] = {
        "area": area,
        "venues": {
            "total": sum(n for _, n in by_cat),
            "by_category": [{"category": c, "n": n} for c, n in by_cat],
            "by_sensitivity": [{"sensitivity": s, "n": n} for s, n in by_sens],
        },
        "lodging": next(int(r.n) for r in layers if r.layer == "lodging"),
        "units": None if area["kind"] == "admin" and area["km2"] is None else units,
    }
    if with_tips:
        tip_cats = sorted(
            ((str(r.category), int(r.n)) for r in tips if r.day is None),
            key=lambda kv: (-kv[1], kv[0]),
        )
        out["tips"] = {
            "total": sum(n for _, n in tip_cats),
            "by_category": [{"category": c, "n": n} for c, n in tip_cats],
            "by_day": [
                {"day": r.day, "n": int(r.n)}
                for r in sorted((r for r in tips if r.day is not None), key=lambda r: r.day)
            ],
        }
    return out


def _trend_rows(trend: list[tuple[dt.date, str, int]]) -> list[Any]:
    """(day, category, n) rows as ``area_tips_code`` gives them: one row per category (day
    None) and one per day (category None)."""
    from types import SimpleNamespace

    by_cat: dict[str, int] = {}
    by_day: dict[dt.date, int] = {}
    for day, category, n in trend:
        by_cat[category] = by_cat.get(category, 0) + n
        by_day[day] = by_day.get(day, 0) + n
    return [SimpleNamespace(category=c, day=None, n=n) for c, n in by_cat.items()] + [
        SimpleNamespace(category=None, day=d, n=n) for d, n in by_day.items()
    ]


def area_counts(
    bind: Bind,
    viewer: Viewer,
    *,
    level: str,
    prefix: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    categories: Sequence[str] = (),
    statuses: Sequence[str] = (),
    grades: Sequence[str] = (),
) -> dict[str, int]:
    """{DOPA code: tip count} for every admin unit of ``level`` ('province' | 'district' |
    'subdistrict') under ``prefix`` ('' = the whole country) that has tips since ``since``
    (of ``categories``, ``statuses`` and source ``grades``; empty: all): the values of a
    choropleth (units without tips are absent: draw them as 0).

    Tips belong to a unit by their codes, as in ``geodata.tips.tip_counts``. Provinces, and
    districts, read whole Bangkok days from ``tip_area_day`` and the partial days at the
    window's ends from ``tip`` (exact); subdistricts count the tips themselves. Needs
    ``tips.aggregate``.
    """
    _require(viewer, Cap.TIPS_AGGREGATE)
    if level not in _LEVEL_LENGTHS:
        raise AreaError(f"level must be one of {ADMIN_LEVELS}, not {level!r}")
    length = _LEVEL_LENGTHS[level]
    try:
        check_area(prefix, any_prefix=True)
    except ValueError as exc:
        raise AreaError(str(exc)) from None
    if len(prefix) >= length:
        raise AreaError(f"a {level} lies under a prefix shorter than {length} digits")
    params: dict[str, Any] = {
        "len": length,
        "prefix": prefix,
        "since": since,
        "until": until,
        "categories": check_categories(categories, "tip categories"),
        **check_tip_filter(statuses, grades),
    }
    stmt = "area_counts"
    if length in _AREA_DAY_LEVELS:
        stmt = "area_counts_days"
        params = {**params, "lvl": _AREA_DAY_LEVELS[length], **area_day_window(since, until)}
    with connect(bind) as conn:
        rows = conn.execute(sql(stmt), params).all()
    return {str(r.code): int(r.n) for r in rows}


def tips_near_venues(
    bind: Bind,
    viewer: Viewer,
    *,
    radius_m: float,
    venue_categories: Sequence[str] = (),
    tip_categories: Sequence[str] = (),
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    area: str = "",
    statuses: Sequence[str] = (),
    grades: Sequence[str] = (),
) -> dict[str, Any]:
    """Tips within ``radius_m`` metres (10–5000) of any venue of ``venue_categories`` (empty =
    every venue), of ``tip_categories`` (exact categories; empty = all), reported since
    ``since``, in ``area`` (DOPA code prefix of the tips; '' = everywhere), of ``statuses``
    and source ``grades`` (``geodata.tipfilter``; empty = all).

    Only tips located to a point or a street count (a tip placed at a subdistrict's centre is
    near nothing in particular). Returns::

        {"radius_m": float,
         "total": int,
         "by_category": [{"category": str, "n": int}, …],      # most first
         "cells": [(lon, lat, n), …],      # 0.005° grid cell centres, for a map layer
         "records": [ … ]}                 # only with tips.records, else []

    A record is the newest 50 tips, newest first: ``id, reported_at, category, status,
    reliability, geo_precision, lon, lat, venue_id, venue_name_th, venue_name_en,
    venue_category, metres`` (the nearest such venue; no text, no reporter). Needs
    ``tips.aggregate``.
    """
    _require(viewer, Cap.TIPS_AGGREGATE)
    radius = check_radius(radius_m)
    params = {
        "radius_m": radius,
        "deg": box_deg(radius),
        "venue_categories": check_categories(venue_categories, "venue categories"),
        "tip_categories": check_categories(tip_categories, "tip categories"),
        "prefix": _prefix(area),
        "since": since,
        "until": until,
        "cell_deg": CELL_DEG,
        "with_records": viewer.can(Cap.TIPS_RECORDS),
        "n_records": NEAR_RECORDS,
        **check_tip_filter(statuses, grades),
    }
    with connect(bind) as conn:
        row = conn.execute(sql("tips_near_venues"), params).one()
    records = []
    for rec in _json(row.records) or []:
        rec["reported_at"] = dt.datetime.fromisoformat(rec["reported_at"])
        rec["metres"] = float(rec["metres"])
        records.append(rec)
    return {
        "radius_m": radius,
        "total": int(row.total),
        "by_category": [{"category": c, "n": int(n)} for c, n in _json(row.by_category)],
        "cells": [(float(lon), float(lat), int(n)) for lon, lat, n in _json(row.cells)],
        "records": records,
    }


def _prefix(area: str) -> str:
    try:
        return check_area(area)
    except ValueError as exc:
        raise AreaError(str(exc)) from None


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
