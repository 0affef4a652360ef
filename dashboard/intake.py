"""Tip intake for the API: the ETL's own validation, geocoder and loader, one tip at a time.

The gazetteer is read once per process; each tip is geocoded on the request's database bind
and stored as a one-record batch (natural key ``(api:<user>, source_id)``, so a retry with the
same ``source_id`` never duplicates).
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from dashboard.auth.guard import app_settings
from etl import pipeline, profiles
from etl.geocode.gazetteer import Gazetteer
from etl.geocode.geocoder import Geocoder, GeoResult
from etl.geocode.reverse import ReverseIndex
from etl.sources import SourceRow
from etl.validate import RowError, Validated, resolve, validate_row
from geodata.db import Bind, connect
from geodata.load import BatchMeta, load_batch
from geodata.roles import Viewer

_lock = threading.Lock()
_gazetteer: dict[int, Gazetteer] = {}
PROFILE = profiles.Profile(
    "api",
    "tips",
    "api",
    "tips posted to POST /api/v1/tips",
    columns={
        "source_id": ("source_id",),
        "reported_at": ("reported_at",),
        "category": ("category",),
        "text": ("text",),
        "lat": ("lat",),
        "lon": ("lon",),
        "coords": ("coords",),
        "address": ("address",),
        "channel": ("channel",),
        "reliability": ("reliability",),
        "reporter": ("reporter_contact",),
        "status": ("status",),
    },
    default_category="other",
)


def gazetteer(bind: Bind) -> Gazetteer:
    """The process's gazetteer (read from the database on first use)."""
    key = 0
    with _lock:
        if key not in _gazetteer:
            _gazetteer[key] = Gazetteer.load(bind)
        return _gazetteer[key]


_reverse: dict[int, ReverseIndex] = {}


def reverse_index(bind: Bind) -> ReverseIndex:
    """The process's outline index for reverse geocoding (built on first use: rebuilding it
    for each posted tip cost 60 ms of the request)."""
    with _lock:
        if 0 not in _reverse:
            _reverse[0] = ReverseIndex(bind)
        return _reverse[0]


@dataclass
class Taken:
    """What happened to one posted tip."""

    tip_id: int | None = None
    source: str = ""
    source_id: str = ""
    status: str = ""  # inserted | updated | unchanged
    answer: GeoResult | None = None
    names: dict[str, str | None] | None = None  # Thai and English names of the areas
    error: tuple[str, str] | None = None  # (reason code, message)


def take(bind: Bind, viewer: Viewer, body: dict[str, Any]) -> Taken:
    """Validate, geocode and store one tip posted by ``viewer``."""
    settings = app_settings()
    values = {k: "" if v is None else str(v) for k, v in body.items()}
    values.setdefault("source_id", f"auto-{uuid.uuid4()}")
    row = SourceRow(1, values)
    mapping = resolve(PROFILE, list(values))
    try:
        rec = validate_row(row, mapping, PROFILE, pipeline.reporter_key(settings))
    except RowError as exc:
        return Taken(error=(exc.code, exc.message))
    source = f"api:{viewer.username}"
    geocoder = Geocoder(
        gazetteer(bind),
        bind,
        review_below=settings.geocode_review_below,
        reverse_index=reverse_index(bind),
    )
    located, rejected = pipeline.geocode(
        geocoder,
        "tips",
        Validated(records=[rec], mapping=mapping),
        {1: values},
        require_admin_area=settings.require_admin_area,
    )
    if rejected:
        q = rejected[0]
        return Taken(error=(q.reason_code, q.message))
    meta = BatchMeta(kind="tips", source=source, profile="api", started_by=viewer.username)
    report = load_batch(bind, meta, [pipeline.to_columns(located[0])])
    status = "inserted" if report.inserted else "updated" if report.updated else "unchanged"
    with connect(bind) as conn:
        tip_id = conn.execute(
            text("SELECT id FROM tip WHERE source = :s AND source_id = :i"),
            {"s": source, "i": rec.source_id},
        ).scalar_one()
    answer = located[0].answer
    return Taken(int(tip_id), source, rec.source_id, status, answer, geocoder.names(answer))
