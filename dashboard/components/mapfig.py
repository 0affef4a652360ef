"""The map's data traces in fixed slots, after the admin-area traces.

Every update after the first one replaces only these slots (a ``dash.Patch``), never the
layout: the user's zoom, pan, legend toggles and lasso stay where they are, and the admin
outlines (hundreds of kB for the whole country) are not sent again. A slot with nothing to
show holds an empty trace, so slot positions never move.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from dashboard.components.layers import VENUE_COLOURS, trace
from dashboard.i18n import category_label, t

SLOTS = (
    "heat",
    "hotspots",
    "lodging_clusters",
    "lodging",
    "venue_clusters",
    "venues",
    "units",
    "area",
    "ring",
    "centre",
)
LODGING_COLOUR = "#8c510a"
CLUSTER_VENUE = "#0b5394"


def first_point(click: Any) -> dict[str, Any]:
    """The first point of a plotly click event ({} when there is none)."""
    pts = click.get("points") if isinstance(click, dict) else None
    return pts[0] if isinstance(pts, list) and pts and isinstance(pts[0], dict) else {}


def empty(slot: str) -> dict[str, Any]:
    """A trace that draws nothing (keeps the slot)."""
    return trace("scattermap", lon=[], lat=[], name=slot, showlegend=False, hoverinfo="skip")


def venue_points(rows: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """Venues as one trace, coloured by category (the legend chips are in the layer panel)."""
    name_key, other_key = ("name_th", "name_en") if lang == "th" else ("name_en", "name_th")
    label = t("venues_layer", lang)
    return trace(
        "scattermap",
        lon=[r["lon"] for r in rows],
        lat=[r["lat"] for r in rows],
        mode="markers",
        marker={
            "size": 7,
            "color": [VENUE_COLOURS.get(r["category"], VENUE_COLOURS["other"]) for r in rows],
            "opacity": 0.85,
        },
        name=label,
        customdata=[
            [
                escape(str(r.get(name_key) or r.get(other_key) or "")),
                escape(category_label(str(r.get("category") or "other"), lang)),
                r.get("sensitivity") or "",
                "venue",  # what and which, for the details panel
                r.get("id"),
            ]
            for r in rows
        ],
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} · "
        + t("sensitivity", lang)
        + " %{customdata[2]}<extra></extra>",
    )


def lodging_points(rows: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """Lodging sites, one colour."""
    name_key, other_key = ("name_th", "name_en") if lang == "th" else ("name_en", "name_th")
    label = t("lodging", lang)
    return trace("scattermap",
        lon=[r["lon"] for r in rows],
        lat=[r["lat"] for r in rows],
        mode="markers",
        marker={"size": 7, "color": LODGING_COLOUR, "opacity": 0.85},
        name=label,
        customdata=[
            [escape(str(r.get(name_key) or r.get(other_key) or "")),
             escape(str(r.get("category") or "")), "lodging", r.get("id")]
            for r in rows
        ],
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra>" + label + "</extra>",
    )  # fmt: skip


def clusters(cells: list[tuple[float, float, int]], label: str, colour: str, lang: str) -> Any:
    """Aggregated places (grid cells): a circle sized by the count, the count written on it."""
    if not cells:
        return None
    biggest = max(n for _, _, n in cells)
    return trace(
        "scattermap",
        lon=[c[0] for c in cells],
        lat=[c[1] for c in cells],
        mode="markers+text",
        marker={
            "size": [12 + 26 * math.sqrt(n / biggest) for _, _, n in cells],
            "color": colour,
            "opacity": 0.55,
        },
        text=[f"{n:,}" for _, _, n in cells],
        textfont={"color": "#111827", "size": 11},
        name=label,
        hovertemplate="%{text} " + t("places_here", lang) + "<extra>" + label + "</extra>",
    )


def outline(rings: list[list[tuple[float, float]]], label: str) -> dict[str, Any]:
    """The selected area's outline (rings of lon/lat; None separates them)."""
    lon: list[float | None] = []
    lat: list[float | None] = []
    for ring in rings:
        lon += [p[0] for p in ring] + [None]
        lat += [p[1] for p in ring] + [None]
    return trace(
        "scattermap",
        lon=lon,
        lat=lat,
        mode="lines",
        line={"width": 3.5, "color": "#111827"},
        name=label,
        hoverinfo="skip",
        showlegend=True,
    )


def rings_of(geometry: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Outer rings of a GeoJSON Polygon or MultiPolygon."""
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polys = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [[(float(x), float(y)) for x, y, *_ in poly[0]] for poly in polys if poly]


def count_scale(values: list[int]) -> tuple[float, float]:
    """zmin/zmax for a choropleth of counts (the 95th percentile saturates, so one busy area
    does not wash out the rest)."""
    if not values:
        return 0.0, 1.0
    ordered = sorted(values)
    top = ordered[int(0.95 * (len(ordered) - 1))]
    return 0.0, float(max(1, top))
