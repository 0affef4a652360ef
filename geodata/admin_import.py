"""Import official admin boundaries (OCHA COD-AB GeoJSON, gzip or plain) in one transaction.

Every problem names the file, the feature and the reason. Invalid polygons are repaired with
``make_valid`` and counted. Nothing is written unless the whole file is good.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from sqlalchemy import text

from geodata.bulk import copy_to_temp, ewkb_hex
from geodata.db import Bind, begin
from geodata.errors import AdminImportError
from geodata.reference.sources import as_multipolygon

LEVEL_PREFIX = {"province": "ADM1", "district": "ADM2", "subdistrict": "ADM3"}
CODE_LENGTH = {"province": 2, "district": 4, "subdistrict": 6}
MAX_BYTES = 512 * 1024 * 1024  # uncompressed; Thailand's finest official layer is ~40 MB
# A margin around Thailand (EPSG:4326). Anything else is another CRS or another country.
THAILAND_BOUNDS = (96.0, 4.5, 107.0, 21.5)
_WGS84_NAMES = {
    "EPSG:4326",
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "OGC:CRS84",
    "CRS84",
}
SOURCE_CODE = "ocha-cod-ab"


@dataclass(frozen=True)
class AdminFeature:
    """One boundary from the file, validated."""

    code: str
    name_th: str
    name_en: str
    geom: shapely.MultiPolygon
    repaired: bool


@dataclass(frozen=True)
class ImportReport:
    """What ``import_admin`` did."""

    file: Path
    level: str
    features: int
    updated: int
    inserted: int
    repairs: int

    def summary(self) -> str:
        """One line for the operator."""
        return (
            f"{self.file.name}: {self.features} {self.level} boundaries imported "
            f"({self.updated} replaced, {self.inserted} new), "
            f"{self.repairs} invalid polygons repaired"
        )


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise AdminImportError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise AdminImportError(f"{path}: file is empty")
    with path.open("rb") as f:
        magic = f.read(2)
    opener: Any = gzip.open if magic == b"\x1f\x8b" else open
    try:
        with opener(path, "rb") as f:
            data: bytes = f.read(MAX_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise AdminImportError(f"{path}: cannot read ({exc}); is the gzip file complete?") from exc
    if len(data) > MAX_BYTES:
        raise AdminImportError(f"{path}: larger than {MAX_BYTES // 2**20} MB uncompressed; refused")
    if not data.strip():
        raise AdminImportError(f"{path}: file is empty")
    return data


def _check_crs(path: Path, doc: dict[str, Any]) -> None:
    crs = doc.get("crs")
    if crs is None:
        return  # RFC 7946: GeoJSON without a crs member is WGS 84
    name = str(((crs or {}).get("properties") or {}).get("name", ""))
    if name not in _WGS84_NAMES:
        raise AdminImportError(
            f"{path}: coordinates are in {name or 'an unknown CRS'}, not EPSG:4326; "
            "reproject the file to EPSG:4326 (e.g. ogr2ogr -t_srs EPSG:4326) and import again"
        )


def read_features(path: Path, level: str) -> list[AdminFeature]:
    """Parse and validate ``path``; raise AdminImportError naming the file, feature and reason."""
    if level not in LEVEL_PREFIX:
        raise AdminImportError(f"level must be one of {', '.join(LEVEL_PREFIX)}, not {level!r}")
    raw = _read_bytes(path)
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise AdminImportError(f"{path}: not UTF-8 text (GeoJSON must be UTF-8): {exc}") from exc
    except json.JSONDecodeError as exc:
        raise AdminImportError(
            f"{path}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise AdminImportError(f"{path}: not a GeoJSON FeatureCollection")
    _check_crs(path, doc)
    feats = doc.get("features")
    if not isinstance(feats, list) or not feats:
        raise AdminImportError(f"{path}: the FeatureCollection has no features")

    prefix, n_digits = LEVEL_PREFIX[level], CODE_LENGTH[level]
    code_re = re.compile(rf"^TH(\d{{{n_digits}}})$")
    out: list[AdminFeature] = []
    seen: dict[str, int] = {}
    minx, miny, maxx, maxy = THAILAND_BOUNDS
    for i, feat in enumerate(feats, start=1):
        where = f"{path}: feature {i}"
        props = (feat or {}).get("properties") or {}
        pcode = str(props.get(f"{prefix}_PCODE", ""))
        m = code_re.match(pcode)
        if not m:
            raise AdminImportError(
                f"{where}: {prefix}_PCODE is {pcode!r}, expected 'TH' + {n_digits} digits for a "
                f"{level}; is --level right?"
            )
        code = m.group(1)
        if code in seen:
            raise AdminImportError(f"{where}: code {pcode} repeats feature {seen[code]}")
        seen[code] = i
        try:
            geom = shapely.from_geojson(json.dumps(feat.get("geometry")))
        except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
            raise AdminImportError(f"{where} ({pcode}): unreadable geometry: {exc}") from exc
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            kind = "none" if geom is None or geom.is_empty else geom.geom_type
            raise AdminImportError(f"{where} ({pcode}): geometry is {kind}, expected a polygon")
        bx0, by0, bx1, by1 = geom.bounds
        if bx0 < minx or by0 < miny or bx1 > maxx or by1 > maxy:
            raise AdminImportError(
                f"{where} ({pcode}): coordinates {geom.bounds} are outside Thailand in "
                "EPSG:4326; the file is probably in a projected CRS (e.g. UTM 47N) or lon/lat "
                "are swapped; reproject to EPSG:4326"
            )
        repaired = not geom.is_valid
        mp = as_multipolygon(geom)
        if mp is None:
            raise AdminImportError(f"{where} ({pcode}): polygon has no area after repair")
        name_th = str(props.get(f"{prefix}_TH") or "").strip()
        name_en = str(props.get(f"{prefix}_EN") or "").strip()
        out.append(AdminFeature(code, name_th, name_en, mp, repaired))
    return out


def import_admin(bind: Bind, path: Path, level: str) -> ImportReport:
    """Replace the ``level`` boundaries with those in ``path``; all or nothing."""
    features = read_features(Path(path), level)
    with begin(bind) as conn:
        if level != "province":
            parent_level = "province" if level == "district" else "district"
            parents = {
                r[0]
                for r in conn.execute(
                    text("SELECT code FROM admin_area WHERE level = :l"), {"l": parent_level}
                )
            }
            orphans = [f.code for f in features if f.code[: len(f.code) - 2] not in parents]
            if orphans:
                raise AdminImportError(
                    f"{path}: {len(orphans)} {level} codes have no {parent_level} loaded "
                    f"(e.g. {orphans[:3]}); run `sitaware geodata load-reference` first"
                )
        conn.execute(
            text(
                """
                INSERT INTO data_source (code, layer, name, licence, attribution, version)
                VALUES (:code, 'admin_polygons', 'OCHA COD-AB Thailand (RTSD)', 'CC BY-IGO 3.0',
                        'Official boundaries: OCHA / RTSD (CC BY-IGO 3.0)', :version)
                ON CONFLICT (code) DO UPDATE SET loaded_at = now(), version = EXCLUDED.version
                """
            ),
            {"code": SOURCE_CODE, "version": path.name},
        )
        copy_to_temp(
            conn,
            "stage_admin_import",
            [
                ("code", "text"),
                ("parent_code", "text"),
                ("name_th", "text"),
                ("name_en", "text"),
                ("geom", "geometry"),
                ("repaired", "boolean"),
            ],
            (
                (f.code, f.code[:-2] or None, f.name_th, f.name_en, ewkb_hex(f.geom), f.repaired)
                for f in features
            ),
        )
        updated = conn.execute(
            text(
                """
                UPDATE admin_area a SET geom = ST_Multi(s.geom), approximate = false,
                    geom_source = :src, repairs = s.repaired::int, updated_at = now(),
                    centroid = coalesce(a.centroid, ST_PointOnSurface(s.geom))
                FROM stage_admin_import s WHERE a.code = s.code AND a.level = :level
                """
            ),
            {"src": SOURCE_CODE, "level": level},
        ).rowcount
        inserted = conn.execute(
            text(
                """
                INSERT INTO admin_area (code, level, parent_code, name_th, name_en, centroid, geom,
                                        approximate, source, geom_source, repairs)
                SELECT s.code, CAST(:level AS text), s.parent_code, s.name_th, s.name_en,
                       ST_PointOnSurface(s.geom), ST_Multi(s.geom), false, :src, :src,
                       s.repaired::int
                FROM stage_admin_import s
                WHERE NOT EXISTS (SELECT 1 FROM admin_area a WHERE a.code = s.code)
                """
            ),
            {"src": SOURCE_CODE, "level": level},
        ).rowcount
    return ImportReport(
        file=Path(path),
        level=level,
        features=len(features),
        updated=updated,
        inserted=inserted,
        repairs=sum(f.repaired for f in features),
    )
