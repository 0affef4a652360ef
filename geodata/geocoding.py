"""What the geocoder reads from and writes to PostGIS.

- the gazetteer (admin areas with the point to answer for each, GeoNames places);
- batch reverse geocoding (indexed point-in-polygon);
- the ``geocode_cache`` of answers, keyed by a hash of the normalised query;
- the review queue: answers under the confidence threshold wait as ``pending`` until someone
  with ``review.edit`` accepts them, moves the pin or rejects them. Every decision is audited
  and becomes the cached answer, so the same query is never asked of a person twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from geodata import audit
from geodata.bulk import copy_to_temp
from geodata.codes import is_area_code
from geodata.db import Bind, begin, connect
from geodata.errors import ForbiddenError, SitawareError
from geodata.extent import in_thailand
from geodata.models import GEO_PRECISIONS
from geodata.queries import sql
from geodata.roles import Cap, Viewer

REVIEW_STATUSES = ("auto", "pending", "accepted", "moved", "rejected")
REVIEWED = ("accepted", "moved", "rejected")
MAX_QUEUE = 500


class ReviewError(SitawareError):
    """A review decision that cannot be applied (unknown key, point outside Thailand…)."""


@dataclass(frozen=True)
class GazetteerArea:
    """One admin area as the geocoder sees it."""

    code: str
    level: str
    parent_code: str | None
    name_th: str
    name_en: str
    postcodes: tuple[str, ...]
    approximate: bool
    official: bool
    lon: float | None
    lat: float | None
    area_km2: float | None = None


@dataclass(frozen=True)
class GazetteerPlace:
    """One GeoNames place."""

    id: int
    name: str
    admin1: str | None
    admin2: str | None
    province_code: str | None
    lon: float
    lat: float


@dataclass(frozen=True)
class CachedAnswer:
    """One row of ``geocode_cache``."""

    key: str
    query: str
    lon: float | None
    lat: float | None
    precision: str
    confidence: float
    province_code: str | None
    district_code: str | None
    subdistrict_code: str | None
    reason: str | None
    review_status: str
    reviewed_by: str | None = None
    hits: int = 0
    updated_at: dt.datetime | None = None


def gazetteer_areas(bind: Bind) -> list[GazetteerArea]:
    """Every province, district and subdistrict with its answer point."""
    with connect(bind) as conn:
        rows = conn.execute(sql("gazetteer_areas")).all()
    return [
        GazetteerArea(
            r.code,
            r.level,
            r.parent_code,
            r.name_th,
            r.name_en,
            tuple(r.postcodes or ()),
            bool(r.approximate),
            bool(r.official),
            None if r.lon is None else float(r.lon),
            None if r.lat is None else float(r.lat),
            None if r.area_km2 is None else float(r.area_km2),
        )
        for r in rows
    ]


def gazetteer_places(bind: Bind) -> list[GazetteerPlace]:
    """Every GeoNames place."""
    with connect(bind) as conn:
        rows = conn.execute(sql("gazetteer_places")).all()
    return [
        GazetteerPlace(
            int(r.id), r.name, r.admin1, r.admin2, r.province_code, float(r.lon), float(r.lat)
        )
        for r in rows
    ]


NEAR_DEG = 0.02  # about 2 km: a point this close to an outline belongs to it
Codes = tuple[str | None, str | None, str | None]


def hierarchy(sub: str | None, dist: str | None, prov: str | None = None) -> Codes:
    """(subdistrict, district, province) made consistent: a subdistrict's code fixes its
    district and province, a district's its province (outlines of other levels may overlap)."""
    if sub:
        return sub, sub[:4], sub[:2]
    if dist:
        return None, dist, dist[:2]
    return None, None, prov


def admin_polygons(bind: Bind, level: str) -> list[tuple[str, bytes, bool]]:
    """(code, WKB, approximate) of every outline of ``level``, official ones first."""
    if level not in ("province", "district", "subdistrict"):
        raise ValueError(f"unknown level {level!r}")
    with connect(bind) as conn:
        rows = conn.execute(sql("admin_polygons"), {"level": level}).all()
    return [(r.code, bytes(r.wkb), bool(r.approximate)) for r in rows]


def data_stamp(bind: Bind) -> str:
    """A stamp of the data the geocoder reads from the database (outlines, code changes, roads,
    reviewed answers) that changes whenever any of it is written."""
    with connect(bind) as conn:
        return str(conn.execute(sql("geocoder_data_stamp")).scalar_one())


MAX_NAMED_POINTS = 200_000


def road_count(bind: Bind) -> int:
    """How many named roads the street index holds."""
    with connect(bind) as conn:
        return int(conn.execute(text("SELECT count(*) FROM road")).scalar_one())


def roads_in_area(bind: Bind, code: str) -> list[tuple[str | None, str | None, bytes]]:
    """(Thai name, English name, WKB) of the named roads crossing admin area ``code``."""
    if not is_area_code(code):
        raise ValueError(f"not a DOPA code: {code!r}")
    with connect(bind) as conn:
        rows = conn.execute(
            text(
                "SELECT r.name_th, r.name_en, ST_AsBinary(r.geom) AS wkb FROM road r "
                "JOIN admin_area a ON a.code = :code AND a.geom && r.geom "
                "AND ST_Intersects(a.geom, r.geom)"
            ),
            {"code": code},
        ).all()
    return [(r.name_th, r.name_en, bytes(r.wkb)) for r in rows]


def named_points(bind: Bind) -> list[tuple[str, float, float]]:
    """(name, lon, lat) of every named venue and lodging site: places a tip may mention."""
    with connect(bind) as conn:
        rows = conn.execute(
            text(
                """
                SELECT n, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM (
                    SELECT unnest(ARRAY[name_th, name_en]) AS n, geom FROM venue
                    WHERE geom IS NOT NULL
                    UNION ALL
                    SELECT unnest(ARRAY[name_th, name_en]) AS n, geom FROM lodging_site
                    WHERE geom IS NOT NULL
                ) s
                WHERE n IS NOT NULL AND length(n) >= 4
                LIMIT :limit
                """
            ),
            {"limit": MAX_NAMED_POINTS},
        ).all()
    return [(str(r.n), float(r.lon), float(r.lat)) for r in rows]


def admin_codes_at(
    bind: Bind, points: Sequence[tuple[float, float]]
) -> list[tuple[str | None, str | None, str | None]]:
    """(subdistrict, district, province) codes containing each (lon, lat), in input order, in
    one indexed query. Where a subdistrict polygon holds the point, the district and province
    are its own (the hierarchy stays consistent even where outlines of other levels overlap).
    A point no polygon holds takes the nearest subdistrict within about 2 km (a pier on the
    river, a gap between simplified outlines); farther away it has no codes."""
    if not points:
        return []
    lons = [float(p[0]) for p in points]
    lats = [float(p[1]) for p in points]
    with connect(bind) as conn:
        rows = conn.execute(sql("admin_codes_at_points"), {"lons": lons, "lats": lats}).all()
        subs = [r.subdistrict_code for r in rows]
        dists = [r.district_code for r in rows]
        missing = [i for i, s in enumerate(subs) if s is None]
        if missing:
            near = conn.execute(
                sql("admin_codes_near_points"),
                {
                    "lons": [lons[i] for i in missing],
                    "lats": [lats[i] for i in missing],
                    "max_deg": NEAR_DEG,
                },
            ).all()
            for i, r in zip(missing, near, strict=True):
                subs[i] = r.subdistrict_code
                dists[i] = dists[i] or r.district_code
    return [
        hierarchy(sub, dist, r.province_code)
        for r, sub, dist in zip(rows, subs, dists, strict=True)
    ]


# --- cache ---------------------------------------------------------------------------------

_CACHE_COLUMNS = """
    key, query, ST_X(geom) AS lon, ST_Y(geom) AS lat, precision, confidence, province_code,
    district_code, subdistrict_code, reason, review_status, reviewed_by, hits, updated_at
"""


def _answer(r: Any) -> CachedAnswer:
    return CachedAnswer(
        r.key,
        r.query,
        None if r.lon is None else float(r.lon),
        None if r.lat is None else float(r.lat),
        r.precision,
        float(r.confidence),
        r.province_code,
        r.district_code,
        r.subdistrict_code,
        r.reason,
        r.review_status,
        r.reviewed_by,
        int(r.hits),
        r.updated_at,
    )


def cache_get(bind: Bind, keys: Sequence[str]) -> dict[str, CachedAnswer]:
    """Cached answers for ``keys`` (missing keys are absent); counts a hit on each found."""
    if not keys:
        return {}
    with begin(bind) as conn:
        rows = conn.execute(
            text(
                f"UPDATE geocode_cache SET hits = hits + 1 WHERE key = ANY(:keys) "  # noqa: S608 - constant column list
                f"RETURNING {_CACHE_COLUMNS}"
            ),
            {"keys": list(keys)},
        ).all()
    return {r.key: _answer(r) for r in rows}


def cache_put(bind: Bind, answers: Iterable[CachedAnswer]) -> int:
    """Insert or refresh answers. A reviewed answer (accepted, moved, rejected) is never
    overwritten by the machine. Returns the number of rows written."""
    rows = [
        {
            "key": a.key,
            "query": a.query,
            "lon": a.lon,
            "lat": a.lat,
            "precision": a.precision,
            "confidence": min(1.0, max(0.0, float(a.confidence))),
            "province_code": a.province_code,
            "district_code": a.district_code,
            "subdistrict_code": a.subdistrict_code,
            "reason": a.reason,
            "review_status": a.review_status,
        }
        for a in answers
    ]
    for r in rows:
        if r["precision"] not in GEO_PRECISIONS:
            raise ValueError(f"unknown precision {r['precision']!r}")
        if r["review_status"] not in ("auto", "pending"):
            raise ValueError("the machine writes only 'auto' or 'pending' answers")
    if not rows:
        return 0
    cols = (
        ("key", "text"),
        ("query", "text"),
        ("lon", "double precision"),
        ("lat", "double precision"),
        ("precision", "text"),
        ("confidence", "double precision"),
        ("province_code", "text"),
        ("district_code", "text"),
        ("subdistrict_code", "text"),
        ("reason", "text"),
        ("review_status", "text"),
    )
    with begin(bind) as conn:
        copy_to_temp(conn, "stage_geocode", cols, ([r[c] for c, _ in cols] for r in rows))
        result = conn.execute(
            text(
                """
                INSERT INTO geocode_cache AS c (key, query, geom, precision, confidence,
                    province_code, district_code, subdistrict_code, reason, review_status)
                SELECT DISTINCT ON (key) key, query,
                    CASE WHEN lon IS NULL OR lat IS NULL THEN NULL
                         ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END,
                    precision, confidence, province_code, district_code, subdistrict_code,
                    reason, review_status
                FROM stage_geocode
                ORDER BY key
                ON CONFLICT (key) DO UPDATE SET
                    geom = EXCLUDED.geom, precision = EXCLUDED.precision,
                    confidence = EXCLUDED.confidence, province_code = EXCLUDED.province_code,
                    district_code = EXCLUDED.district_code,
                    subdistrict_code = EXCLUDED.subdistrict_code, reason = EXCLUDED.reason,
                    review_status = EXCLUDED.review_status, updated_at = now()
                WHERE c.review_status IN ('auto', 'pending')
                """
            )
        )
    return int(result.rowcount or 0)


def cache_clear(bind: Bind, *, keep_reviewed: bool = True) -> int:
    """Forget machine answers (reviewed ones stay unless ``keep_reviewed`` is False)."""
    with begin(bind) as conn:
        result = conn.execute(
            text(
                "DELETE FROM geocode_cache WHERE NOT :keep OR review_status IN ('auto', 'pending')"
            ),
            {"keep": keep_reviewed},
        )
    return int(result.rowcount or 0)


# --- review queue --------------------------------------------------------------------------


def _require_review(viewer: Viewer) -> None:
    if not viewer.can(Cap.REVIEW):
        raise ForbiddenError(f"role {viewer.role or 'anonymous'} lacks {Cap.REVIEW.value}")


def review_queue(bind: Bind, viewer: Viewer, *, limit: int = 100) -> list[CachedAnswer]:
    """Answers waiting for a person, least confident first."""
    _require_review(viewer)
    with connect(bind) as conn:
        rows = conn.execute(
            text(
                f"SELECT {_CACHE_COLUMNS} FROM geocode_cache "  # noqa: S608 - constant column list
                "WHERE review_status = 'pending' ORDER BY confidence, hits DESC, key LIMIT :limit"
            ),
            {"limit": max(1, min(int(limit), MAX_QUEUE))},
        ).all()
    return [_answer(r) for r in rows]


def _decide(
    bind: Bind,
    viewer: Viewer,
    key: str,
    decision: str,
    *,
    detail: dict[str, Any],
    sets: str,
    params: dict[str, Any],
) -> CachedAnswer:
    _require_review(viewer)
    if sets not in _SETS.values():
        raise ValueError("unknown review update")
    with begin(bind) as conn:
        row = conn.execute(
            text(
                f"UPDATE geocode_cache SET {sets}, review_status = :decision, "  # noqa: S608 - `sets` is one of this module's constants
                "reviewed_by = :who, updated_at = now() WHERE key = :key "
                f"RETURNING {_CACHE_COLUMNS}"
            ),
            {**params, "key": key, "decision": decision, "who": viewer.username},
        ).one_or_none()
        if row is None:
            raise ReviewError(f"no geocoder answer with key {key!r}")
        audit.record(
            conn,
            "geocode.review",
            viewer=viewer,
            object_type="geocode_cache",
            object_ids=[key],
            area=row.subdistrict_code or row.district_code or row.province_code,
            detail={"decision": decision, **detail},
        )
    return _answer(row)


# What each decision sets: the only SQL fragments _decide puts into its statement.
_SETS = {
    "accepted": "confidence = confidence",
    "moved": "geom = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), precision = 'point', "
    "confidence = 1.0, province_code = :prov, district_code = :dist, "
    "subdistrict_code = :sub, reason = NULL",
    "rejected": "geom = NULL, precision = 'none', confidence = 0, province_code = NULL, "
    "district_code = NULL, subdistrict_code = NULL, reason = :reason",
}


def review_accept(bind: Bind, viewer: Viewer, key: str) -> CachedAnswer:
    """The machine's answer is right: keep it, and never ask again."""
    return _decide(bind, viewer, key, "accepted", detail={}, sets=_SETS["accepted"], params={})


def review_move(bind: Bind, viewer: Viewer, key: str, lon: float, lat: float) -> CachedAnswer:
    """The reviewer puts the pin at (lon, lat): a point answer with confidence 1, its admin
    codes read from the polygons that contain it."""
    _require_review(viewer)
    if not in_thailand(lon, lat):
        raise ReviewError(f"({lon}, {lat}) lies outside Thailand")
    ((sub, dist, prov),) = admin_codes_at(bind, [(lon, lat)])
    return _decide(
        bind,
        viewer,
        key,
        "moved",
        detail={"lon": round(lon, 6), "lat": round(lat, 6)},
        sets=_SETS["moved"],
        params={"lon": float(lon), "lat": float(lat), "sub": sub, "dist": dist, "prov": prov},
    )


def review_reject(bind: Bind, viewer: Viewer, key: str, reason: str) -> CachedAnswer:
    """The answer is wrong and nobody can place it: no point, with the reviewer's reason."""
    _require_review(viewer)
    reason = " ".join(str(reason).split())[:300]
    if not reason:
        raise ReviewError("a rejection needs a reason")
    return _decide(
        bind,
        viewer,
        key,
        "rejected",
        detail={"reason": reason},
        sets=_SETS["rejected"],
        params={"reason": f"rejected by reviewer: {reason}"},
    )
