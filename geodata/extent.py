"""Thailand's extent (EPSG:4326), with a margin for offshore islands and border areas: the one
definition every layer checks points against."""

from __future__ import annotations

MIN_LON, MAX_LON = 97.0, 106.0
MIN_LAT, MAX_LAT = 5.3, 20.8


def in_thailand(lon: float, lat: float) -> bool:
    """True when (lon, lat) lies within Thailand's extent plus a margin."""
    return MIN_LON <= lon <= MAX_LON and MIN_LAT <= lat <= MAX_LAT
