"""Pure trace builders for the map's data layers: tip heat (grid cells, never records), Gi*
hotspots and patrol units; the venue colours (venues and lodging: ``mapfig``)."""

from __future__ import annotations

from html import escape
from typing import Any

from dashboard.i18n import t


def trace(kind: str, **props: Any) -> dict[str, Any]:
    """A plotly trace as the plain dict the browser gets. Built by hand, not through
    ``plotly.graph_objects``: their validation of every value cost more than the queries
    behind them (~100 ms for a heat layer of 20,000 cells). tests/test_map_traces.py puts
    every builder's output through plotly's validation instead."""
    return {"type": kind, **props}


# Category → marker colour (colour-blind-safe, Okabe–Ito based).
VENUE_COLOURS = {
    "school": "#0072B2", "temple": "#E69F00", "mosque": "#009E73", "church": "#56B4E9",
    "shrine": "#CC79A7", "cinema": "#F0E442", "mall": "#D55E00", "market": "#999999",
    "hotel": "#7B3294", "hospital": "#C51B7D", "transit": "#000000", "government": "#4D9221",
    "other": "#BBBBBB",
}  # fmt: skip


# Transparent where there is little, deep red where tips concentrate.
HEAT_COLOURS = [
    [0.0, "rgba(255,255,178,0)"],
    [0.15, "rgba(254,217,118,0.55)"],
    [0.45, "rgba(253,141,60,0.8)"],
    [0.75, "rgba(240,59,32,0.9)"],
    [1.0, "rgba(189,0,38,0.95)"],
]


def heat_trace(cells: list[tuple[float, float, int]], lang: str) -> dict[str, Any]:
    """Tip density from grid-cell counts."""
    label = t("tip_heat", lang)
    counts = sorted(c[2] for c in cells)
    zmax = max(1, counts[int(0.95 * (len(counts) - 1))]) if counts else 1  # hotspots saturate
    return trace(
        "densitymap",
        lon=[c[0] for c in cells],
        lat=[c[1] for c in cells],
        z=[c[2] for c in cells],
        radius=20,
        zmin=0,
        zmax=zmax,
        colorscale=HEAT_COLOURS,
        showscale=False,
        name=label,
        showlegend=True,
        # no hover or click on the heat: a click goes to the area under it (selection), and
        # the areas' hover gives their counts
        hoverinfo="skip",
    )


def unit_trace(rows: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """Patrol units at their last known position, callsign on hover."""
    label = t("units", lang)
    return trace(
        "scattermap",
        lon=[r["lon"] for r in rows],
        lat=[r["lat"] for r in rows],
        mode="markers",
        marker={"size": 14, "color": "#6d28d9", "symbol": "circle", "opacity": 0.95},
        name=label,
        customdata=[
            [
                escape(str(r["callsign"])),
                escape(str(r["agency"] or "")),
                escape(str(r["unit_type"])),
            ]
            for r in rows
        ],
        hovertemplate="<b>%{customdata[0]}</b> · %{customdata[1]}<br>%{customdata[2]}<extra>"
        + label
        + "</extra>",
    )


HOT_COLOURS = {99: "#b10026", 95: "#e31a1c", 90: "#fd8d3c"}
MAX_HOT = 400


def hotspot_trace(spots: list[Any], lang: str) -> dict[str, Any] | None:
    """Significant Gi* hot cells as hexagons, coloured by confidence (90/95/99 %)."""
    # the strongest first, at most MAX_HOT: past a few hundred hexagons a map shows a blanket,
    # not places, and each one costs the browser ~0.4 kB
    hot = sorted((h for h in spots if h.confidence > 0), key=lambda h: -h.z)[:MAX_HOT]
    if not hot:
        return None
    label = t("hotspots", lang)
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": h.cell, "properties": {},
             "geometry": {"type": "Polygon", "coordinates": [h.boundary()]}}
            for h in hot
        ],
    }  # fmt: skip
    levels = [99, 95, 90]
    return trace(
        "choroplethmap",
        geojson=fc,
        locations=[h.cell for h in hot],
        featureidkey="id",
        z=[levels.index(h.confidence) for h in hot],
        zmin=0,
        zmax=2,
        colorscale=[[0, HOT_COLOURS[99]], [0.5, HOT_COLOURS[95]], [1, HOT_COLOURS[90]]],
        showscale=False,
        marker={"opacity": 0.45, "line": {"width": 1.2, "color": "#7f0000"}},
        name=label,
        showlegend=True,
        customdata=[[h.n, f"{h.z:.2f}", h.confidence] for h in hot],
        hovertemplate=(
            "Gi* z = %{customdata[1]} (%{customdata[2]} %)<br>%{customdata[0]} "
            + t("tips_here", lang)
            + "<extra>"
            + label
            + "</extra>"
        ),
    )
