"""Bulk transfer: COPY rows into a temporary staging table inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import shapely
from psycopg import sql
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection

from geodata.models import SRID


def ewkb_hex(geom: object) -> str | None:
    """Hex EWKB with SRID 4326 (what COPY into a ``geometry`` column accepts); None for a
    missing value (None or a pandas NaN)."""
    if not isinstance(geom, BaseGeometry) or geom.is_empty:
        return None
    return str(shapely.to_wkb(shapely.set_srid(geom, SRID), hex=True, include_srid=True))


def copy_to_temp(
    conn: Connection,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Create temp table ``table`` (dropped at commit) with ``columns`` (name, SQL type) and COPY
    ``rows`` into it. ``table`` and column names/types are identifiers from our own code, never
    from input; they are still quoted (names) or checked (types) here. Returns the row count."""
    allowed_types = {
        "text",
        "integer",
        "bigint",
        "double precision",
        "boolean",
        "geometry",
        "text[]",
        "jsonb",
        "timestamptz",
        "smallint",
        "date",
    }
    for _, typ in columns:
        if typ not in allowed_types:
            raise ValueError(f"column type {typ!r} is not allowed in a staging table")
    raw = conn.connection.driver_connection
    assert raw is not None
    create = sql.SQL("CREATE TEMP TABLE {} ({}) ON COMMIT DROP").format(
        sql.Identifier(table),
        sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(typ)) for name, typ in columns
        ),
    )
    n = 0
    with raw.cursor() as cur:
        # Inside a caller's savepoint the table of an earlier call may still exist.
        cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
        cur.execute(create)
        copy = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c, _ in columns)
        )
        with cur.copy(copy) as cp:
            for row in rows:
                cp.write_row(row)
                n += 1
    return n
