"""Coordinates in the forms Thai agencies use → (lon, lat) in EPSG:4326, or a reason.

Accepted: decimal pairs ("13.72, 100.61" or "100.61,13.72", swap detected from Thailand's
extent), list-like strings ("['100.61', '13.72']"), DMS ("13°45'06\"N 100°29'36\"E"), UTM zone
47N/48N ("47N 662000 1521000" or easting/northing with a zone), map links ("…@13.7,100.5,15z",
"…?q=13.7,100.5"), Thai digits. NaN, infinities and points outside Thailand are refused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from pyproj import Transformer

from geodata.extent import in_thailand

MAX_INPUT = 200  # characters; longer text is not a coordinate
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NUM = r"[-+]?\d+(?:\.\d+)?"
_PAIR = re.compile(
    rf"^\s*[\[\(\{{]?\s*['\"]?({_NUM})['\"]?\s*[,;\s]\s*['\"]?({_NUM})['\"]?\s*[\]\)\}}]?\s*$"
)
_LINK = re.compile(rf"(?:@|[?&](?:q|ll|query)=)({_NUM}),\s*({_NUM})")
_DMS_PART = re.compile(
    r"(\d+(?:\.\d+)?)\s*[°º˚d]\s*(?:(\d+(?:\.\d+)?)\s*['′m]\s*)?(?:(\d+(?:\.\d+)?)\s*(?:\"|″|''|s)\s*)?([NSEW])",
    re.I,
)
_UTM = re.compile(
    rf"^\s*(?:zone\s*)?(4[78])\s*([NP])?\s*[,;\s]\s*({_NUM})\s*[,;\s]\s*({_NUM})\s*$", re.I
)


@dataclass(frozen=True)
class Coordinate:
    """A parsed point (EPSG:4326), or why there is none."""

    lon: float | None
    lat: float | None
    reason: str | None = None
    swapped: bool = False
    form: str | None = None

    @property
    def ok(self) -> bool:
        """True when a point was found."""
        return self.lon is not None and self.lat is not None


def _fail(reason: str) -> Coordinate:
    return Coordinate(None, None, reason)


def from_lat_lon(lat: float, lon: float, form: str = "decimal") -> Coordinate:
    """Validate a (lat, lon) pair; swap it when only the swapped pair lies in Thailand."""
    if any(math.isnan(v) or math.isinf(v) for v in (lat, lon)):
        return _fail("coordinate is NaN or infinite")
    if in_thailand(lon, lat):
        return Coordinate(lon, lat, form=form)
    if in_thailand(lat, lon):
        return Coordinate(lat, lon, swapped=True, form=form)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return _fail(f"({lat}, {lon}) is not a valid latitude/longitude")
    return _fail(f"({lat}, {lon}) lies outside Thailand")


@lru_cache(maxsize=2)
def _utm(zone: int) -> Transformer:
    return Transformer.from_crs(f"EPSG:326{zone}", "EPSG:4326", always_xy=True)


def from_utm(zone: int, easting: float, northing: float) -> Coordinate:
    """UTM zone 47N or 48N (WGS 84) easting/northing in metres → lon/lat."""
    if zone not in (47, 48):
        return _fail(f"UTM zone {zone} is not used in Thailand (47N or 48N)")
    if not (100_000 <= easting <= 900_000 and 0 <= northing <= 2_500_000):
        return _fail(f"UTM easting {easting} / northing {northing} out of range")
    lon, lat = _utm(zone).transform(easting, northing)
    result = from_lat_lon(lat, lon, form=f"utm{zone}n")
    return result if not result.swapped else _fail("UTM point lies outside Thailand")


def _dms(text: str) -> Coordinate | None:
    parts = _DMS_PART.findall(text)
    if len(parts) != 2:
        return None
    values: dict[str, float] = {}
    for deg, minutes, seconds, hemi in parts:
        v = float(deg) + float(minutes or 0) / 60 + float(seconds or 0) / 3600
        if (minutes and float(minutes) >= 60) or (seconds and float(seconds) >= 60):
            return _fail(f"minutes/seconds of 60 or more in {text!r}")
        h = hemi.upper()
        key = "lat" if h in "NS" else "lon"
        values[key] = -v if h in "SW" else v
    if set(values) != {"lat", "lon"}:
        return _fail("DMS needs one latitude (N/S) and one longitude (E/W)")
    return from_lat_lon(values["lat"], values["lon"], form="dms")


def parse(value: object) -> Coordinate:  # noqa: PLR0911 - one exit per recognised form
    """Parse a coordinate given as text (any accepted form) or a (lat, lon) tuple."""
    if value is None:
        return _fail("no coordinate")
    if isinstance(value, (tuple, list)) and len(value) == 2:
        try:
            return from_lat_lon(float(value[0]), float(value[1]))
        except (TypeError, ValueError):
            return _fail(f"not numbers: {value!r}")
    if isinstance(value, float) and math.isnan(value):
        return _fail("no coordinate")
    text = str(value).translate(_THAI_DIGITS).strip()
    if not text or text.upper() in {"N/A", "NA", "NONE", "NULL", "-", "NAN"}:
        return _fail("no coordinate")
    if len(text) > MAX_INPUT:
        return _fail(f"{len(text)} characters is too long for a coordinate")
    if (m := _LINK.search(text)) is not None:
        return from_lat_lon(float(m.group(1)), float(m.group(2)), form="map_link")
    if (m := _UTM.match(text)) is not None:
        return from_utm(int(m.group(1)), float(m.group(3)), float(m.group(4)))
    if "°" in text or "º" in text or re.search(r"\d\s*[NSEW]\b", text, re.I):
        dms = _dms(text)
        if dms is not None:
            return dms
    if (m := _PAIR.match(text)) is not None:
        return from_lat_lon(float(m.group(1)), float(m.group(2)))
    if re.search(r"\b(nan|inf(inity)?)\b", text, re.I):
        return _fail("coordinate is NaN or infinite")
    return _fail(f"not a coordinate: {text[:40]!r}")


_PAIR_IN_TEXT = re.compile(r"(?<![\d.])(-?\d{1,3}\.\d{3,})\s*,\s*(-?\d{1,3}\.\d{3,})(?![\d.])")


def find_in_text(text: str) -> Coordinate | None:
    """The first coordinate written inside a longer text: a map link, or a decimal pair with
    at least three decimals ("13.7459, 100.6831"). None when there is none in Thailand."""
    text = text.translate(_THAI_DIGITS)
    for m in _LINK.finditer(text):
        c = from_lat_lon(float(m.group(1)), float(m.group(2)), form="map_link")
        if c.ok:
            return c
    for m in _PAIR_IN_TEXT.finditer(text):
        c = from_lat_lon(float(m.group(1)), float(m.group(2)), form="in_text")
        if c.ok:
            return c
    return None
