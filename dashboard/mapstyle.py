"""``/map/style.json``: the raster basemap style when a tile server is configured."""

from __future__ import annotations

import flask
from flask import Blueprint, Response

from dashboard.auth.guard import app_settings, json_error
from dashboard.auth.policy import requires
from dashboard.components.basemap import TILED_STYLE_PATH, tiled_style
from geodata.roles import Cap

bp = Blueprint("mapstyle", __name__)


@bp.get(TILED_STYLE_PATH)
@requires(Cap.SIGNED_IN)
def style() -> Response:
    """The style naming the configured tile server (404 when the map is offline-only)."""
    settings = app_settings()
    if not settings.basemap_tiles:
        return json_error(404, "no tile server is configured: the map is offline-only")
    resp = flask.jsonify(tiled_style(settings.basemap_tiles, settings.basemap_attribution))
    resp.headers["Cache-Control"] = "private, max-age=300"
    return resp
