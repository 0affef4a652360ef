"""Rows → typed records, or quarantine with a reason code and a message. Nothing is dropped.

Reason codes: ``fields`` (wrong field count), ``encoding``, ``overlong``, ``formula`` (a cell
that a spreadsheet would run), ``missing_id``, ``missing_name``, ``coords`` (unreadable, NaN,
out of range), ``swapped`` (latitude and longitude exchanged: fixed by the agency, not guessed),
``geometry`` (unreadable or unrepairable), ``no_location``, ``date``, ``category``, ``value``
(a number or grade out of range), ``duplicate`` (the same id twice in one file).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from etl.geocode import coords
from etl.geocode.text import clean
from etl.profiles import CATEGORY_WORDS, LODGING_TYPES, VENUE_CATEGORIES, Profile, resolve
from etl.sources import SourceRow, SourceTable
from etl.thaidate import ThaiDateError, parse_datetime
from geodata import extent

MAX_NAME = 300
MAX_ADDRESS = 1000
MAX_TEXT = 10_000
# What a spreadsheet would run: "=…", or "+", "-", "@" leading into a function or a DDE call
# ("@SUM(", "+HYPERLINK(", "-2+3+cmd|' /C calc'!A0"). Bulleted Thai text ("- ซอย…") is not.
_FORMULA = re.compile(r"^\s*(?:=\S|[+\-@][\d\s+\-*/.]*[A-Za-z_][A-Za-z_0-9.]*\s*[(!|])")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_RELIABILITY = re.compile(r"^([A-F])\s*([1-6])$")


class RowError(Exception):
    """One row cannot become a record."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Record:
    """A typed record, ready to be geocoded and loaded."""

    number: int
    source_id: str
    values: dict[str, Any]  # table columns (name_th, category, reported_at, …)
    lon: float | None = None
    lat: float | None = None
    address: str = ""
    text: str = ""


@dataclass
class Rejected:
    """A quarantined row: where it was, what it held, why it was refused."""

    number: int
    raw: dict[str, Any]
    code: str
    message: str


@dataclass
class Validated:
    """The outcome of validating one file."""

    records: list[Record] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)


def reporter_hash(contact: str, key: bytes) -> str | None:
    """Keyed hash (HMAC-SHA256) of a reporter's phone or e-mail, normalised; never the contact
    itself. The same reporter gets the same hash, so repeat reporters can be counted."""
    c = clean(contact).casefold()
    if not c:
        return None
    if "@" not in c:
        digits = re.sub(r"\D", "", c)
        if digits.startswith("66") and len(digits) >= 11:
            digits = "0" + digits[2:]
        c = digits
    return hmac.new(key, c.encode(), hashlib.sha256).hexdigest()


Cleaned = dict[str, str]  # a row's mapped values, each cleaned once: target field → text


def _cleaned(row: SourceRow, mapping: dict[str, str]) -> Cleaned:
    values = row.values
    return {t: clean(values.get(c, "")) for t, c in mapping.items()}


def _check_cells(row: SourceRow) -> None:
    for col, v in row.values.items():
        if v and _FORMULA.match(v):
            raise RowError("formula", f"column {col!r} holds a formula-like value {v[:40]!r}")


def _names(c: Cleaned) -> tuple[str | None, str | None]:
    th, en = c.get("name_th", ""), c.get("name_en", "")
    plain = c.get("name", "")
    if plain:
        if _THAI.search(plain):
            th = th or plain
        else:
            en = en or plain
    for label, v in (("name", th), ("name_en", en)):
        if len(v) > MAX_NAME:
            raise RowError("overlong", f"{label} is {len(v)} characters (limit {MAX_NAME})")
    return th or None, en or None


Bounds = tuple[float, float, float, float]
THAILAND: Bounds = (extent.MIN_LON, extent.MIN_LAT, extent.MAX_LON, extent.MAX_LAT)


def _inside(lon: float, lat: float, b: Bounds) -> bool:
    return b[0] <= lon <= b[2] and b[1] <= lat <= b[3]


def _lat_lon(lat_s: str, lon_s: str, bounds: Bounds) -> tuple[float, float]:
    try:
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        raise RowError(
            "coords", f"latitude {lat_s!r} / longitude {lon_s!r} are not numbers"
        ) from None
    if any(math.isnan(v) or math.isinf(v) for v in (lat, lon)):
        raise RowError("coords", "latitude or longitude is NaN or infinite")
    if not _inside(lon, lat, bounds):
        if _inside(lat, lon, bounds):
            raise RowError(
                "swapped",
                f"latitude {lat_s} and longitude {lon_s} look swapped (the area served is lat "
                f"{bounds[1]:g}–{bounds[3]:g}, lon {bounds[0]:g}–{bounds[2]:g})",
            )
        raise RowError("coords", f"({lat_s}, {lon_s}) is not a point in the area served")
    return lon, lat


def _coords_text(raw: str, order: str) -> tuple[float, float]:
    if order == "lonlat":
        parts = [p.strip() for p in raw.strip("[]() ").replace("'", "").split(",")]
        try:
            lon, lat = float(parts[0]), float(parts[1])
        except (ValueError, IndexError):
            raise RowError("coords", f"coordinates {raw[:40]!r} are not 'lon,lat'") from None
        c = coords.from_lat_lon(lat, lon)
        if not c.ok or c.swapped:
            raise RowError("coords", f"{raw[:40]!r}: {c.reason or 'not lon,lat in Thailand'}")
        return lon, lat
    c = coords.parse(raw)
    if c.lon is None or c.lat is None:
        raise RowError("coords", f"{raw[:40]!r}: {c.reason}")
    return c.lon, c.lat


def _point(
    row: SourceRow, c: Cleaned, profile: Profile, bounds: Bounds
) -> tuple[float | None, float | None]:
    """The record's point from lat/lon columns, a coordinate column, a WKT column or the
    file's own geometry (``row``'s), in that order."""
    lat_s, lon_s = c.get("lat", ""), c.get("lon", "")
    if lat_s or lon_s:
        return _lat_lon(lat_s, lon_s, bounds)
    raw = c.get("coords", "")
    if raw:
        return _coords_text(raw, profile.coords_order)
    wkt = c.get("wkt", "")
    if wkt:
        try:
            geom = shapely.from_wkt(wkt)
        except shapely.errors.GEOSException as exc:
            raise RowError("geometry", f"unreadable WKT {wkt[:40]!r}: {exc}") from None
        return _geometry_point(geom, bounds)
    if isinstance(row.geometry, BaseGeometry):
        return _geometry_point(row.geometry, bounds)
    return None, None


def _geometry_point(geom: BaseGeometry, bounds: Bounds) -> tuple[float, float]:
    if geom.is_empty:
        raise RowError("geometry", "empty geometry")
    if not geom.is_valid:
        repaired = shapely.make_valid(geom)
        polygonal = geom.geom_type in ("Polygon", "MultiPolygon")
        if repaired.is_empty or (polygonal and repaired.area == 0):
            raise RowError(
                "geometry",
                f"invalid geometry that cannot be repaired: {shapely.is_valid_reason(geom)}",
            )
        geom = repaired
    p = geom if geom.geom_type == "Point" else geom.representative_point()
    x, y = float(shapely.get_x(p)), float(shapely.get_y(p))
    if not _inside(x, y, bounds):
        raise RowError("coords", f"geometry at ({y:.4f}, {x:.4f}) is not in the area served")
    return x, y


def _category(raw: str, profile: Profile) -> str:
    if profile.multi_label:
        raw = raw.strip("{}")
    if profile.kind == "tips":
        labels = [x.strip().strip('"') for x in raw.split(",") if x.strip().strip('"')]
        return ",".join(labels)[:64] or (profile.default_category or "other")
    k = raw.casefold()
    if k in VENUE_CATEGORIES:
        return k
    for word, cat in CATEGORY_WORDS.items():
        if word in k:
            return cat
    if not raw and profile.default_category:
        return profile.default_category
    raise RowError("category", f"category {raw[:40]!r} is not one of {', '.join(VENUE_CATEGORIES)}")


def _int(raw: str, label: str, lo: int, hi: int) -> int | None:
    if not raw:
        return None
    try:
        v = int(float(raw.replace(",", "")))
    except ValueError:
        raise RowError("value", f"{label} {raw[:20]!r} is not a number") from None
    if not lo <= v <= hi:
        raise RowError("value", f"{label} {v} is out of range {lo}–{hi}")
    return v


def _kind_values(c: Cleaned, profile: Profile, key: bytes) -> dict[str, Any]:
    def g(target: str) -> str:
        return c.get(target, "")

    if profile.kind == "lodging":
        t = g("lodging_type").casefold()
        ltype = next((v for k, v in LODGING_TYPES.items() if k in t), t or None)
        expires = None
        if g("licence_expires"):
            try:
                expires = parse_datetime(g("licence_expires")).date()
            except ThaiDateError as exc:
                raise RowError(
                    "date", f"licence_expires {g('licence_expires')[:30]!r}: {exc}"
                ) from None
        return {
            "lodging_type": ltype[:32] if ltype else None,
            "rooms": _int(g("rooms"), "rooms", 0, 20_000),
            "contact": g("contact")[:200] or None,
            "licence_no": g("licence_no")[:64] or None,
            "licence_expires": expires,
        }
    if profile.kind == "venues":
        return {
            "category": _category(g("category"), profile),
            "sensitivity": _int(g("sensitivity"), "sensitivity", 1, 5) or 3,
            "contact": g("contact")[:200] or None,
        }
    when = g("reported_at")
    if g("time") and when and ":" not in when and "." not in when.split()[-1]:
        when = f"{when} {g('time')}"
    try:
        reported_at = parse_datetime(when)
    except ThaiDateError as exc:
        raise RowError("date", f"reported_at {when[:30]!r}: {exc}") from None
    text = g("text")
    if len(text) > MAX_TEXT:
        raise RowError("overlong", f"text is {len(text)} characters (limit {MAX_TEXT})")
    grade = g("reliability").upper().replace(" ", "")
    if grade and not _RELIABILITY.match(grade):
        raise RowError("value", f"reliability {grade[:10]!r} is not an Admiralty grade A1–F6")
    return {
        "reported_at": reported_at,
        "channel": (profile.channel or g("channel") or None),
        "category": _category(g("category"), profile),
        "text": text or None,
        "status": (g("status") or "new")[:16],
        "reliability": grade or None,
        "reporter_hash": reporter_hash(g("reporter"), key),
    }


def source_id(row: SourceRow, m: dict[str, str]) -> str | None:
    """The id validation gives ``row`` (its id column, else a content hash), or None when it
    would refuse the id — without validating the rest of the row."""
    col = m.get("source_id")
    try:
        return _source_id(row, m, {"source_id": clean(row.values.get(col, ""))} if col else {})
    except RowError:
        return None


def _source_id(row: SourceRow, m: dict[str, str], cleaned: Cleaned) -> str:
    sid = cleaned.get("source_id", "")
    if sid:
        if len(sid) > 200:
            raise RowError("overlong", f"id is {len(sid)} characters (limit 200)")
        return sid
    # No id column: a content hash stands in (an edited row then loads as a new record).
    content = json.dumps(
        {k: row.values.get(c, "") for k, c in sorted(m.items())}, ensure_ascii=False, sort_keys=True
    )
    return "h:" + hashlib.sha256(content.encode()).hexdigest()[:24]


def validate_row(
    row: SourceRow, m: dict[str, str], profile: Profile, key: bytes, bounds: Bounds = THAILAND
) -> Record:
    """One row → a Record, or RowError."""
    if row.error:
        code, _, message = row.error.partition(": ")
        raise RowError(code, message or row.error)
    _check_cells(row)
    c = _cleaned(row, m)
    sid = _source_id(row, m, c)
    name_th, name_en = _names(c)
    if profile.kind != "tips" and not (name_th or name_en):
        raise RowError("missing_name", "no name (ชื่อ / name)")
    address = c.get("address", "")
    if len(address) > MAX_ADDRESS:
        raise RowError("overlong", f"address is {len(address)} characters (limit {MAX_ADDRESS})")
    lon, lat = _point(row, c, profile, bounds)
    values = _kind_values(c, profile, key)
    text = values.get("text") or ""
    if lon is None and not address and not (profile.kind == "tips" and text):
        raise RowError("no_location", "no coordinates, geometry or address")
    values.update({"name_th": name_th, "name_en": name_en, "address_raw": address or None})
    return Record(row.number, sid, values, lon, lat, address, text)


def validate(
    table: SourceTable,
    profile: Profile,
    key: bytes,
    bounds: Bounds = THAILAND,
    seen: dict[str, int] | None = None,
) -> Validated:
    """Every row of ``table`` → a record or a quarantined row (never neither). ``seen`` (id →
    row number) carries duplicate detection across the chunks of one file."""
    out = Validated(mapping=resolve(profile, table.columns))
    seen = {} if seen is None else seen
    for row in table.rows:
        try:
            rec = validate_row(row, out.mapping, profile, key, bounds)
        except RowError as exc:
            out.rejected.append(Rejected(row.number, _raw(row), exc.code, exc.message))
            continue
        first = seen.get(rec.source_id)
        if first is not None:
            out.rejected.append(
                Rejected(
                    row.number,
                    _raw(row),
                    "duplicate",
                    f"id {rec.source_id!r} already on row {first} of this file",
                )
            )
            continue
        seen[rec.source_id] = row.number
        out.records.append(rec)
    return out


def _raw(row: SourceRow) -> dict[str, Any]:
    raw: dict[str, Any] = dict(row.values)
    if row.geometry is not None:
        try:
            raw["_geometry_wkt"] = row.geometry.wkt[:2000]
        except (AttributeError, shapely.errors.GEOSException):
            raw["_geometry_wkt"] = "(unreadable)"
    return raw
