"""The sitaware schema as SQLAlchemy 2 / geoalchemy2 tables (SRID 4326, lon/lat order).

The DDL of record is the alembic migration in ``geodata/migrations``; a test checks that these
classes and the migrated database agree column for column.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, INET, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SRID = 4326
ADMIN_LEVELS = ("province", "district", "subdistrict")
GEO_PRECISIONS = ("point", "street", "subdistrict", "district", "province", "place", "none")


def point() -> Geometry:
    """A typed ``geometry(Point, 4326)`` column type (indexes are created by the migration)."""
    return Geometry("POINT", srid=SRID, spatial_index=False)


def multipolygon() -> Geometry:
    """A typed ``geometry(MultiPolygon, 4326)`` column type."""
    return Geometry("MULTIPOLYGON", srid=SRID, spatial_index=False)


class Base(DeclarativeBase):
    """Declarative base of every sitaware table."""


class DataSource(Base):
    """Where a layer's rows come from, under which licence, and how to attribute them."""

    __tablename__ = "data_source"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    layer: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    licence: Mapped[str] = mapped_column(Text)
    attribution: Mapped[str] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    loaded_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class AdminArea(Base):
    """A province (2-digit DOPA code), district (4) or subdistrict (6)."""

    __tablename__ = "admin_area"
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    level: Mapped[str] = mapped_column(String(12))
    parent_code: Mapped[str | None] = mapped_column(String(6), ForeignKey("admin_area.code"))
    name_th: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    postcodes: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    centroid: Mapped[Any | None] = mapped_column(point())
    geom: Mapped[Any | None] = mapped_column(multipolygon())
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(64), ForeignKey("data_source.code"))
    geom_source: Mapped[str | None] = mapped_column(String(64), ForeignKey("data_source.code"))
    repairs: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class Road(Base):
    """A named road (OSM highway): where streets are, for street-level geocoding."""

    __tablename__ = "road"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str] = mapped_column(Text)
    name_th: Mapped[str | None] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    highway: Mapped[str | None] = mapped_column(String(32))
    geom: Mapped[Any] = mapped_column(Geometry("MULTILINESTRING", srid=SRID, spatial_index=False))
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class EntityLink(Base):
    """A lodging site or venue record linked to the entity it shares with other sources."""

    __tablename__ = "entity_link"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    record_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity_id: Mapped[int] = mapped_column(BigInteger)
    score: Mapped[float] = mapped_column(Float)
    linked_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class AdminAreaChange(Base):
    """An old admin code (renamed, moved or split by DOPA) and the codes that replaced it."""

    __tablename__ = "admin_area_change"
    old_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name_th: Mapped[str] = mapped_column(Text, primary_key=True)
    name_en: Mapped[str | None] = mapped_column(Text)
    changed_on: Mapped[dt.date | None] = mapped_column(Date)
    new_codes: Mapped[list[str]] = mapped_column(ARRAY(String(6)), server_default="{}")
    kind: Mapped[str | None] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(64), ForeignKey("data_source.code"))


class Place(Base):
    """A GeoNames populated place (gazetteer fallback and map labels)."""

    __tablename__ = "place"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    admin1: Mapped[str | None] = mapped_column(Text)
    admin2: Mapped[str | None] = mapped_column(Text)
    province_code: Mapped[str | None] = mapped_column(String(2))
    geom: Mapped[Any] = mapped_column(point())
    source: Mapped[str] = mapped_column(String(64), ForeignKey("data_source.code"))


class _Located:
    """Columns shared by lodging sites, venues and tips: natural key, location, provenance."""

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str] = mapped_column(Text)
    name_th: Mapped[str | None] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    address_raw: Mapped[str | None] = mapped_column(Text)
    geom: Mapped[Any | None] = mapped_column(point())
    geo_precision: Mapped[str] = mapped_column(String(12), default="none")
    geo_confidence: Mapped[float | None] = mapped_column(Float)
    province_code: Mapped[str | None] = mapped_column(String(2))
    district_code: Mapped[str | None] = mapped_column(String(4))
    subdistrict_code: Mapped[str | None] = mapped_column(String(6))
    batch_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("etl_batch.id"))
    row_hash: Mapped[str | None] = mapped_column(Text)
    # keyed hash of the source row as read (migration 0011; etl.rawhash): unchanged rows skip
    raw_hash: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class LodgingSite(_Located, Base):
    """A registered hotel, guesthouse, hostel …"""

    __tablename__ = "lodging_site"
    lodging_type: Mapped[str | None] = mapped_column(Text)
    rooms: Mapped[int | None] = mapped_column(Integer)
    contact: Mapped[str | None] = mapped_column(Text)
    licence_no: Mapped[str | None] = mapped_column(Text)
    licence_expires: Mapped[dt.date | None] = mapped_column(Date)


class Venue(_Located, Base):
    """A sensitive venue: school, temple, mosque, church, cinema, mall, hospital, transit …"""

    __tablename__ = "venue"
    category: Mapped[str] = mapped_column(String(32))
    sensitivity: Mapped[int] = mapped_column(SmallInteger, default=3)
    contact: Mapped[str | None] = mapped_column(Text)


class Tip(_Located, Base):
    """A citizen tip. No reporter identity in clear text: only a keyed hash of the contact."""

    __tablename__ = "tip"
    reported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="new")
    reliability: Mapped[str | None] = mapped_column(String(2))
    reporter_hash: Mapped[str | None] = mapped_column(Text)


class PatrolUnit(Base):
    """A patrol unit (car, motorbike, foot)."""

    __tablename__ = "patrol_unit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    callsign: Mapped[str] = mapped_column(Text, unique=True)
    agency: Mapped[str | None] = mapped_column(Text)
    unit_type: Mapped[str] = mapped_column(String(16), default="car")
    home_district_code: Mapped[str | None] = mapped_column(String(4))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class UnitPosition(Base):
    """A unit's reported position at a time (a time series)."""

    __tablename__ = "unit_position"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, ForeignKey("patrol_unit.id", ondelete="CASCADE"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    geom: Mapped[Any] = mapped_column(point())
    speed_kmh: Mapped[float | None] = mapped_column(Float)
    heading_deg: Mapped[float | None] = mapped_column(Float)


class CoveragePlan(Base):
    """A saved patrol-coverage plan for an area."""

    __tablename__ = "coverage_plan"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    area_code: Mapped[str | None] = mapped_column(String(6))
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_by: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class EtlBatch(Base):
    """The ledger entry of one load: file, profile, counts and status."""

    __tablename__ = "etl_batch"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(64))
    profile: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(Text)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="running")
    n_read: Mapped[int] = mapped_column(Integer, default=0)
    n_inserted: Mapped[int] = mapped_column(Integer, default=0)
    n_updated: Mapped[int] = mapped_column(Integer, default=0)
    n_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    n_quarantined: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    started_by: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class QuarantineRow(Base):
    """A rejected input row, kept raw with the reason, until fixed and retried."""

    __tablename__ = "quarantine_row"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("etl_batch.id", ondelete="CASCADE")
    )
    row_number: Mapped[int] = mapped_column(Integer)
    raw: Mapped[dict[str, Any]] = mapped_column(JSONB)
    reason_code: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class GeocodeCache(Base):
    """A cached geocoder answer, keyed by a hash of the normalised input; reviewable."""

    __tablename__ = "geocode_cache"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    query: Mapped[str] = mapped_column(Text)
    geom: Mapped[Any | None] = mapped_column(point())
    precision: Mapped[str] = mapped_column(String(12))
    confidence: Mapped[float] = mapped_column(Float)
    province_code: Mapped[str | None] = mapped_column(String(2))
    district_code: Mapped[str | None] = mapped_column(String(4))
    subdistrict_code: Mapped[str | None] = mapped_column(String(6))
    reason: Mapped[str | None] = mapped_column(Text)
    review_status: Mapped[str] = mapped_column(String(12), default="auto")
    reviewed_by: Mapped[str | None] = mapped_column(Text)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class AppUser(Base):
    """A person (or service) who signs in; the password is stored only as a hash."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(Text)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    language: Mapped[str] = mapped_column(String(2), default="th")
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AppSession(Base):
    """A server-side login session; the cookie carries the id, the table only its hash."""

    __tablename__ = "app_session"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("app_user.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    last_seen_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    client_ip: Mapped[str | None] = mapped_column(INET)
    user_agent: Mapped[str | None] = mapped_column(Text)


class ApiToken(Base):
    """An API token for scripts and other agencies; stored as a hash, scoped by the user's role."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("app_user.id", ondelete="CASCADE"))
    token_prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEvent(Base):
    """An append-only audit record: who did what to which objects, from where, and the outcome."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    username: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(48))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_ids: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    area: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    client_ip: Mapped[str | None] = mapped_column(INET)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class SavedView(Base):
    """A person's saved map filter, or an area (admin unit or drawn polygon) sent to a report."""

    __tablename__ = "saved_view"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer, ForeignKey("app_user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    spec: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    area_code: Mapped[str | None] = mapped_column(String(6))
    geom: Mapped[Any] = mapped_column(Geometry("MULTIPOLYGON", srid=SRID), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class TipCell(Base):
    """Tip counts per grid cell and Bangkok day, week or all time (period 1, 7 or 0), kept by
    triggers on ``tip`` (migrations 0010 and 0015; levels in ``geodata.tips.LEVELS``)."""

    __tablename__ = "tip_cell"
    lvl: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    period: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    cx: Mapped[int] = mapped_column(Integer, primary_key=True)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    n: Mapped[int] = mapped_column(Integer)


class TipAreaDay(Base):
    """Tip counts per province (``lvl`` 0) or district (1) code, Bangkok day, category, status
    and source grade, kept by triggers on ``tip`` (migration 0012; ``geodata.tips``)."""

    __tablename__ = "tip_area_day"
    lvl: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    grade: Mapped[str] = mapped_column(String(1), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


# Count deltas the triggers of ``tip`` append, folded into tip_cell and tip_area_day by
# ``tip_counts_compact()`` (migration 0016); readers read the views ``tip_cell_counts`` and
# ``tip_area_day_counts``. No key: a key may have several rows until they are folded.
def _delta_table(name: str, counts: Any) -> Table:
    """``<name>``: the columns of the count table ``counts``, all NOT NULL, without its key."""
    columns = (Column(c.name, c.type, nullable=False) for c in counts.__table__.columns)
    return Table(name, Base.metadata, *columns)


TIP_CELL_DELTA = _delta_table("tip_cell_delta", TipCell)
TIP_AREA_DAY_DELTA = _delta_table("tip_area_day_delta", TipAreaDay)
