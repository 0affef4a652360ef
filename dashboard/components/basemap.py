"""The offline basemap: a MapLibre style served by the app itself, and view fitting.

The style (``assets/map/blank-style.json``) holds only a background layer: no tiles, glyphs
or sprites, so the map needs no network. Admin boundaries are drawn over it as the base layer.
It is given to plotly as a URL rather than a dict: plotly re-applies dict styles on every
figure update, and MapLibre's style diff then fails ("Map error.") when traces change.
"""

from __future__ import annotations

import math

FONT_FAMILY = "Sarabun, system-ui, sans-serif"
BLANK_STYLE_ASSET = "map/blank-style.json"
DEFAULT_STYLE_URL = "/assets/" + BLANK_STYLE_ASSET

# Plot area the dashboard gives the map, in CSS pixels (for fitting bounds).
_MAP_W, _MAP_H = 950, 650
# MapLibre's zoom 0 shows the world in 512 px.
_WORLD_PX = 512


BACKGROUND = "#eef2f5"
TILED_STYLE_PATH = "/map/style.json"


def tiled_style(tiles: str, attribution: str = "") -> dict[str, object]:
    """A MapLibre style with one raster tile source (an agency's own tile server, or online)
    under the same background colour as the offline style."""
    return {
        "version": 8,
        "name": "sitaware-raster",
        "sources": {
            "basemap": {
                "type": "raster",
                "tiles": [tiles],
                "tileSize": 256,
                "attribution": attribution,
            }
        },
        "layers": [
            {"id": "background", "type": "background", "paint": {"background-color": BACKGROUND}},
            {"id": "basemap", "type": "raster", "source": "basemap"},
        ],
    }


def style_url() -> str:
    """URL of the map style: the offline one, or the raster one when a tile server is
    configured (``SITAWARE_BASEMAP_TILES``); honours the app's path prefix in a request."""
    import dash
    import flask

    try:
        settings = flask.current_app.config.get("SITAWARE_SETTINGS")
        if settings is not None and settings.basemap_tiles:
            return str(dash.get_relative_path(TILED_STYLE_PATH))
        return str(dash.get_asset_url(BLANK_STYLE_ASSET))
    except Exception:  # outside a running app (pure builder tests)
        return DEFAULT_STYLE_URL


def view_for_bounds(
    minx: float, miny: float, maxx: float, maxy: float
) -> tuple[dict[str, float], float]:
    """Centre (lon/lat) and the MapLibre zoom that fits the bounds (EPSG:4326 degrees)."""
    center = {"lon": (minx + maxx) / 2, "lat": (miny + maxy) / 2}
    lat_stretch = 1 / max(math.cos(math.radians(center["lat"])), 0.2)  # Mercator, roughly
    lon_span = max(maxx - minx, 1e-4)
    lat_span = max((maxy - miny) * lat_stretch, 1e-4)
    zoom = min(
        math.log2(360 * _MAP_W / (_WORLD_PX * lon_span)),
        math.log2(360 * _MAP_H / (_WORLD_PX * lat_span)),
    )
    return center, max(1.0, min(zoom - 0.1, 16.0))
