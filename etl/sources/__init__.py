"""Readers: agency files → rows of text values (and a geometry where the format has one).

A reader never drops a row: a row it cannot read cleanly (broken encoding, too many fields, an
unreadable geometry) comes back with ``error`` set, for validation to quarantine with its raw
content. A file that cannot be read at all — or that is too big, a zip bomb, nested too deeply —
raises SourceError naming the file and the reason, before anything is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geodata.errors import SitawareError

MAX_FILE_BYTES = 512 * 1024 * 1024  # tabular text files
MAX_GEOJSON_BYTES = 100 * 1024 * 1024  # GeoJSON is parsed whole
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 100  # uncompressed / compressed, per member
MAX_FIELD_CHARS = 100_000


class SourceError(SitawareError):
    """A file that cannot be read as a whole (the message names it and says why)."""


@dataclass
class SourceRow:
    """One record as read: text values by column name, an optional geometry, and a read
    problem when there was one."""

    number: int  # row number in the file as a person would count it (header = 1 for CSV)
    values: dict[str, str]
    geometry: Any = None  # shapely geometry, or None
    error: str | None = None  # "reason_code: message"


@dataclass
class SourceTable:
    """What a reader returns."""

    path: Path
    format: str
    columns: list[str]
    rows: list[SourceRow] = field(default_factory=list)
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


def read(path: Path, kind: str | None = None) -> SourceTable:
    """Read any supported file, chosen by its extension (and checked by its content). An OSM
    extract holds every kind of object, so it needs ``kind`` (lodging or venues)."""
    from etl.sources import osm, tabular, vector

    if not path.exists():
        raise SourceError(f"{path}: no such file")
    if path.is_dir():
        raise SourceError(f"{path}: is a folder, not a file")
    suffix = (
        "".join(path.suffixes[-2:]).lower()
        if path.suffix in (".gz", ".pbf")
        else path.suffix.lower()
    )
    if suffix in (".csv", ".txt", ".tsv"):
        return tabular.read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return tabular.read_xlsx(path)
    if suffix in (".geojson", ".json", ".geojson.gz"):
        return vector.read_geojson(path)
    if suffix in (".gpkg", ".shp", ".zip"):
        return vector.read_vector(path)
    if suffix in (".pbf", ".osm.pbf"):
        if kind not in ("lodging", "venues"):
            raise SourceError(f"{path}: an OSM extract loads as lodging or venues, not {kind}")
        return osm.read_osm(path, kind)
    raise SourceError(
        f"{path}: unsupported file type {suffix or '(none)'}; "
        "use CSV, XLSX, GeoJSON, GeoPackage, Shapefile or OSM PBF"
    )
