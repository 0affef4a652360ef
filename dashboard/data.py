"""The only dashboard module that calls geodata; short-lived caches live here."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Engine

from geodata import db, queries
from geodata.settings import get_settings

P = ParamSpec("P")
R = TypeVar("R")


def ttl_cache(seconds: float) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Memoise a function of hashable arguments for ``seconds`` (reference data changes rarely)."""

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


_engine: Engine | None = None


def use_engine(engine: Engine | None) -> None:
    """Point the dashboard at ``engine`` (the app factory does this from its settings)."""
    global _engine  # noqa: PLW0603 - one engine per process, set once by the factory
    _engine = engine
    for fn in (admin_geojson, admin_summary, provinces, data_sources):
        fn.cache_clear()  # type: ignore[attr-defined]


def engine() -> Engine:
    """The engine the app was created with (default: the configured database)."""
    return _engine if _engine is not None else db.get_engine(get_settings())


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
    return queries.admin_areas_geojson(engine(), level, prefix, tol)


@ttl_cache(60)
def admin_summary(prefix: str) -> list[queries.LevelSummary]:
    """Counts per level under ``prefix``."""
    return queries.admin_summary(engine(), prefix)


@ttl_cache(300)
def provinces() -> list[queries.AdminArea]:
    """Provinces for the picker."""
    return queries.provinces(engine())


@ttl_cache(60)
def data_sources() -> list[queries.DataSource]:
    """Attribution of every loaded layer."""
    return queries.data_sources(engine())
