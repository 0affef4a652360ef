"""``/map/style.json``: the raster basemap style when a tile server is configured;
``/map/areas/…``: the admin outlines the map's traces name by URL."""

from __future__ import annotations

import gzip

import flask
from flask import Blueprint, Response, request

from dashboard import data
from dashboard.auth.guard import app_settings, json_error
from dashboard.auth.policy import requires
from dashboard.components.admin_map import OUTLINES
from dashboard.components.basemap import TILED_STYLE_PATH, tiled_style
from dashboard.components.filters import LEVELS
from geodata.codes import is_area_code
from geodata.roles import Cap

AREAS_PATH = "/map/areas/<level>/<prefix>/<group>.geojson"
EVERYWHERE = "all"  # the prefix segment of the whole country
_GROUPS = frozenset(key for key, _colour in OUTLINES.values())


def outline_url(level: str, prefix: str, group: str) -> str:
    """Where the browser fetches one outline trace's GeoJSON (``areas``), versioned by its
    content so that it can be kept."""
    files = data.admin_layer(level, prefix).files()
    tag = files[group].tag if group in files else ""
    return f"/map/areas/{level}/{prefix or EVERYWHERE}/{group}.geojson?v={tag}"


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


@bp.get(AREAS_PATH)
@requires(Cap.MAP_VIEW)
def areas(level: str, prefix: str, group: str) -> Response:
    """The outlines of one admin level under a prefix, of one outline source, as GeoJSON:
    gzip-compressed once, kept by the browser (the URL carries the content's version; another
    version than the current one is answered with the current outlines, not to be kept)."""
    code = "" if prefix == EVERYWHERE else prefix
    if level not in LEVELS or group not in _GROUPS or (code and not is_area_code(code)):
        return json_error(404, "no such outline file")
    f = data.admin_layer(level, code).files().get(group)
    if f is None:
        return json_error(404, "no such outline file")
    current = request.args.get("v") == f.tag
    if current and f.tag in request.if_none_match:
        resp = Response(status=304)
    elif "gzip" in request.accept_encodings:
        if f.gz is None:
            f.gz = gzip.compress(f.raw, 6)
        resp = Response(f.gz, mimetype="application/json")
        resp.headers["Content-Encoding"] = "gzip"
    else:
        resp = Response(f.raw, mimetype="application/json")
    resp.headers["Vary"] = "Accept-Encoding"
    resp.set_etag(f.tag)
    resp.headers["Cache-Control"] = "private, max-age=86400" if current else "private, no-cache"
    return resp
