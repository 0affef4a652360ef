"""An offline MapLibre style: a plain background and no glyph, sprite or tile request."""

from __future__ import annotations

import math
from typing import Any

FONT_FAMILY = "Sarabun, system-ui, sans-serif"


def blank_style(background: str = "#eef2f5") -> dict[str, Any]:
    """A MapLibre style with only a background layer, so the map needs no network at all.
    Admin boundaries are drawn over it as the base layer."""
    return {
        "version": 8,
        "name": "sitaware-blank",
        "sources": {},
        "layers": [
            {"id": "background", "type": "background", "paint": {"background-color": background}}
        ],
    }


def view_for_bounds(
    minx: float, miny: float, maxx: float, maxy: float
) -> tuple[dict[str, float], float]:
    """Centre (lon/lat) and a zoom level that fits the bounds (EPSG:4326) in ~900x700 px."""
    center = {"lon": (minx + maxx) / 2, "lat": (miny + maxy) / 2}
    span = max(maxx - minx, (maxy - miny) * 1.3, 1e-4)
    zoom = math.log2(360.0 / span) + 0.9
    return center, max(1.0, min(zoom, 15.0))
