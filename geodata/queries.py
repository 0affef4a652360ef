"""Typed wrappers around the spatial SQL in ``geodata/sql`` (one statement per file).

Values are always bound parameters; the only identifiers are the file names, which come from
this module's own constants.

A statement may include a shared fragment: a line that reads ``-- @include NAME`` is replaced,
when the file is loaded, by ``geodata/sql/_NAME.sql`` without its leading comment lines (its
header). Fragments hold clauses only, with bound parameters like any statement; they include
nothing themselves. ``docs/architecture.md`` says why.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import TextClause, text

from geodata.codes import check_area
from geodata.db import Bind, connect
from geodata.models import ADMIN_LEVELS

_INCLUDE = re.compile(r"^[ \t]*-- @include ([a-z_]+)[ \t]*$", re.MULTILINE)


def _read(name: str) -> str:
    return resources.files("geodata.sql").joinpath(f"{name}.sql").read_text(encoding="utf-8")


def fragment(name: str) -> str:
    """The clauses of ``geodata/sql/_<name>.sql``: the file without its header comments."""
    lines = _read(f"_{name}").splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("--")):
        lines.pop(0)
    body = "\n".join(lines).rstrip()
    if not body or _INCLUDE.search(body):
        raise ValueError(f"fragment {name!r} must hold clauses and include nothing")
    return body


def expand(source: str) -> str:
    """``source`` with each ``-- @include NAME`` line replaced by the fragment ``NAME``."""
    return _INCLUDE.sub(lambda m: fragment(m.group(1)), source)


@lru_cache(maxsize=128)
def sql(name: str) -> TextClause:
    """The statement in ``geodata/sql/<name>.sql``, its fragments included, as a bindable
    TextClause."""
    return text(expand(_read(name)))


@dataclass(frozen=True)
class AdminArea:
    """An admin area without its geometry."""

    level: str
    code: str
    name_th: str
    name_en: str
    approximate: bool = False


@dataclass(frozen=True)
class LevelSummary:
    """How many areas a level holds and how many have official boundaries."""

    level: str
    n: int
    n_official: int
    n_approximate: int
    n_without_polygon: int


@dataclass(frozen=True)
class DataSource:
    """Attribution of one loaded layer."""

    code: str
    layer: str
    name: str
    licence: str
    attribution: str
    version: str | None
    loaded_at: dt.datetime


def _check_level(level: str) -> None:
    if level not in ADMIN_LEVELS:
        raise ValueError(f"level must be one of {ADMIN_LEVELS}, not {level!r}")


def _check_prefix(prefix: str) -> None:
    check_area(prefix, any_prefix=True)


def admin_areas_geojson(
    bind: Bind, level: str, prefix: str = "", tolerance_deg: float = 0.001
) -> dict[str, Any]:
    """Admin areas of ``level`` under DOPA code ``prefix`` as a GeoJSON FeatureCollection
    (EPSG:4326), simplified by ``tolerance_deg`` degrees for display; coordinates are written
    to a tenth of the tolerance (no digits that the simplification already blurred)."""
    _check_level(level)
    _check_prefix(prefix)
    tol = float(tolerance_deg)
    decimals = min(7, max(3, math.ceil(-math.log10(tol / 10)))) if tol > 0 else 7
    with connect(bind) as conn:
        fc = conn.execute(
            sql("admin_areas_geojson"),
            {"level": level, "prefix": prefix, "tolerance_deg": tol, "decimals": decimals},
        ).scalar_one()
    return fc if isinstance(fc, dict) else json.loads(fc)


def admin_summary(bind: Bind, prefix: str = "") -> list[LevelSummary]:
    """Per-level counts of areas under ``prefix`` ('' = all Thailand)."""
    _check_prefix(prefix)
    with connect(bind) as conn:
        rows = conn.execute(sql("admin_area_summary"), {"prefix": prefix}).all()
    return [
        LevelSummary(r.level, r.n, r.n_official, r.n_approximate, r.n_without_polygon) for r in rows
    ]


def admin_areas_at(bind: Bind, lon: float, lat: float) -> list[AdminArea]:
    """Province, district and subdistrict containing the point (lon/lat, EPSG:4326)."""
    with connect(bind) as conn:
        rows = conn.execute(
            sql("admin_area_at_point"), {"lon": float(lon), "lat": float(lat)}
        ).all()
    return [AdminArea(r.level, r.code, r.name_th, r.name_en, r.approximate) for r in rows]


def admin_areas_near(bind: Bind, lon: float, lat: float, max_deg: float = 0.03) -> list[AdminArea]:
    """For a point no outline contains: the nearest subdistrict and the nearest district
    within ``max_deg`` degrees, in that order (either missing when there is none)."""
    with connect(bind) as conn:
        rows = conn.execute(
            sql("admin_area_near_point"),
            {"lon": float(lon), "lat": float(lat), "max_deg": float(max_deg)},
        ).all()
    return [AdminArea(r.level, r.code, r.name_th, r.name_en, r.approximate) for r in rows]


def provinces(bind: Bind) -> list[AdminArea]:
    """All provinces, in Thai alphabetical order."""
    with connect(bind) as conn:
        rows = conn.execute(sql("provinces_list")).all()
    return [AdminArea("province", r.code, r.name_th, r.name_en) for r in rows]


def data_sources(bind: Bind) -> list[DataSource]:
    """Attribution of every loaded layer."""
    with connect(bind) as conn:
        rows = conn.execute(sql("data_sources")).all()
    return [
        DataSource(r.code, r.layer, r.name, r.licence, r.attribution, r.version, r.loaded_at)
        for r in rows
    ]
