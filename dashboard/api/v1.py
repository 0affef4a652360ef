"""``/api/v1``: who am I, tip counts, tip records, one tip — each shaped by the caller's role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import flask
from flask import Blueprint, Response, request

from dashboard.auth.guard import current_viewer, get_bind, json_error
from dashboard.auth.policy import requires
from geodata import audit, tips
from geodata.roles import Cap

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")


def _area() -> str:
    area = request.args.get("area", "")
    if area and not (area.isdigit() and len(area) in (2, 4, 6)):
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
