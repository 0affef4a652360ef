"""Pure figure builder: admin areas on an offline MapLibre map, official vs approximate."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from dashboard.components.basemap import DEFAULT_STYLE_URL, FONT_FAMILY, view_for_bounds
from dashboard.components.layers import trace
from dashboard.i18n import t

# geom_source → (legend key, fill colour); unknown sources are drawn as approximate.
OUTLINES: dict[str, tuple[str, str]] = {
    "ocha-cod-ab": ("outline_official", "rgba(11, 83, 148, 0.35)"),
    "geoboundaries": ("outline_reference", "rgba(56, 118, 29, 0.30)"),
    "voronoi-approx": ("outline_approximate", "rgba(230, 145, 56, 0.45)"),
}
_FALLBACK = OUTLINES["voronoi-approx"]
# outline colour per source when the fill shows tip counts
LINES = {"outline_official": "#0b5394", "outline_reference": "#38761d",
         "outline_approximate": "#e69138"}  # fmt: skip


def _bounds(fc: dict[str, Any]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
        else:
            for c in coords:
                walk(c)

    for f in fc.get("features", []):
        geom = f.get("geometry") or {}
        walk(geom.get("coordinates", []))
    if not xs:
        return 97.3, 5.6, 105.7, 20.5  # Thailand
    return min(xs), min(ys), max(xs), max(ys)


COUNT_COLOURS = [
    [0.0, "rgba(255,255,255,0.05)"],
    [0.2, "rgba(198,219,239,0.45)"],
    [0.6, "rgba(107,174,214,0.55)"],
    [1.0, "rgba(8,81,156,0.65)"],
]


def groups(fc: dict[str, Any]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(legend key, fill colour, features) per outline source, official first: one trace each."""
    by: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for f in fc.get("features", []):
        key = OUTLINES.get(f["properties"].get("source") or "", _FALLBACK)
        by.setdefault(key, []).append(f)
    order = list(OUTLINES.values())
    return [
        (k[0], k[1], feats) for k, feats in sorted(by.items(), key=lambda kv: order.index(kv[0]))
    ]


def count_z(
    fc: dict[str, Any], counts: dict[str, int] | None
) -> tuple[list[list[int]], float, float]:
    """z per admin trace (tip counts, 0 where none) and the shared colour range."""
    zs = [[(counts or {}).get(f["id"], 0) for f in feats] for _, _, feats in groups(fc)]
    flat = sorted(v for z in zs for v in z)
    top = flat[int(0.95 * (len(flat) - 1))] if flat else 1
    return zs, 0.0, float(max(1, top))


def admin_map_figure(
    fc: dict[str, Any],
    lang: str = "th",
    uirevision: str = "admin",
    style: str = DEFAULT_STYLE_URL,
    *,
    counts: dict[str, int] | None = None,
    geojson_url: Callable[[str], str] | None = None,
    bounds: tuple[float, float, float, float] | None = None,
) -> dict[str, Any]:
    """Choropleth of the areas in ``fc`` (GeoJSON FeatureCollection from geodata), names on
    hover, as a plotly figure dict (``data``, ``layout``). Without ``counts`` the fill says
    where each outline comes from (official, geoBoundaries, approximate); with tip ``counts``
    per area code the fill shows them and the outline colour keeps the source.

    A plain dict, not a ``go.Figure``: plotly's objects deep-copy every GeoJSON coordinate on
    the way in and again on the way out (~0.2 s for the country's provinces); here the outlines
    are shared with ``fc``, which must not be changed afterwards.

    With ``geojson_url`` (legend key → URL) each trace names its outlines by URL instead of
    carrying them: the browser fetches each once and keeps it (plotly caches it by URL for the
    page, the HTTP cache across pages), and the figure is a fraction of the bytes. Without it
    the outlines are inline (an exported HTML map must stand alone). ``bounds``: the extent
    of ``fc`` when the caller knows it (walking every coordinate costs ~5 ms for a level)."""
    name_key = "name_th" if lang == "th" else "name_en"
    other_key = "name_en" if lang == "th" else "name_th"
    zs, zmin, zmax = count_z(fc, counts)
    data: list[dict[str, Any]] = []
    for (label_key, colour, feats), z in zip(groups(fc), zs, strict=True):
        label = t(label_key, lang)
        line = LINES.get(label_key, "#1f2937")
        admin = trace(
            "choroplethmap",
            locations=[f["id"] for f in feats],
            z=z if counts is not None else [1] * len(feats),
            zmin=zmin if counts is not None else None,
            zmax=zmax if counts is not None else None,
            featureidkey="id",
            colorscale=COUNT_COLOURS if counts is not None else [[0, colour], [1, colour]],
            showscale=False,
            marker={
                "line": {
                    "width": 0.8 if counts is None else 1.1,
                    "color": "#1f2937" if counts is None else line,
                }
            },
            name=label,
            showlegend=True,
            # plotly renders a subset of HTML in hover labels: escape names from data files
            customdata=[
                [
                    escape(str(f["properties"][name_key])),
                    escape(str(f["properties"][other_key])),
                    escape(str(f["properties"]["code"])),
                ]
                for f in feats
            ],
            hovertemplate=(
                "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
                + t("code", lang)
                + " %{customdata[2]}"
                + ("" if counts is None else "<br>" + t("tips_count", lang) + " %{z:,}")
                + "<extra>"
                + label
                + "</extra>"
            ),
        )
        admin["geojson"] = (
            geojson_url(label_key)
            if geojson_url is not None
            else {"type": "FeatureCollection", "features": feats}
        )
        data.append(admin)
    center, zoom = view_for_bounds(*(bounds or _bounds(fc)))
    layout = {
        "map": {"style": style, "center": center, "zoom": zoom, "uirevision": uirevision},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "font": {"family": FONT_FAMILY, "size": 15, "color": "#2a3f5f"},
        # hover labels do not inherit the layout font: without this, Thai shows as boxes
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": 14}, "align": "left"},
        "legend": {
            "x": 0.01,
            "y": 0.99,
            "bgcolor": "rgba(255,255,255,0.85)",
            "font": {"size": 13},
            "itemsizing": "constant",
        },
        "uirevision": uirevision,
        # what plotly's default template gave the map; there is no template: dcc.Graph hands
        # plotly a copy of the layout on every update (a pan or zoom included), and plotly
        # redraws every layer of the map when the template is a new object (about 1 s in
        # software WebGL); without one, it redraws what changed
        "paper_bgcolor": "white",
        "hovermode": "closest",
    }
    return {"data": data, "layout": layout}
