"""``sitaware geocode INPUT.csv --out OUT.csv``: geocode a CSV file, keeping every input column
and adding geo_lat, geo_lon, geo_precision, geo_confidence, geo_province_code,
geo_district_code, geo_subdistrict_code and geo_reason.

Per row, a valid coordinate wins (lat/lon columns or a coordinate column); otherwise the
address; otherwise the free text. Reads UTF-8 (with or without BOM) and TIS-620/cp874.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from etl.geocode.geocoder import Geocoder, GeoResult
from etl.sources import SourceError, SourceRow
from etl.sources.tabular import read_csv
from geodata.errors import SitawareError

GEO_COLUMNS = (
    "geo_lat",
    "geo_lon",
    "geo_precision",
    "geo_confidence",
    "geo_province_code",
    "geo_district_code",
    "geo_subdistrict_code",
    "geo_reason",
)


class GeocodeFileError(SitawareError):
    """The input file cannot be geocoded as asked (names the file and the reason)."""


@dataclass(frozen=True)
class Columns:
    """Which input columns hold what."""

    address: str | None = None
    text: str | None = None
    lat: str | None = None
    lon: str | None = None
    coords: str | None = None


@dataclass
class FileReport:
    """What a run did."""

    rows: int = 0
    encoding: str = ""
    by_precision: Counter[str] = field(default_factory=Counter)
    pending_review: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self, path: Path) -> str:
        """One paragraph for the terminal."""
        parts = ", ".join(f"{k} {v}" for k, v in self.by_precision.most_common())
        lines = [f"{path.name}: {self.rows} rows geocoded ({self.encoding}); {parts}"]
        if self.pending_review:
            lines.append(f"{self.pending_review} answers under the review threshold are pending")
        lines += self.notes
        return "\n".join(lines)


def read_rows(path: Path) -> tuple[list[str], list[SourceRow], str]:
    """Header, rows and encoding of a CSV file (``etl.sources`` reads it)."""
    try:
        table = read_csv(path)
    except (SourceError, OSError) as exc:
        raise GeocodeFileError(
            str(exc) if isinstance(exc, SourceError) else f"{path}: {exc}"
        ) from exc
    return table.columns, table.rows, table.encoding or ""


_GUESS = {
    "address": ("address", "addr", "ที่อยู่", "full_address"),
    "text": ("text", "comment", "description", "ข้อความ", "รายละเอียด"),
    "coords": ("coords", "coordinates", "location", "latlon", "lat_lon", "พิกัด"),
    "lat": ("lat", "latitude", "ละติจูด"),
    "lon": ("lon", "lng", "long", "longitude", "ลองจิจูด"),
}


def choose_columns(path: Path, header: list[str], given: Columns) -> tuple[Columns, list[str]]:
    """Check the named columns exist; when none is named, recognise the usual names."""
    notes: list[str] = []
    named = [v for v in (given.address, given.text, given.lat, given.lon, given.coords) if v]
    for col in named:
        if col not in header:
            raise GeocodeFileError(
                f"{path}: no column {col!r}; the columns are {', '.join(header)}"
            )
    if (given.lat is None) != (given.lon is None):
        raise GeocodeFileError(f"{path}: --lat-column and --lon-column go together")
    if given.coords and given.lat:
        raise GeocodeFileError(f"{path}: give --coords-column or --lat/--lon-column, not both")
    if named:
        return given, notes
    lower = {h.casefold(): h for h in header}
    found = {k: next((lower[n] for n in names if n in lower), None) for k, names in _GUESS.items()}
    cols = Columns(
        address=found["address"],
        text=None if found["address"] else found["text"],
        lat=found["lat"] if found["lat"] and found["lon"] else None,
        lon=found["lon"] if found["lat"] and found["lon"] else None,
        coords=None if found["lat"] and found["lon"] else found["coords"],
    )
    used = {k: v for k, v in vars(cols).items() if v}
    if not used:
        raise GeocodeFileError(
            f"{path}: no column to geocode; name one with --address-column, --text-column, "
            f"--coords-column or --lat-column/--lon-column (columns: {', '.join(header)})"
        )
    notes.append("columns recognised: " + ", ".join(f"{k}={v!r}" for k, v in used.items()))
    return cols, notes


def _combine(*candidates: GeoResult | None) -> GeoResult:
    """The first answer with a point; else the first answer, with every reason given."""
    got = [c for c in candidates if c is not None]
    for c in got:
        if c.ok:
            refused = [f"{r.source or 'input'}: {r.reason}" for r in got if r is not c and r.reason]
            if refused and c is not got[0]:
                return replace(c, reason="; ".join(refused))
            return c
    reasons = [r.reason for r in got if r.reason]
    return replace(got[0], reason="; ".join(dict.fromkeys(reasons)) or "nothing to geocode")


def geocode_rows(geocoder: Geocoder, rows: list[dict[str, str]], cols: Columns) -> list[GeoResult]:
    """One answer per row."""
    n = len(rows)
    point: list[GeoResult | None] = [None] * n
    if cols.lat and cols.lon:
        lat_col, lon_col = cols.lat, cols.lon
        values = [
            f"{r[lat_col]}, {r[lon_col]}" if r[lat_col].strip() and r[lon_col].strip() else ""
            for r in rows
        ]
        point = list(geocoder.batch("coords", values))
    elif cols.coords:
        coords_col = cols.coords
        point = list(geocoder.batch("coords", [r[coords_col] for r in rows]))
    point = [p if p is None or p.ok or _given(rows[i], cols) else None for i, p in enumerate(point)]
    address: list[GeoResult | None] = [None] * n
    if cols.address:
        todo = [i for i in range(n) if point[i] is None or not point[i].ok]  # type: ignore[union-attr]
        answers = geocoder.batch("address", [rows[i][cols.address] for i in todo])
        for i, a in zip(todo, answers, strict=True):
            address[i] = replace(a, source=a.source or "address")
    text: list[GeoResult | None] = [None] * n
    if cols.text:
        todo = [
            i for i in range(n) if not any(x is not None and x.ok for x in (point[i], address[i]))
        ]
        answers = geocoder.batch("text", [rows[i][cols.text] for i in todo])
        for i, a in zip(todo, answers, strict=True):
            text[i] = a
    return [_combine(point[i], address[i], text[i]) for i in range(n)]


def _given(row: dict[str, str], cols: Columns) -> bool:
    if cols.lat and cols.lon:
        return bool(row[cols.lat].strip() or row[cols.lon].strip())
    return bool(cols.coords and row[cols.coords].strip())


def _fmt(v: float | None, digits: int) -> str:
    return "" if v is None else f"{v:.{digits}f}"


def geocode_file(geocoder: Geocoder, src: Path, out: Path, given: Columns) -> FileReport:
    """Geocode ``src`` into ``out`` (written whole, then renamed into place)."""
    header, source_rows, encoding = read_rows(src)
    cols, notes = choose_columns(src, header, given)
    rows = [{h: r.values.get(h, "") for h in header} for r in source_rows]
    results = geocode_rows(geocoder, rows, cols)
    for i, src_row in enumerate(source_rows):  # a row that could not be read is not geocoded
        if src_row.error:
            results[i] = GeoResult(
                None, None, "none", 0.0, reason=f"row {src_row.number}: {src_row.error}"
            )
    clash = [c for c in GEO_COLUMNS if c in header]
    if clash:
        notes.append(f"input columns {clash} are replaced by this run's answers")
    out_header = [h for h in header if h not in GEO_COLUMNS] + list(GEO_COLUMNS)
    tmp = out.with_name(out.name + ".part")
    report = FileReport(rows=len(rows), encoding=encoding, notes=notes)
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=out_header, extrasaction="ignore")
        w.writeheader()
        for row, r in zip(rows, results, strict=True):
            report.by_precision[r.precision] += 1
            report.pending_review += r.review_status == "pending"
            w.writerow(
                {
                    **row,
                    "geo_lat": _fmt(r.lat, 6),
                    "geo_lon": _fmt(r.lon, 6),
                    "geo_precision": r.precision,
                    "geo_confidence": f"{r.confidence:.3f}",
                    "geo_province_code": r.province_code or "",
                    "geo_district_code": r.district_code or "",
                    "geo_subdistrict_code": r.subdistrict_code or "",
                    "geo_reason": r.reason or "",
                }
            )
    tmp.replace(out)
    return report
