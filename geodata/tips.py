"""Tips and venues as each role may see them: shaping happens here, in the query.

- ``tips.aggregate``: counts only (field officers see how many, never what).
- ``tips.records``: records without text or reporter fields (planners).
- ``tips.text`` adds the free text; ``tips.detail`` gives one tip in full (command centre).
Reporter fields (``reporter_hash``) are never selected by any query here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text

from geodata import tipfilter
from geodata.codes import check_area
from geodata.db import Bind, connect, tuples
from geodata.errors import ForbiddenError
from geodata.extent import MAX_LAT, MAX_LON, MIN_LAT, MIN_LON
from geodata.queries import sql
from geodata.roles import Cap, Viewer

MAX_RECORDS = 500


def _require(viewer: Viewer, cap: Cap) -> None:
    if not viewer.can(cap):
        raise ForbiddenError(f"role {viewer.role or 'anonymous'} lacks {cap.value}")


def _check_prefix(prefix: str) -> str:
    return check_area(prefix)


MAX_CATEGORY_FILTER = 50


def _categories(values: Sequence[str]) -> list[str]:
    """Tip categories to keep (a bound text[]; empty keeps all)."""
    out = [str(v)[:200] for v in values if isinstance(v, str) and v]
    if len(out) > MAX_CATEGORY_FILTER:
        raise ValueError(f"at most {MAX_CATEGORY_FILTER} categories in one filter")
    return out


def _selection(  # noqa: PLR0917 - one parameter per clause the statements share
    area: str,
    since: dt.datetime | None,
    until: dt.datetime | None,
    categories: Sequence[str],
    statuses: Sequence[str] = (),
    grades: Sequence[str] = (),
) -> dict[str, Any]:
    """The bound parameters that select tips by area, window, category, status and source
    grade (the statements tip_counts, tip_trend and tip_records share the clauses)."""
    return {
        "prefix": _check_prefix(area),
        "since": since,
        "until": until,
        "categories": _categories(categories),
        **tipfilter.params(statuses, grades),
    }


# Prefix length -> tip_area_day level (migration 0012): the whole country and a province at
# level 0, a district at level 1; a subdistrict counts the tips themselves.
AREA_DAY_LEVELS = {0: 0, 2: 0, 4: 1}


def area_day_window(since: dt.datetime | None, until: dt.datetime | None) -> dict[str, Any]:
    """The window parameters of the statements that read ``tip_area_day`` (``*_days.sql``):
    ``since``/``until`` (a naive time is UTC, as in ``window_parts``), whole Bangkok days
    ``[d1, d2)`` read from the aggregate, and the partial days ``[h0, h1)``, ``[t0, t1)``
    (or None) counted from ``tip``."""
    p = window_parts(since, until, weeks=False)
    return {
        "since": None if since is None else _aware(since),
        "until": None if until is None else _aware(until),
        **{k: p[k] for k in ("d1", "d2", "h0", "h1", "t0", "t1")},
    }


def _by_area(
    name: str, params: dict[str, Any], since: dt.datetime | None, until: dt.datetime | None
) -> tuple[str, dict[str, Any]]:
    """The statement ``name`` counting tips, or ``name_days`` reading ``tip_area_day`` where
    that serves the area ``params["prefix"]``, with the parameters it takes (exact both ways)."""
    lvl = AREA_DAY_LEVELS.get(len(params["prefix"]))
    if lvl is None:
        return name, params
    return f"{name}_days", {**params, "lvl": lvl, **area_day_window(since, until)}


def tip_counts(
    bind: Bind,
    viewer: Viewer,
    *,
    area: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    categories: Sequence[str] = (),
    statuses: Sequence[str] = (),
    grades: Sequence[str] = (),
) -> list[tuple[str, int]]:
    """(category, count) of tips in ``area`` (DOPA code prefix) and the time window, of
    ``categories``, ``statuses`` and source ``grades`` (``geodata.tipfilter``; empty: all).
    The whole country, a province or a district reads whole Bangkok days from
    ``tip_area_day`` and the partial days at the window's ends from ``tip`` (exact)."""
    _require(viewer, Cap.TIPS_AGGREGATE)
    stmt, params = _by_area(
        "tip_counts", _selection(area, since, until, categories, statuses, grades), since, until
    )
    with connect(bind) as conn:
        rows = conn.execute(sql(stmt), params).all()
    return [(str(r.category), int(r.n)) for r in rows]


def tip_status_counts(
    bind: Bind,
    viewer: Viewer,
    *,
    area: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[tuple[str, int]]:
    """(status, count) of tips in ``area`` (DOPA code prefix) and the time window, most
    first: the choices of a status filter. The whole country, a province or a district reads
    whole Bangkok days from ``tip_area_day`` (exact, as ``tip_counts``)."""
    _require(viewer, Cap.TIPS_AGGREGATE)
    stmt, params = _by_area(
        "tip_status_counts",
        {"prefix": _check_prefix(area), "since": since, "until": until},
        since,
        until,
    )
    with connect(bind) as conn:
        rows = conn.execute(sql(stmt), params).all()
    return [(str(r.status), int(r.n)) for r in rows]


def tip_records(
    bind: Bind,
    viewer: Viewer,
    *,
    area: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    categories: Sequence[str] = (),
    statuses: Sequence[str] = (),
    grades: Sequence[str] = (),
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Newest tips in ``area`` (of ``categories``, ``statuses`` and source ``grades``; empty:
    all); ``text`` only for roles holding ``tips.text``."""
    _require(viewer, Cap.TIPS_RECORDS)
    with_text = viewer.can(Cap.TIPS_TEXT)
    with connect(bind) as conn:
        rows = conn.execute(
            sql("tip_records"),
            {
                **_selection(area, since, until, categories, statuses, grades),
                "with_text": with_text,
                "limit": max(1, min(int(limit), MAX_RECORDS)),
            },
        ).all()
    out = []
    for r in rows:
        rec = dict(r._mapping)
        if not with_text:
            rec.pop("text", None)
        out.append(rec)
    return out


def tip_detail(bind: Bind, viewer: Viewer, tip_id: int) -> dict[str, Any] | None:
    """One tip in full (for ``tips.detail``), or None when there is no such tip."""
    _require(viewer, Cap.TIPS_DETAIL)
    with connect(bind) as conn:
        row = conn.execute(sql("tip_detail"), {"tip_id": int(tip_id)}).first()
    return dict(row._mapping) if row is not None else None


def venues_in_area(
    bind: Bind, viewer: Viewer, *, area: str = "", limit: int = 50
) -> list[dict[str, Any]]:
    """Sensitive venues in ``area``, most sensitive first."""
    _require(viewer, Cap.MAP_VIEW)
    with connect(bind) as conn:
        rows = conn.execute(
            sql("venues_in_area"),
            {"prefix": _check_prefix(area), "limit": max(1, min(int(limit), MAX_RECORDS))},
        ).all()
    return [dict(r._mapping) for r in rows]


Bbox = tuple[float, float, float, float]

# Pre-aggregated levels of tip_cell (migrations 0010 and 0015 hold the same constants):
# level -> (cell size in degrees, one row per category?, weeks as well as days?, all time?)
LEVELS: dict[int, tuple[float, bool, bool, bool]] = {
    0: (0.001, False, False, False),
    1: (0.005, False, True, True),
    2: (0.05, True, True, True),
}
# Cell sizes cell_for_bbox chooses from: each an integer multiple of a level's cell.
CELL_LADDER = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
HEAT_CELLS_ACROSS = 160
CLUSTER_CELLS_ACROSS = 40
BANGKOK = dt.timezone(dt.timedelta(hours=7))  # no daylight saving: tip_cell's days
WEEK_EPOCH = dt.date(2000, 1, 3)  # a Monday: tip_cell's weeks start on Mondays
_FAR_PAST, _FAR_FUTURE = dt.date(1900, 1, 1), dt.date(2200, 1, 1)
_ANY_CELL = 2_000_000_000


def _ladder(size_deg: float) -> float:
    return next((c for c in CELL_LADDER if c >= size_deg - 1e-12), CELL_LADDER[-1])


def cell_for_bbox(bbox: Bbox | None, across: int = HEAT_CELLS_ACROSS) -> float:
    """Heat cell size in degrees for a viewport ``(min_lon, min_lat, max_lon, max_lat)``
    (EPSG:4326): the smallest size of ``CELL_LADDER`` that puts at most ``across`` (160) cells
    along the viewport's longer side — 0.1° (≈ 11 km) for all of Thailand, 0.005° for Bangkok,
    0.001° (≈ 110 m) for a few streets. Every size is served from ``tip_cell``. No viewport:
    the whole country's size."""
    if bbox is None:
        bbox = (MIN_LON, MIN_LAT, MAX_LON, MAX_LAT)
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
    span = max(abs(max_lon - min_lon), abs(max_lat - min_lat))
    return _ladder(span / max(1, across))


def _check_bbox(bbox: Bbox | None) -> Bbox | None:
    if bbox is None:
        return None
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
    if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
        raise ValueError("bbox values must be finite numbers")
    return (
        max(-180.0, min(min_lon, max_lon)),
        max(-90.0, min(min_lat, max_lat)),
        min(180.0, max(min_lon, max_lon)),
        min(90.0, max(min_lat, max_lat)),
    )


def _cell_range(bbox: Bbox | None, cell: float) -> dict[str, int]:
    """Index range of the cells of size ``cell`` that the viewport touches."""
    if bbox is None:
        return {"x0": -_ANY_CELL, "x1": _ANY_CELL, "y0": -_ANY_CELL, "y1": _ANY_CELL}
    return {
        "x0": math.floor(bbox[0] / cell),
        "y0": math.floor(bbox[1] / cell),
        "x1": math.floor(bbox[2] / cell),
        "y1": math.floor(bbox[3] / cell),
    }


def _level_for(cell: float, by_category: bool) -> tuple[int, int] | None:
    """(level, cells of the level per output cell) of the coarsest level that serves ``cell``."""
    for lvl in sorted(LEVELS, key=lambda v: -LEVELS[v][0]):
        size, has_categories, _, _ = LEVELS[lvl]
        k = round(cell / size)
        if k >= 1 and abs(k * size - cell) < 1e-9 and (has_categories or not by_category):
            return lvl, k
    return None


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), BANGKOK)


def _week_floor(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day - WEEK_EPOCH).days % 7)


def window_parts(
    since: dt.datetime | None, until: dt.datetime | None, *, weeks: bool
) -> dict[str, Any]:
    """Split ``[since, until)`` into what ``tip_cell`` holds and what it does not: Bangkok days
    ``[d1, w1)`` and ``[w2, d2)``, Monday weeks ``[w1, w2)``, and the partial days at the ends
    ``[h0, h1)`` and ``[t0, t1)`` (timestamps, or None) that are counted from ``tip``."""
    h0 = h1 = t0 = t1 = None
    if since is None:
        d1 = _FAR_PAST
    else:
        since = _aware(since)
        d1 = since.astimezone(BANGKOK).date()
        if since > _midnight(d1):
            d1 += dt.timedelta(days=1)
            h0, h1 = since, _midnight(d1)
    if until is None:
        d2 = _FAR_FUTURE
    else:
        until = _aware(until)
        d2 = until.astimezone(BANGKOK).date()
        if until > _midnight(d2):
            t0, t1 = _midnight(d2), until
    if since is not None and until is not None and d1 > d2:  # inside one day
        h0, h1, t0, t1 = since, until, None, None
        d1 = d2
    w1 = w2 = d2
    if weeks:
        first = d1 + dt.timedelta(days=(-(d1 - WEEK_EPOCH).days) % 7)
        last = _week_floor(d2)
        if first < last:
            w1, w2 = first, last
    return {"d1": d1, "w1": w1, "w2": w2, "d2": d2, "h0": h0, "h1": h1, "t0": t0, "t1": t1}


def tip_density(
    bind: Bind,
    viewer: Viewer,
    *,
    area: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    bbox: Bbox | None = None,
    categories: Sequence[str] = (),
    statuses: Sequence[str] = (),
    grades: Sequence[str] = (),
    cell_deg: float = 0.005,
) -> list[tuple[float, float, int]]:
    """(lon, lat, n) per grid cell of tips: a heat layer without any record. The point is the
    cell's centre (EPSG:4326), never a tip's position.

    ``bbox`` = ``(min_lon, min_lat, max_lon, max_lat)`` keeps the cells the viewport touches
    (whole cells); ``categories`` keeps those tip categories (empty: all); the window is
    ``since <= reported_at < until``; ``statuses`` and ``grades`` keep those statuses and
    source grades (``geodata.tipfilter``; empty: all). Without an area, cell sizes of
    ``CELL_LADDER`` are read from the pre-aggregated ``tip_cell`` (exact: the partial days at
    the window's ends come from ``tip``); an area filter, a status or grade filter (tip_cell
    has neither) or another size counts the tips themselves."""
    _require(viewer, Cap.TIPS_AGGREGATE)
    cell = min(1.0, max(0.001, float(cell_deg)))
    prefix = _check_prefix(area)
    cats = _categories(categories)
    kept = tipfilter.params(statuses, grades)
    box = _check_bbox(bbox)
    raw_only = bool(prefix) or tipfilter.active(kept["statuses"], kept["grades"])
    level = None if raw_only else _level_for(cell, bool(cats))
    with connect(bind) as conn:
        if level is not None:
            lvl, k = level
            size, _, weeks, all_time = LEVELS[lvl]
            out = _cell_range(box, cell)
            if box is not None:  # the level's cells inside the output cells of the viewport
                out = {
                    "x0": out["x0"] * k,
                    "x1": out["x1"] * k + k - 1,
                    "y0": out["y0"] * k,
                    "y1": out["y1"] * k + k - 1,
                }
            params: dict[str, Any] = {"lvl": lvl, "k": k, "cell_deg": cell, "cats": cats, **out}
            if all_time and since is None and until is None:  # every tip: one row per cell
                rows = tuples(conn, sql("tip_density_cells_all"), params)
            else:
                params.update(cell_l=size, **window_parts(since, until, weeks=weeks))
                rows = tuples(conn, sql("tip_density_cells"), params)
        else:
            params = {
                "since": since,
                "until": until,
                "cell_deg": cell,
                **kept,
                **_cell_range(box, cell),
            }
            if cats:
                stmt, params = "tip_density_cat", {**params, "prefix": prefix, "cats": cats}
            elif prefix:
                stmt, params = "tip_density", {**params, "prefix": prefix}
            else:
                stmt = "tip_density_all"
            rows = tuples(conn, sql(stmt), params)
    return rows  # (float8, float8, bigint) from the statements: no conversion per cell


# Layers place_points serves: layer -> (points statement, clusters statement)
PLACE_LAYERS = {
    "venue": ("place_points_venue", "place_clusters_venue"),
    "lodging": ("place_points_lodging", "place_clusters_lodging"),
}
MAX_PLACE_POINTS = 5_000
# A place's contact and licence details (and the agency's own record id) are for those who plan
# and command patrols; field units see what the place is and where.
PLACE_PRIVATE_FIELDS = ("contact", "licence_no", "licence_expires", "source_id")
PLACE_DETAIL = {"venue": "place_detail_venue", "lodging": "place_detail_lodging"}


def place_detail(bind: Bind, viewer: Viewer, layer: str, place_id: int) -> dict[str, Any] | None:
    """One venue (``layer="venue"``) or lodging site (``"lodging"``) in full, for the map's
    details panel, shaped by role: contact, licence and the source's record id only with
    ``coverage.plan``. None when there is no such place. Raises ForbiddenError without
    ``map.view``."""
    if not viewer.can(Cap.MAP_VIEW):
        raise ForbiddenError("map.view is required to see places")
    if layer not in PLACE_DETAIL:
        raise ValueError(f"layer must be one of {', '.join(PLACE_DETAIL)}, not {layer!r}")
    with connect(bind) as conn:
        row = conn.execute(sql(PLACE_DETAIL[layer]), {"id": int(place_id)}).mappings().first()
    if row is None:
        return None
    out = dict(row)
    if not viewer.can(Cap.COVERAGE):
        for name in PLACE_PRIVATE_FIELDS:
            out.pop(name, None)
    return out


def place_points(
    bind: Bind,
    viewer: Viewer,
    layer: str,
    *,
    bbox: Bbox | None = None,
    area: str = "",
    categories: Sequence[str] = (),
    max_points: int = 2000,
) -> dict[str, Any]:
    """Venues (``layer="venue"``) or lodging sites (``"lodging"``) of a viewport
    ``(min_lon, min_lat, max_lon, max_lat)`` (EPSG:4326; None: all of Thailand) and ``area``:
    ``{"points": [...], "clusters": [(lon, lat, n)], "total": n}``. When the view holds at
    most ``max_points``, ``points`` lists them (id, lon, lat, name_th, name_en, category,
    source, and sensitivity for venues; a lodging site's category is its type) and
    ``clusters`` is empty; otherwise ``points`` is empty and ``clusters`` counts them per grid
    cell (about 40 cells across the view), each at the mean position of its places."""
    _require(viewer, Cap.MAP_VIEW)
    if layer not in PLACE_LAYERS:
        raise ValueError(f"layer must be one of {', '.join(PLACE_LAYERS)}, not {layer!r}")
    points_sql, clusters_sql = PLACE_LAYERS[layer]
    box = _check_bbox(bbox) or (MIN_LON, MIN_LAT, MAX_LON, MAX_LAT)
    limit = max(0, min(int(max_points), MAX_PLACE_POINTS))
    span = max(box[2] - box[0], box[3] - box[1])
    params: dict[str, Any] = {
        "min_lon": box[0],
        "min_lat": box[1],
        "max_lon": box[2],
        "max_lat": box[3],
        "prefix": _check_prefix(area),
        "cats": _categories(categories),
    }
    with connect(bind) as conn:
        clusters = conn.execute(
            sql(clusters_sql), {**params, "cell_deg": _ladder(span / CLUSTER_CELLS_ACROSS)}
        ).all()
        total = sum(int(r.n) for r in clusters)
        if total == 0:  # nothing here (most provinces of a venue list): no second statement
            return {"points": [], "clusters": [], "total": 0}
        if total > limit:
            return {
                "points": [],
                "clusters": [(float(r.lon), float(r.lat), int(r.n)) for r in clusters],
                "total": total,
            }
        rows = conn.execute(sql(points_sql), {**params, "limit": max(1, limit)}).all()
    return {"points": [dict(r._mapping) for r in rows], "clusters": [], "total": total}


def data_version(bind: Bind) -> str:
    """The same value as ``tip_marker`` without a viewer: for keys of server-side caches of
    aggregates, never shown to anyone."""
    with connect(bind) as conn:
        row = conn.execute(
            text(
                "SELECT (SELECT max(id) FROM tip) AS tip, "
                "(SELECT max(id) FROM etl_batch WHERE status = 'committed') AS batch, "
                "(SELECT max(id) FROM unit_position) AS unit"
            )
        ).one()
    return f"{row.tip or 0}:{row.batch or 0}:{row.unit or 0}"


def tip_marker(bind: Bind, viewer: Viewer) -> str:
    """A value that changes whenever tips are added or changed or a unit moves: the newest
    tip id, the newest committed load batch (every load, the intake API's included, commits
    one) and the newest unit position. All come from primary-key indexes, so a page may ask
    every second."""
    _require(viewer, Cap.TIPS_AGGREGATE)
    return data_version(bind)


MAX_RADIUS_M = 20_000


def nearby(
    bind: Bind,
    viewer: Viewer,
    lon: float,
    lat: float,
    *,
    radius_m: float = 500,
    n: int = 10,
    since: dt.datetime | None = None,
    statuses: Sequence[str] = (),
    grades: Sequence[str] = (),
    with_tips: bool = True,
) -> dict[str, Any]:
    """What is near a point: the nearest venues and lodging sites (map.view) and tips in the
    radius since ``since``, of ``statuses`` and source ``grades`` (empty: all) — records for
    roles with tips.records, only their number otherwise (``with_tips=False`` skips the
    tips)."""
    _require(viewer, Cap.MAP_VIEW)
    lon, lat = float(lon), float(lat)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError("not a point")
    radius = max(10.0, min(float(radius_m), MAX_RADIUS_M))
    n = max(1, min(int(n), 50))
    kept = tipfilter.params(statuses, grades)
    # degrees of latitude per metre, widened for longitude at this latitude
    deg = radius / 110_000 / max(0.2, math.cos(math.radians(lat)))
    with connect(bind) as conn:
        places = conn.execute(
            sql("nearby"),
            {"lon": lon, "lat": lat, "radius_m": radius, "k": n * 3},
        ).all()
        tips_near = []
        total = 0
        if with_tips and viewer.can(Cap.TIPS_AGGREGATE):
            rows = conn.execute(
                sql("tips_nearby"),
                {"lon": lon, "lat": lat, "radius_m": radius, "deg": deg, "since": since, "n": n}
                | kept,
            ).all()
            total = int(rows[0].n_total) if rows else 0
            if viewer.can(Cap.TIPS_RECORDS):
                tips_near = [{k: v for k, v in r._mapping.items() if k != "n_total"} for r in rows]
    return {
        "radius_m": radius,
        "venues": [dict(r._mapping) for r in places if r.layer == "venue"][:n],
        "lodging": [dict(r._mapping) for r in places if r.layer == "lodging"][:n],
        "tips": tips_near,
        "tips_total": total,
    }


def unit_positions(bind: Bind, viewer: Viewer, *, area: str = "") -> list[dict[str, Any]]:
    """Last known position of each active patrol unit (home district under ``area``)."""
    _require(viewer, Cap.MAP_VIEW)
    with connect(bind) as conn:
        rows = conn.execute(sql("unit_positions"), {"prefix": _check_prefix(area)}).all()
    return [dict(r._mapping) for r in rows]


def tip_trend(
    bind: Bind,
    viewer: Viewer,
    *,
    area: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    categories: Sequence[str] = (),
    statuses: Sequence[str] = (),
    grades: Sequence[str] = (),
) -> list[tuple[dt.date, str, int]]:
    """(day, category, n): tips per Bangkok day and category (aggregates: every role), of
    ``categories``, ``statuses`` and source ``grades`` (empty: all). The whole country, a
    province or a district reads whole Bangkok days from ``tip_area_day`` (exact, as
    ``tip_counts``)."""
    _require(viewer, Cap.TIPS_AGGREGATE)
    stmt, params = _by_area(
        "tip_trend", _selection(area, since, until, categories, statuses, grades), since, until
    )
    with connect(bind) as conn:
        rows = conn.execute(sql(stmt), params).all()
    return [(r.day, str(r.category), int(r.n)) for r in rows]
