"""Saved views: a person's saved map filters, and the areas they send to a report (table
``saved_view``). Each person sees and deletes only their own; every write is audited.

A filter's ``spec`` holds only these keys (all optional, at least one)::

    {"radius_m": 10–5000, "venue_categories": [str, …], "tip_categories": [str, …],
     "tip_statuses": [str, …], "tip_grades": ["A"–"F" | "-", …],   # geodata.tipfilter
     "min_sensitivity": 1–5, "window": "1h" | "24h" | "7d" | "30d" | "all" | "custom",
     "start": "YYYY-MM-DD", "end": "YYYY-MM-DD",     # only with window "custom"
     "area": "" | DOPA code}
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from geodata import audit, tipfilter
from geodata.areas import AreaError, check_categories, check_radius, repair_polygon
from geodata.codes import is_area_code
from geodata.db import Bind, begin, connect
from geodata.errors import ForbiddenError
from geodata.queries import sql
from geodata.roles import Cap, Viewer

WINDOWS = ("1h", "24h", "7d", "30d", "all", "custom")
SPEC_KEYS = (
    "radius_m",
    "venue_categories",
    "tip_categories",
    "tip_statuses",
    "tip_grades",
    "min_sensitivity",
    "window",
    "start",
    "end",
    "area",
)
MAX_NAME = 120
MAX_VIEWS = 200  # per person and kind
REPORT_AREA_ACTION = "report.area"


class ViewError(AreaError):
    """A saved view that cannot be stored as asked; the message says what to fix."""


def _owner(viewer: Viewer, cap: Cap) -> int:
    if not viewer.can(cap):
        raise ForbiddenError(f"role {viewer.role or 'anonymous'} lacks {cap.value}")
    if viewer.user_id is None:
        raise ForbiddenError("saved views belong to a person: sign in as a user")
    return viewer.user_id


def check_name(name: str) -> str:
    """A view's name: 1–120 characters without control characters (trimmed)."""
    if not isinstance(name, str) or not 0 < len(name.strip()) <= MAX_NAME:
        raise ViewError(f"a name must be 1–{MAX_NAME} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ViewError("a name may not hold control characters")
    return name.strip()


def _date(spec: Mapping[str, Any], key: str) -> str:
    value = spec[key]
    try:
        return dt.date.fromisoformat(value).isoformat() if isinstance(value, str) else ""
    except ValueError:
        return ""


def check_spec(spec: Mapping[str, Any], *, allow_empty: bool = False) -> dict[str, Any]:
    """The spec with only allow-listed keys and values of the right kind (see the module
    docstring); ViewError names the first problem."""
    if not isinstance(spec, Mapping):
        raise ViewError("spec must be an object")
    unknown = sorted(str(k) for k in spec if k not in SPEC_KEYS)
    if unknown:
        raise ViewError(f"unknown keys {unknown} in spec; allowed: {', '.join(SPEC_KEYS)}")
    if not spec and not allow_empty:
        raise ViewError("an empty filter: set at least one of " + ", ".join(SPEC_KEYS))
    out: dict[str, Any] = {}
    if "radius_m" in spec:
        out["radius_m"] = check_radius(spec["radius_m"])
    for key in ("venue_categories", "tip_categories"):
        if key in spec:
            values = spec[key]
            if not isinstance(values, Sequence):
                raise ViewError(f"{key} must be a list of strings")
            out[key] = check_categories(values, key.replace("_", " "))
    out.update(_check_tip_filter(spec))
    if "min_sensitivity" in spec:
        s = spec["min_sensitivity"]
        if not isinstance(s, int) or isinstance(s, bool) or not 1 <= s <= 5:
            raise ViewError("min_sensitivity must be a whole number 1–5")
        out["min_sensitivity"] = s
    out.update(_check_window(spec))
    if "area" in spec:
        area = spec["area"]
        if area != "" and not is_area_code(area):
            raise ViewError("area must be '' or a 2/4/6-digit DOPA code")
        out["area"] = area
    return out


def _check_tip_filter(spec: Mapping[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, check in (
        ("tip_statuses", tipfilter.check_statuses),
        ("tip_grades", tipfilter.check_grades),
    ):
        if key in spec:
            values = spec[key]
            if not isinstance(values, list):
                raise ViewError(f"{key} must be a list of strings")
            try:
                out[key] = check(values)
            except ValueError as exc:
                raise ViewError(f"{key}: {exc}") from None
    return out


def _check_window(spec: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    if "window" in spec:
        if spec["window"] not in WINDOWS:
            raise ViewError(f"window must be one of {', '.join(WINDOWS)}")
        out["window"] = spec["window"]
    for key in ("start", "end"):
        if key in spec:
            if out.get("window") != "custom":
                raise ViewError(f"{key} goes with window 'custom' only")
            day = _date(spec, key)
            if not day:
                raise ViewError(f"{key} must be a date YYYY-MM-DD")
            out[key] = day
    return out


def _row(r: Any) -> dict[str, Any]:
    spec = r.spec if isinstance(r.spec, dict) else json.loads(r.spec)
    out = {
        "id": int(r.id),
        "kind": r.kind,
        "name": r.name,
        "spec": spec,
        "created_at": r.created_at,
    }
    if r.kind == "report_area":
        out["area_code"] = r.area_code
        out["geometry"] = json.loads(r.geojson) if r.geojson else None
        out["km2"] = None if r.km2 is None else round(float(r.km2), 3)
    return out


def _store(
    conn: Any, owner: int, kind: str, name: str, spec: dict[str, Any], **where: Any
) -> dict[str, Any]:
    n = conn.execute(
        sql("saved_view_count"), {"owner": owner, "kind": kind, "name": name}
    ).scalar_one()
    if n >= MAX_VIEWS:
        raise ViewError(f"at most {MAX_VIEWS} saved views of one kind: delete some first")
    row = conn.execute(
        sql("saved_view_upsert"),
        {
            "owner": owner,
            "kind": kind,
            "name": name,
            "spec": json.dumps(spec, ensure_ascii=False),
            "area_code": where.get("area_code"),
            "geojson": where.get("geojson"),
        },
    ).one()
    return _row(row)


def save_filter(bind: Bind, viewer: Viewer, name: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """Save (or replace, by name) one of the viewer's map filters; audited ('edit').

    Returns ``{"id", "kind": "filter", "name", "spec", "created_at"}``. Needs ``map.view`` and
    a user (``viewer.user_id``); ViewError for a bad name or spec.
    """
    owner = _owner(viewer, Cap.MAP_VIEW)
    clean_name, clean_spec = check_name(name), check_spec(spec)
    with begin(bind) as conn:
        saved = _store(conn, owner, "filter", clean_name, clean_spec)
        audit.record(
            conn,
            "edit",
            viewer=viewer,
            object_type="saved_view",
            object_ids=[saved["id"]],
            area=clean_spec.get("area") or None,
            detail={"op": "filter.save", "name": clean_name},
        )
    return saved


def list_filters(bind: Bind, viewer: Viewer) -> list[dict[str, Any]]:
    """The viewer's own saved filters, newest first (same shape as ``save_filter``)."""
    owner = _owner(viewer, Cap.MAP_VIEW)
    with connect(bind) as conn:
        rows = conn.execute(sql("saved_view_list"), {"owner": owner, "kind": "filter"}).all()
    return [_row(r) for r in rows]


def delete_filter(bind: Bind, viewer: Viewer, view_id: int) -> bool:
    """Delete one of the viewer's own filters; False when they have none with that id (another
    person's filter is never touched). Audited ('edit') when deleted."""
    owner = _owner(viewer, Cap.MAP_VIEW)
    with begin(bind) as conn:
        name = conn.execute(
            sql("saved_view_delete"), {"id": int(view_id), "owner": owner}
        ).scalar_one_or_none()
        if name is None:
            return False
        audit.record(
            conn,
            "edit",
            viewer=viewer,
            object_type="saved_view",
            object_ids=[int(view_id)],
            detail={"op": "filter.delete", "name": name},
        )
    return True


def send_area_to_report(
    bind: Bind,
    viewer: Viewer,
    *,
    name: str,
    area_code: str = "",
    polygon: Sequence[tuple[float, float]] | None = None,
    spec: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Keep an admin unit (``area_code``) or a drawn polygon ((lon, lat) vertices, checked and
    repaired as in ``geodata.areas``) for the reports, with an optional filter ``spec``.

    Returns ``{"id", "kind": "report_area", "name", "spec", "created_at", "area_code" (or None),
    "geometry" (GeoJSON MultiPolygon, or None for an admin unit), "km2" (polygon only)}``.
    Replaces the viewer's report area of the same name. Audited ('report.area'). Needs
    ``reports.export`` and a user; ViewError / AreaError for a bad name, area or spec.
    """
    owner = _owner(viewer, Cap.EXPORT)
    clean_name = check_name(name)
    clean_spec = check_spec(spec or {}, allow_empty=True)
    if (area_code == "") == (polygon is None):
        raise ViewError("give either area_code or polygon (exactly one)")
    with begin(bind) as conn:
        if polygon is not None:
            geojson, km2 = repair_polygon(conn, polygon)
            where: dict[str, Any] = {"geojson": geojson}
            detail: dict[str, Any] = {"polygon_km2": round(km2, 3)}
        else:
            if not is_area_code(area_code):
                raise ViewError(f"area_code must be a 2/4/6-digit DOPA code, not {area_code!r}")
            if conn.execute(sql("area_admin"), {"code": area_code}).first() is None:
                raise ViewError(f"no admin area has the code {area_code!r}")
            where, detail = {"area_code": area_code}, {}
        saved = _store(conn, owner, "report_area", clean_name, clean_spec, **where)
        audit.record(
            conn,
            REPORT_AREA_ACTION,
            viewer=viewer,
            object_type="saved_view",
            object_ids=[saved["id"]],
            area=area_code or None,
            detail={"op": "report.area", "name": clean_name, **detail},
        )
    return saved


def report_areas(bind: Bind, viewer: Viewer) -> list[dict[str, Any]]:
    """The viewer's own report areas, newest first (same shape as ``send_area_to_report``).
    Needs ``reports.export``."""
    owner = _owner(viewer, Cap.EXPORT)
    with connect(bind) as conn:
        rows = conn.execute(sql("saved_view_list"), {"owner": owner, "kind": "report_area"}).all()
    return [_row(r) for r in rows]
