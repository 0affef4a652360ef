"""The only dashboard module that calls geodata; short-lived caches live here.

Functions that return tips take the viewer: the shaping by role happens in geodata's queries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import flask
import orjson

from dashboard.components.filters import MapQuery
from geodata import db, queries, tips
from geodata.codes import LEVEL_OF_LENGTH
from geodata.db import Bind
from geodata.roles import Cap, Viewer
from geodata.settings import get_settings

P = ParamSpec("P")
R = TypeVar("R")


class Answers:
    """Answers by key, each kept ``ttl`` seconds, at most ``maxsize`` of them, the least
    recently used dropped first; safe to share between a worker's threads."""

    def __init__(self) -> None:
        self._store: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, ttl: float) -> tuple[bool, Any]:
        """(True, answer) when ``key`` was answered less than ``ttl`` seconds ago."""
        with self._lock:
            hit = self._store.get(key)
            if hit is None or time.monotonic() - hit[0] >= ttl:
                return False, None
            self._store.move_to_end(key)
            return True, hit[1]

    def put(self, key: Any, value: Any, maxsize: int, asked_at: float) -> None:
        """Keep ``value``, computed from the data as it was at ``asked_at`` (monotonic)."""
        with self._lock:
            self._store[key] = (asked_at, value)
            self._store.move_to_end(key)
            while len(self._store) > maxsize:
                self._store.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._store.clear()

    def __len__(self) -> int:
        return len(self._store)


def ttl_cache(seconds: float, maxsize: int = 4096) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Memoise a function of hashable arguments for ``seconds``, at most ``maxsize`` answers
    (the least recently used dropped first; reference data only: never anything that depends
    on who is asking)."""

    def deco(fn: Callable[P, R]) -> Callable[P, R]:
        store = Answers()

        @wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            key = (args, tuple(sorted(kwargs.items())))
            asked_at = time.monotonic()
            found, value = store.get(key, seconds)
            if not found:
                value = fn(*args, **kwargs)
                store.put(key, value, maxsize, asked_at)
            return value  # type: ignore[no-any-return]

        wrapper.cache_clear = store.clear  # type: ignore[attr-defined]
        return wrapper

    return deco


SHARED_TTL = 30.0  # seconds; any new tip, load or unit position ends it sooner
SHARED_MAX = 1024  # answers kept per process, the least recently used dropped first
_shared = Answers()


def _version() -> str:
    """Changes whenever tips, loads or unit positions change (three primary-key lookups),
    read once per request: a map's drawing asks several shared aggregates."""
    if not flask.has_request_context():
        return tips.data_version(bind())
    if "sitaware_data_version" not in flask.g:
        flask.g.sitaware_data_version = tips.data_version(bind())
    return str(flask.g.sitaware_data_version)


def shared(*shaping: Cap) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Share the answer of a query between everyone asking the same thing.

    Every open page asks again each time tips change, and fifty people looking at the same
    area ask the same questions: the first one is computed, the rest read it. The key holds

    - ``shaping``: the capabilities that decide the answer's shape and the right to it (a
      role sees only its own shape of the data). Viewers who hold the same of them get the
      same answer; one who lacks a capability the query needs never shares a key with one who
      holds it, so geodata's check runs for them and refuses;
    - the question (the arguments): a ``MapQuery`` without what only changes the drawing
      (level shown, layers switched on, era of the dates): the functions shared here read
      only what selects tips and places. A rolling window's start moves in steps
      (``filters.window_span``), so pages opened a moment apart ask the same;
    - the data's version, so a new tip, load or unit position is never hidden by the cache."""

    def deco(fn: Callable[..., R]) -> Callable[..., R]:
        @wraps(fn)
        def wrapper(viewer: Viewer, *args: Any, **kwargs: Any) -> R:
            held = frozenset(c for c in shaping if viewer.can(c))
            asked = (tuple(map(_question, args)), tuple(sorted(kwargs.items())))
            key = (fn.__name__, id(bind()), held, asked, _version())
            asked_at = time.monotonic()
            found, value = _shared.get(key, SHARED_TTL)
            if not found:
                value = fn(viewer, *args, **kwargs)
                _shared.put(key, value, SHARED_MAX, asked_at)
            return value  # type: ignore[no-any-return]

        return wrapper

    return deco


def _question(arg: Any) -> Any:
    """A ``MapQuery`` without what only changes the drawing; any other argument as it is."""
    if isinstance(arg, MapQuery):
        return replace(arg, level="", layers=frozenset(), be=False)
    return arg


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


@dataclass
class OutlineFile:
    """One outline trace's GeoJSON as the browser fetches it: the bytes, their gzip (made at
    the first request for it) and a version tag (a hash of the bytes)."""

    raw: bytes
    tag: str
    gz: bytes | None = None


class AdminLayer:
    """The admin areas of one level under a prefix: the FeatureCollection the figures are
    built from, and the same outlines as files per outline source (``files``)."""

    def __init__(self, fc: dict[str, Any]) -> None:
        self.fc = fc
        self._files: dict[str, OutlineFile] | None = None
        self._bounds: Bbox | None = None

    @property
    def bounds(self) -> Bbox:
        """The extent of the areas (min lon, min lat, max lon, max lat), computed once."""
        if self._bounds is None:
            from dashboard.components.admin_map import _bounds

            self._bounds = _bounds(self.fc)
        return self._bounds

    def files(self) -> dict[str, OutlineFile]:
        """One GeoJSON file per outline trace (legend key → file), encoded once."""
        if self._files is None:
            from dashboard.components.admin_map import groups

            files = {}
            for key, _colour, feats in groups(self.fc):
                raw = orjson.dumps({"type": "FeatureCollection", "features": feats})
                files[key] = OutlineFile(raw, hashlib.sha256(raw).hexdigest()[:16])
            self._files = files
        return self._files


@ttl_cache(300)
def admin_layer(level: str, prefix: str) -> AdminLayer:
    """Admin areas for the map (GeoJSON, EPSG:4326), with their files for the browser."""
    tol = _TOLERANCE.get((level, bool(prefix)), 0.001)
    return AdminLayer(queries.admin_areas_geojson(bind(), level, prefix, tol))


def admin_geojson(level: str, prefix: str) -> dict[str, Any]:
    """Admin areas for the map (GeoJSON, EPSG:4326)."""
    return admin_layer(level, prefix).fc


@ttl_cache(300)
def provinces() -> list[queries.AdminArea]:
    """Provinces for the picker."""
    return queries.provinces(bind())


@ttl_cache(60)
def data_sources() -> list[queries.DataSource]:
    """Attribution of every loaded layer."""
    return queries.data_sources(bind())


@shared(Cap.TIPS_AGGREGATE)
def tip_counts(viewer: Viewer, q: MapQuery, area: str | None = None) -> list[tuple[str, int]]:
    """Tips per category in the query's area (or ``area``), window, categories, statuses and
    source grades."""
    return tips.tip_counts(
        bind(), viewer, area=q.area if area is None else area, since=q.since, until=q.until,
        categories=q.categories, statuses=q.statuses, grades=q.grades,
    )  # fmt: skip


@shared(Cap.TIPS_AGGREGATE)
def tip_status_counts(viewer: Viewer, q: MapQuery) -> list[tuple[str, int]]:
    """Tips per status in the query's area and window (the status filter's choices)."""
    return tips.tip_status_counts(bind(), viewer, area=q.area, since=q.since, until=q.until)


@shared(Cap.TIPS_AGGREGATE)
def tip_trend(
    viewer: Viewer, q: MapQuery, area: str | None = None
) -> list[tuple[dt.date, str, int]]:
    """Tips per day and category (aggregates)."""
    return tips.tip_trend(
        bind(), viewer, area=q.area if area is None else area, since=q.since, until=q.until,
        categories=q.categories, statuses=q.statuses, grades=q.grades,
    )  # fmt: skip


def tip_marker(viewer: Viewer) -> str:
    """Changes whenever tips change (for live pages)."""
    return tips.tip_marker(bind(), viewer)


@shared(Cap.TIPS_RECORDS, Cap.TIPS_TEXT)
def tip_records(viewer: Viewer, q: MapQuery, limit: int = 20) -> list[dict[str, Any]]:
    """Newest tips in the query's area and window, shaped by ``viewer``'s role."""
    return tips.tip_records(
        bind(), viewer, area=q.area, limit=limit, since=q.since, until=q.until,
        categories=q.categories, statuses=q.statuses, grades=q.grades,
    )  # fmt: skip


@shared(Cap.MAP_VIEW)
def venues(viewer: Viewer, area: str, limit: int = 15) -> list[dict[str, Any]]:
    """Most sensitive venues in ``area``."""
    return tips.venues_in_area(bind(), viewer, area=area, limit=limit)


Bbox = tuple[float, float, float, float]


# heat cells along the longer side of the fetched box (the viewport and a quarter more on each
# side): about 100 across the view itself, smooth under the heat's 20-pixel radius and a
# fraction of the bytes of 160
HEAT_CELLS_ACROSS = 150


@shared(Cap.TIPS_AGGREGATE)
def tip_density(viewer: Viewer, q: MapQuery, bbox: Bbox) -> list[tuple[float, float, int]]:
    """Tip counts per grid cell in the viewport (aggregates: tips.aggregate), the cell size
    following the viewport's span. The heat covers the whole viewport, across area borders:
    it is a picture of where tips are, and the viewport alone lets geodata read its
    pre-aggregated cells (an area code would make it count the tips one by one; so does a
    status or grade filter, which they do not hold)."""
    return tips.tip_density(
        bind(), viewer, since=q.since, until=q.until, bbox=bbox, categories=q.categories,
        statuses=q.statuses, grades=q.grades,
        cell_deg=tips.cell_for_bbox(bbox, across=HEAT_CELLS_ACROSS),
    )  # fmt: skip


@shared(Cap.MAP_VIEW)
def place_points(viewer: Viewer, q: MapQuery, layer: str, bbox: Bbox) -> dict[str, Any]:
    """Venues or lodging in the viewport: points when few enough, else counted grid cells."""
    return tips.place_points(bind(), viewer, layer, bbox=bbox, area=q.area)


def place_detail(viewer: Viewer, layer: str, place_id: int) -> dict[str, Any] | None:
    """One venue or lodging site in full, shaped by ``viewer``'s role (never cached)."""
    return tips.place_detail(bind(), viewer, layer, place_id)


def nearby(viewer: Viewer, lon: float, lat: float, radius_m: float, q: MapQuery) -> dict[str, Any]:
    """What is near a point, shaped by ``viewer``'s role: tips since the query's start, of its
    statuses and source grades."""
    return tips.nearby(
        bind(), viewer, lon, lat, radius_m=radius_m, since=q.since, statuses=q.statuses,
        grades=q.grades,
    )  # fmt: skip


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


@shared(Cap.MAP_VIEW)
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


@shared(Cap.TIPS_AGGREGATE)
def hotspots(viewer: Viewer, q: MapQuery) -> list[Any]:
    """The significant Gi* hot cells of tips (H3 cells; counts only) in the query's area,
    window, categories, statuses and source grades, strongest first (shared: the map and the
    ranked list ask the same; neither shows the other cells)."""
    from geodata import hotspots as gi

    bbox = area_bounds(q.area) if q.area else None
    return gi.hotspots(
        bind(), viewer, bbox=bbox, since=q.since, until=q.until, categories=q.categories,
        statuses=q.statuses, grades=q.grades, hot_only=True,
    )  # fmt: skip


def hexagon_km2(q: MapQuery) -> float:
    """The size of the hexagons ``hotspots`` uses for the query's extent, km²."""
    from geodata import hotspots as gi

    return gi.hexagon_km2(area_bounds(q.area) if q.area else None)


def admin_feature(code: str) -> dict[str, Any] | None:
    """One admin area's display outline (GeoJSON Feature) by its DOPA code, from the cached
    map layer of its level."""
    level = LEVEL_OF_LENGTH.get(len(code))
    if level is None:
        return None
    fc = admin_geojson(level, code[:2] if level != "province" else "")
    return next((f for f in fc.get("features", []) if f["id"] == code), None)


@ttl_cache(300)
def area_bounds(area: str) -> Bbox:
    """The bounding box of an admin area (from its outline), for viewport queries."""
    from dashboard.components.admin_map import _bounds

    feature = admin_feature(area)
    return _bounds({"features": [feature] if feature is not None else []})


def area_code_at(lon: float, lat: float, level: str) -> str | None:
    """The code of the admin area of ``level`` that contains the point, if any."""
    return next(
        (a.code for a in queries.admin_areas_at(bind(), lon, lat) if a.level == level), None
    )


@ttl_cache(300)
def place_name(lon: float, lat: float, lang: str) -> str:
    """'subdistrict, district' at a point, in ``lang`` (reference data: the ranked hotspots
    name the same hexagon centres answer after answer)."""
    areas = {a.level: a for a in queries.admin_areas_at(bind(), lon, lat)}
    parts = [areas[lv] for lv in ("subdistrict", "district") if lv in areas]
    if parts:
        return ", ".join(a.name_th if lang == "th" else a.name_en for a in parts)
    # a hexagon centre on the river, the sea or between outlines: the nearest areas, said so
    near = list({a.code: a for a in queries.admin_areas_near(bind(), lon, lat)}.values())
    if not near:
        return "–"
    from dashboard.i18n import t

    names = ", ".join(a.name_th if lang == "th" else a.name_en for a in near)
    return t("near_place", lang).format(place=names)


def clear_caches() -> None:
    """Forget cached reference data (after a reload, or between tests)."""
    for fn in (admin_layer, area_bounds, provinces, data_sources, place_name):
        fn.cache_clear()  # type: ignore[attr-defined]
    _shared.clear()


# --- areas, filters, alerts ----------------------------------------------------------------


@shared(Cap.TIPS_AGGREGATE)
def area_counts(viewer: Viewer, q: MapQuery, level: str) -> dict[str, int]:
    """Tips per admin unit of ``level`` in the query's area and window (a choropleth)."""
    from geodata import areas

    return areas.area_counts(
        bind(), viewer, level=level, prefix=q.area, since=q.since, until=q.until,
        categories=q.categories, statuses=q.statuses, grades=q.grades,
    )  # fmt: skip


def area_summary(
    viewer: Viewer, q: MapQuery, code: str, polygon: list[tuple[float, float]] | None
) -> dict[str, Any]:
    """What an admin unit or a drawn polygon holds, by layer (tips in the query's window, of
    its statuses and source grades)."""
    from geodata import areas

    return areas.area_summary(
        bind(), viewer, area_code=code if polygon is None else "", polygon=polygon,
        since=q.since, until=q.until, statuses=q.statuses, grades=q.grades,
    )  # fmt: skip


def tips_near_venues(viewer: Viewer, q: MapQuery, spec: dict[str, Any]) -> dict[str, Any]:
    """Tips within a radius of venues of some categories (the "near each other" filter)."""
    from geodata import areas

    return areas.tips_near_venues(
        bind(), viewer, radius_m=spec["radius_m"], venue_categories=spec["venue_categories"],
        tip_categories=q.categories, since=q.since, until=q.until, area=q.area,
        statuses=q.statuses, grades=q.grades,
    )  # fmt: skip


def send_area_to_report(
    viewer: Viewer, name: str, code: str, polygon: list[tuple[float, float]] | None,
    spec: dict[str, Any],
) -> Any:  # fmt: skip
    """Keep an area (admin unit or drawn polygon) for the reports (audited in geodata)."""
    from geodata import views

    return views.send_area_to_report(
        bind(), viewer, name=name, area_code=code if polygon is None else "", polygon=polygon,
        spec=spec,
    )  # fmt: skip


def save_filter(viewer: Viewer, name: str, spec: dict[str, Any]) -> Any:
    """Save a person's filter under a name."""
    from geodata import views

    return views.save_filter(bind(), viewer, name, spec)


def saved_filters(viewer: Viewer) -> list[Any]:
    """A person's saved filters, newest first."""
    from geodata import views

    return views.list_filters(bind(), viewer)


def new_alerts(viewer: Viewer, after_id: int) -> list[dict[str, Any]]:
    """Tips after ``after_id`` that match a geofence rule (near a sensitive venue)."""
    from geodata import alerts

    return alerts.new_alerts(bind(), viewer, after_id=after_id)


def latest_tip_id(viewer: Viewer) -> int:
    """The newest tip id (alerts start after it)."""
    from geodata import alerts

    return int(alerts.latest_tip_id(bind(), viewer))
