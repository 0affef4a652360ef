"""``/api/v1``: who am I, tip counts, tip records, one tip — each shaped by the caller's role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import flask
from flask import Blueprint, Response, request

from dashboard.auth.guard import current_viewer, get_bind, json_error
from dashboard.auth.policy import requires
from geodata import audit, tips
from geodata.codes import is_area_code
from geodata.extent import in_thailand
from geodata.roles import Cap

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")


def _area() -> str:
    area = request.args.get("area", "")
    if area and not is_area_code(area):
        flask.abort(
            flask.make_response(json_error(400, "area must be a 2, 4 or 6-digit DOPA code"))
        )
    return area


def _since() -> dt.datetime | None:
    raw = request.args.get("since")
    if not raw:
        return None
    try:
        since = dt.datetime.fromisoformat(raw)
    except ValueError:
        flask.abort(flask.make_response(json_error(400, "since must be an ISO 8601 time")))
    return since if since.tzinfo else since.replace(tzinfo=dt.UTC)


def _jsonable(rec: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in rec.items()}


@bp.get("/me")
@requires(Cap.SIGNED_IN)
def me() -> Response:
    """The caller's name, role and capabilities."""
    v = current_viewer()
    return flask.jsonify(
        {
            "username": v.username,
            "role": v.role,
            "capabilities": sorted(c.value for c in v.capabilities),
        }
    )


@bp.get("/tips/counts")
@requires(Cap.TIPS_AGGREGATE)
def tip_counts() -> Response:
    """Tips per category in ``area`` since ``since`` (aggregates only: every role)."""
    counts = tips.tip_counts(get_bind(), current_viewer(), area=_area(), since=_since())
    return flask.jsonify({"counts": [{"category": c, "n": n} for c, n in counts]})


@bp.get("/tips/marker")
@requires(Cap.TIPS_AGGREGATE)
def tip_marker() -> Response:
    """A value that changes whenever tips are added or changed, a load commits or a unit
    moves (three primary-key lookups): the map page asks twice a second and redraws only
    when it changed. Never cached by the browser."""
    resp = flask.jsonify({"marker": tips.tip_marker(get_bind(), current_viewer())})
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/tips")
@requires(Cap.TIPS_RECORDS)
def tip_list() -> Response:
    """Newest tip records in ``area``; text only for roles holding tips.text. Audited."""
    viewer = current_viewer()
    try:
        limit = int(request.args.get("limit", "100"))
    except ValueError:
        return json_error(400, "limit must be a whole number")
    records = tips.tip_records(get_bind(), viewer, area=_area(), since=_since(), limit=limit)
    try:
        audit.record(
            get_bind(),
            "tip.list",
            viewer=viewer,
            object_type="tip",
            object_ids=[r["id"] for r in records],
            area=request.args.get("area") or None,
        )
    except audit.AuditError:
        return json_error(503, "audit trail unavailable; tips not shown")
    return flask.jsonify({"tips": [_jsonable(r) for r in records]})


@bp.get("/nearby")
@requires(Cap.MAP_VIEW)
def nearby() -> Response:
    """What is near a point (``lon``, ``lat``; ``radius`` metres, default 500; ``n`` per layer,
    default 10): venues and lodging with distance and bearing, tips in the radius shaped by
    role (records for tips.records, only their number otherwise); ``tips=0`` leaves the tips out.
    For field units' phones."""
    try:
        lon, lat = float(request.args["lon"]), float(request.args["lat"])
        radius = float(request.args.get("radius", "500"))
        n = int(request.args.get("n", "10"))
    except (KeyError, ValueError):
        return json_error(400, "lon and lat (degrees) are required; radius (m) and n are numbers")
    if not in_thailand(lon, lat):
        return json_error(400, "the point is not in Thailand")
    with_tips = request.args.get("tips", "1") != "0"
    result = tips.nearby(
        get_bind(), current_viewer(), lon, lat, radius_m=radius, n=n, with_tips=with_tips
    )
    for layer in ("venues", "lodging", "tips"):
        result[layer] = [_jsonable(r) for r in result[layer]]
    return flask.jsonify(result)


MAX_INTAKE_BYTES = 64 * 1024
# Which request field a validation reason points at (for field-level 400 answers).
_FIELD_OF = {
    "coords": "lat/lon",
    "swapped": "lat/lon",
    "geometry": "coords",
    "date": "reported_at",
    "category": "category",
    "value": "reliability",
    "overlong": "text",
    "formula": "text",
    "no_location": "lat/lon|address|text",
    "missing_id": "source_id",
    "encoding": "text",
}
_INTAKE_FIELDS = (
    "source_id", "reported_at", "category", "text", "lat", "lon", "coords", "address",
    "channel", "reliability", "reporter_contact", "status",
)  # fmt: skip


@bp.post("/tips")
@requires(Cap.TIPS_INTAKE)
def tip_create() -> Response:
    """Take one tip from a hotline or app system: validated, geocoded and stored at once.

    Body (JSON): ``reported_at`` (ISO 8601 or Thai date), ``category``, and a location —
    ``lat``/``lon``, ``coords`` or ``address`` — or a ``text`` that names a place; optional
    ``source_id`` (makes retries safe: the same id updates, never duplicates), ``channel``,
    ``reliability`` (Admiralty A1–F6), ``reporter_contact`` (stored only as a keyed hash).
    Answers 201 with the tip's id, precision and confidence; 400 with field-level reasons."""
    from dashboard import intake

    if (request.content_length or 0) > MAX_INTAKE_BYTES:
        return json_error(413, f"a tip is at most {MAX_INTAKE_BYTES // 1024} kB")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(400, "the body must be a JSON object")
    unknown = sorted(set(body) - set(_INTAKE_FIELDS))
    if unknown:
        return _field_errors([{"field": k, "reason": "unknown field"} for k in unknown])
    viewer = current_viewer()
    result = intake.take(get_bind(), viewer, {k: body[k] for k in _INTAKE_FIELDS if k in body})
    if result.error is not None:
        code, message = result.error
        return _field_errors([{"field": _FIELD_OF.get(code, code), "reason": message}])
    try:
        audit.record(
            get_bind(),
            "tip.create",
            viewer=viewer,
            object_type="tip",
            object_ids=[result.tip_id],
            area=result.answer.subdistrict_code if result.answer else None,
        )
    except audit.AuditError:
        return json_error(503, "audit trail unavailable")
    a = result.answer
    resp = flask.jsonify(
        {
            "id": result.tip_id,
            "source": result.source,
            "source_id": result.source_id,
            "status": result.status,
            "precision": a.precision if a else "none",
            "confidence": round(a.confidence, 3) if a else 0.0,
            "province_code": a.province_code if a else None,
            "district_code": a.district_code if a else None,
            "subdistrict_code": a.subdistrict_code if a else None,
            "geo_reason": a.reason if a else None,
            "areas": result.names,
        }
    )
    resp.status_code = 201 if result.status == "inserted" else 200
    return resp


def _field_errors(errors: list[dict[str, str]]) -> Response:
    resp = flask.jsonify({"error": "invalid tip", "status": 400, "fields": errors})
    resp.status_code = 400
    return resp


@bp.get("/tips/<int:tip_id>")
@requires(Cap.TIPS_DETAIL)
def tip_detail(tip_id: int) -> Response:
    """One tip in full. The view is audited first: no audit row, no tip (fail closed)."""
    viewer = current_viewer()
    bind = get_bind()
    try:
        audit.record(bind, "tip.view", viewer=viewer, object_type="tip", object_ids=[tip_id])
    except audit.AuditError:
        return json_error(503, "audit trail unavailable; tip not shown")
    record = tips.tip_detail(bind, viewer, tip_id)
    if record is None:
        return json_error(404, "no such tip")
    return flask.jsonify(_jsonable(record))
