"""GeoJSON (parsed by us, with size and nesting limits), GeoPackage and Shapefile (pyogrio)."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

from etl.sources import MAX_FILE_BYTES, MAX_GEOJSON_BYTES, SourceError, SourceRow, SourceTable

MAX_GZIP_BYTES = MAX_GEOJSON_BYTES


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_GEOJSON_BYTES:
        raise SourceError(
            f"{path}: {size:,} bytes is over the {MAX_GEOJSON_BYTES:,}-byte GeoJSON limit; "
            "convert it to GeoPackage (ogr2ogr) and load that"
        )
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as f:
                raw = f.read(MAX_GZIP_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise SourceError(f"{path}: damaged gzip ({exc})") from None
        if len(raw) > MAX_GZIP_BYTES:
            raise SourceError(f"{path}: unpacks to over {MAX_GZIP_BYTES:,} bytes; refused")
    return raw


def read_geojson(path: Path) -> SourceTable:
    """Features of a GeoJSON FeatureCollection: properties as text, geometry as shapely."""
    raw = _read_bytes(path)
    try:  # the parser refuses nesting past Python's recursion limit with RecursionError
        doc = json.loads(raw)
    except RecursionError:
        raise SourceError(f"{path}: JSON nested too deeply; refused") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise SourceError(f"{path}: not a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        raise SourceError(f"{path}: the FeatureCollection has no 'features' list")
    crs = (doc.get("crs") or {}).get("properties", {}).get("name", "")
    if crs and not any(c in str(crs) for c in ("4326", "CRS84")):
        raise SourceError(f"{path}: coordinates in {crs}; GeoJSON must be WGS 84 (EPSG:4326)")
    columns: dict[str, None] = {}
    rows: list[SourceRow] = []
    for i, feat in enumerate(features, start=1):
        if not isinstance(feat, dict):
            rows.append(SourceRow(i, {"_raw": _text(feat)[:2000]}, error="geometry: not a feature"))
            continue
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            props = {"properties": props}
        values = {str(k): _text(v) for k, v in props.items()}
        if "id" in feat and "id" not in values:
            values["id"] = _text(feat["id"])
        columns.update(dict.fromkeys(values))
        geom, error = None, None
        if feat.get("geometry") is not None:
            try:
                geom = shape(feat["geometry"])
            except (
                ValueError,
                TypeError,
                KeyError,
                AttributeError,
                shapely.errors.GEOSException,
            ) as exc:
                error = f"geometry: unreadable ({exc.__class__.__name__})"
                values["_geometry"] = _text(feat["geometry"])[:2000]
        rows.append(SourceRow(i, values, geometry=geom, error=error))
    return SourceTable(path=path, format="geojson", columns=list(columns), rows=rows)


def read_vector(path: Path) -> SourceTable:
    """A GeoPackage or Shapefile layer (the first), reprojected to EPSG:4326."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SourceError(f"{path}: {size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit")
    import pyogrio

    try:
        gdf = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises DataSourceError and GDAL errors
        raise SourceError(f"{path}: cannot read ({exc})") from None
    if gdf.crs is None:
        raise SourceError(f"{path}: the layer has no coordinate reference system")
    if gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    columns = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    rows = []
    for i, (values, geom) in enumerate(
        zip(gdf[columns].itertuples(index=False), gdf.geometry, strict=True), start=1
    ):
        rows.append(
            SourceRow(i, {c: _text(v) for c, v in zip(columns, values, strict=True)}, geometry=geom)
        )
    return SourceTable(
        path=path, format=path.suffix.lstrip(".").lower(), columns=columns, rows=rows
    )
