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

from geodata.codes import check_area
from geodata.db import Bind, connect
from geodata.errors import ForbiddenError
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


def tip_counts(
    bind: Bind,
    viewer: Viewer,
    *,
    area: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    categories: Sequence[str] = (),
) -> list[tuple[str, int]]:
    """(category, count) of tips in ``area`` (DOPA code prefix) and the time window."""
    _require(viewer, Cap.TIPS_AGGREGATE)
    params = {"prefix": _check_prefix(area), "since": since, "until": until}
    with connect(bind) as conn:
        rows = conn.execute(
            sql("tip_counts"), {**params, "categories": _categories(categories)}
        ).all()
    return [(str(r.category), int(r.n)) for r in rows]


def tip_records(
    bind: Bind,
    viewer: Viewer,
    *,
    area: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    categories: Sequence[str] = (),
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Newest tips in ``area``; ``text`` only for roles holding ``tips.text``."""
    _require(viewer, Cap.TIPS_RECORDS)
    with_text = viewer.can(Cap.TIPS_TEXT)
    with connect(bind) as conn:
        rows = conn.execute(
            sql("tip_records"),
            {
                "prefix": _check_prefix(area),
                "since": since,
                "until": until,
                "categories": _categories(categories),
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


MAX_POINTS = 20_000


def tip_density(
    bind: Bind,
    viewer: Viewer,
    *,
    area: str = "",
    since: dt.datetime | None = None,
    cell_deg: float = 0.005,
) -> list[tuple[float, float, int]]:
    """(lon, lat, n) per grid cell of tips in ``area``: a heat layer without any record."""
    _require(viewer, Cap.TIPS_AGGREGATE)
    cell = min(1.0, max(0.001, float(cell_deg)))
    prefix = _check_prefix(area)
    with connect(bind) as conn:
        if prefix:
            rows = conn.execute(
                sql("tip_density"), {"prefix": prefix, "since": since, "cell_deg": cell}
            ).all()
        else:
            rows = conn.execute(sql("tip_density_all"), {"since": since, "cell_deg": cell}).all()
    return [(float(r.lon), float(r.lat), int(r.n)) for r in rows]


def venue_points(
    bind: Bind, viewer: Viewer, *, area: str = "", limit: int = MAX_POINTS
) -> list[dict[str, Any]]:
    """Sensitive venues of ``area`` as map points (most sensitive first)."""
    _require(viewer, Cap.MAP_VIEW)
    with connect(bind) as conn:
        rows = conn.execute(
            sql("venue_points"),
            {"prefix": _check_prefix(area), "limit": max(1, min(int(limit), MAX_POINTS))},
        ).all()
    return [dict(r._mapping) for r in rows]


def tip_marker(bind: Bind, viewer: Viewer) -> str:
    """A value that changes whenever tips are added or changed or a unit moves: the newest
    tip id, the newest committed load batch (every load, the intake API's included, commits
    one) and the newest unit position. All come from primary-key indexes, so a page may ask
    every second."""
    _require(viewer, Cap.TIPS_AGGREGATE)
    with connect(bind) as conn:
        row = conn.execute(
            text(
                "SELECT (SELECT max(id) FROM tip) AS tip, "
                "(SELECT max(id) FROM etl_batch WHERE status = 'committed') AS batch, "
                "(SELECT max(id) FROM unit_position) AS unit"
            )
        ).one()
    return f"{row.tip or 0}:{row.batch or 0}:{row.unit or 0}"


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
    with_tips: bool = True,
) -> dict[str, Any]:
    """What is near a point: the nearest venues and lodging sites (map.view) and tips in the
    radius — records for roles with tips.records, only their number otherwise
    (``with_tips=False`` skips the tips)."""
    _require(viewer, Cap.MAP_VIEW)
    lon, lat = float(lon), float(lat)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError("not a point")
    radius = max(10.0, min(float(radius_m), MAX_RADIUS_M))
    n = max(1, min(int(n), 50))
    # degrees of latitude per metre, widened for longitude at this latitude
    deg = radius / 110_000 / max(0.2, math.cos(math.radians(lat)))
    with connect(bind) as conn:
        places = conn.execute(
            sql("nearby"),
            {"lon": lon, "lat": lat, "radius_m": radius, "deg": deg, "k": n * 3},
        ).all()
        tips_near = []
        total = 0
        if with_tips and viewer.can(Cap.TIPS_AGGREGATE):
            rows = conn.execute(
                sql("tips_nearby"),
                {"lon": lon, "lat": lat, "radius_m": radius, "deg": deg, "since": since, "n": n},
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
) -> list[tuple[dt.date, str, int]]:
    """(day, category, n): tips per Bangkok day and category (aggregates: every role)."""
    _require(viewer, Cap.TIPS_AGGREGATE)
    params = {"prefix": _check_prefix(area), "since": since, "until": until}
    with connect(bind) as conn:
        rows = conn.execute(
            sql("tip_trend"), {**params, "categories": _categories(categories)}
        ).all()
    return [(r.day, str(r.category), int(r.n)) for r in rows]
