"""The only dashboard module that calls geodata; short-lived caches live here.

Functions that return tips take the viewer: the shaping by role happens in geodata's queries.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import flask

from geodata import db, queries, tips
from geodata.db import Bind
from geodata.roles import Viewer
from geodata.settings import get_settings

P = ParamSpec("P")
R = TypeVar("R")


def ttl_cache(seconds: float) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Memoise a function of hashable arguments for ``seconds`` (reference data only: never
    anything that depends on who is asking)."""

    def deco(fn: Callable[P, R]) -> Callable[P, R]:
        store: dict[Any, tuple[float, R]] = {}

        @wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            key = (args, tuple(sorted(kwargs.items())))
            hit = store.get(key)
            now = time.monotonic()
            if hit is not None and now - hit[0] < seconds:
                return hit[1]
            value = fn(*args, **kwargs)
            store[key] = (now, value)
            return value

        wrapper.cache_clear = store.clear  # type: ignore[attr-defined]
        return wrapper

    return deco


def bind() -> Bind:
    """The app's database bind (an Engine; tests give a Connection in a rolled-back transaction)."""
    if flask.has_app_context():
        configured: Bind | None = flask.current_app.config.get("SITAWARE_BIND")
        if configured is not None:
            return configured
    return db.get_engine(get_settings())


# Display simplification per level (degrees): coarse for the whole country, finer when zoomed in.
_TOLERANCE = {
    ("province", False): 0.01,
    ("district", False): 0.01,
    ("district", True): 0.002,
    ("province", True): 0.002,
    ("subdistrict", True): 0.0005,
}


@ttl_cache(300)
def admin_geojson(level: str, prefix: str) -> dict[str, Any]:
    """Admin areas for the map (GeoJSON, EPSG:4326)."""
    tol = _TOLERANCE.get((level, bool(prefix)), 0.001)
    return queries.admin_areas_geojson(bind(), level, prefix, tol)


@ttl_cache(60)
def admin_summary(prefix: str) -> list[queries.LevelSummary]:
    """Counts per level under ``prefix``."""
    return queries.admin_summary(bind(), prefix)


@ttl_cache(300)
def provinces() -> list[queries.AdminArea]:
    """Provinces for the picker."""
    return queries.provinces(bind())


@ttl_cache(60)
def data_sources() -> list[queries.DataSource]:
    """Attribution of every loaded layer."""
    return queries.data_sources(bind())


def tip_counts(
    viewer: Viewer, area: str, since: dt.datetime | None = None
) -> list[tuple[str, int]]:
    """Tips per category in ``area`` since ``since`` (aggregates: every role)."""
    return tips.tip_counts(bind(), viewer, area=area, since=since)


def tip_trend(
    viewer: Viewer, area: str, since: dt.datetime | None
) -> list[tuple[dt.date, str, int]]:
    """Tips per day and category (aggregates)."""
    return tips.tip_trend(bind(), viewer, area=area, since=since)


def tip_marker(viewer: Viewer) -> str:
    """Changes whenever tips change (for live pages)."""
    return tips.tip_marker(bind(), viewer)


def tip_records(
    viewer: Viewer, area: str, limit: int = 20, since: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Newest tips in ``area``, shaped by ``viewer``'s role."""
    return tips.tip_records(bind(), viewer, area=area, limit=limit, since=since)


def venues(viewer: Viewer, area: str, limit: int = 15) -> list[dict[str, Any]]:
    """Most sensitive venues in ``area``."""
    return tips.venues_in_area(bind(), viewer, area=area, limit=limit)


def heat_cell(area: str) -> float:
    """Heat grid cell size in degrees for an area: about 5.5 km for the whole country (the
    browser gets thousands of cells, not a hundred thousand), 550 m inside a province."""
    return 0.05 if area == "" else 0.005


def tip_density(
    viewer: Viewer, area: str, since: dt.datetime | None = None
) -> list[tuple[float, float, int]]:
    """Tip counts per grid cell in ``area`` (aggregates: every role with tips.aggregate)."""
    return tips.tip_density(bind(), viewer, area=area, since=since, cell_deg=heat_cell(area))


def venue_points(viewer: Viewer, area: str) -> list[dict[str, Any]]:
    """Sensitive venues of ``area`` as map points."""
    return tips.venue_points(bind(), viewer, area=area)


def nearby(
    viewer: Viewer, lon: float, lat: float, radius_m: float, since: dt.datetime | None
) -> dict[str, Any]:
    """What is near a point, shaped by ``viewer``'s role."""
    return tips.nearby(bind(), viewer, lon, lat, radius_m=radius_m, since=since)


def locate(text: str) -> tuple[float, float, str] | None:
    """An address or place typed by the user → (lon, lat, what was found), offline."""
    from dashboard.intake import gazetteer
    from etl.geocode.geocoder import Geocoder

    g = Geocoder(gazetteer(bind()))
    r = g.geocode_address(text)
    if not r.ok:
        r = g.geocode_text(text)
    if r.lon is None or r.lat is None:
        return None
    return r.lon, r.lat, r.precision


def units(viewer: Viewer, area: str) -> list[dict[str, Any]]:
    """Patrol units' last known positions."""
    return tips.unit_positions(bind(), viewer, area=area)


# --- review (geocoder answers and quarantined rows) ----------------------------------------


def review_queue(viewer: Viewer) -> list[Any]:
    """Geocoder answers waiting for a person."""
    from geodata import geocoding

    return geocoding.review_queue(bind(), viewer)


def review_decide(viewer: Viewer, key: str, decision: str, value: str = "") -> Any:
    """Accept, move (``value``: a coordinate in any form, or an address) or reject (``value``:
    the reason) one answer; audited in geodata."""
    from etl.geocode import coords
    from geodata import geocoding

    if decision == "accept":
        return geocoding.review_accept(bind(), viewer, key)
    if decision == "reject":
        return geocoding.review_reject(bind(), viewer, key, value)
    c = coords.parse(value)
    if c.lon is not None and c.lat is not None:
        return geocoding.review_move(bind(), viewer, key, c.lon, c.lat)
    found = locate(value)
    if found is None:
        raise geocoding.ReviewError(f"no place found for {value[:60]!r}")
    return geocoding.review_move(bind(), viewer, key, found[0], found[1])


def quarantine_batches(limit: int = 50) -> list[Any]:
    """Recent load batches that refused rows."""
    from geodata import load

    return [b for b in load.batches(bind(), limit=limit) if b.n_quarantined > 0]


def quarantined(batch_id: int) -> list[Any]:
    """A batch's refused rows (unresolved)."""
    from geodata import load

    return load.quarantined(bind(), batch_id)


def retry_batch(viewer: Viewer, batch_id: int) -> Any:
    """Run a batch's refused rows through the ETL again; audited as an import."""
    from dashboard.auth.guard import app_settings
    from dashboard.intake import gazetteer
    from etl import pipeline
    from etl.geocode.geocoder import Geocoder
    from geodata import audit

    settings = app_settings()
    geocoder = Geocoder(gazetteer(bind()), bind(), review_below=settings.geocode_review_below)
    report = pipeline.retry(bind(), geocoder, settings, batch_id, started_by=viewer.username)
    audit.record(
        bind(),
        "import",
        viewer=viewer,
        object_type="etl_batch",
        object_ids=[batch_id],
        detail={"retry": True, "retried": report.retried, "left": report.still_quarantined},
    )
    return report


def hotspots(viewer: Viewer, area: str, since: dt.datetime | None) -> list[Any]:
    """Gi* hotspots of tips (H3 cells; counts only)."""
    from geodata import hotspots as gi

    return gi.hotspots(bind(), viewer, area=area, since=since)


def place_name(lon: float, lat: float, lang: str) -> str:
    """'subdistrict, district' at a point, in ``lang``."""
    areas = {a.level: a for a in queries.admin_areas_at(bind(), lon, lat)}
    parts = [areas[lv] for lv in ("subdistrict", "district") if lv in areas]
    return ", ".join(a.name_th if lang == "th" else a.name_en for a in parts) or "–"


def clear_caches() -> None:
    """Forget cached reference data (after a reload, or between tests)."""
    for fn in (admin_geojson, admin_summary, provinces, data_sources):
        fn.cache_clear()  # type: ignore[attr-defined]
