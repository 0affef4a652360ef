"""The SQLAlchemy 2 engine (psycopg 3, pooled) and the URL resolution for every command."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import orjson
import psycopg.types.json
from sqlalchemy import Connection, Engine, Executable, create_engine, event
from sqlalchemy.exc import DisconnectionError

from geodata import localdb
from geodata.settings import Settings, get_settings


def database_url(settings: Settings | None = None, db_name: str | None = None) -> str:
    """URL of the configured database: ``SITAWARE_DATABASE_URL`` or the local cluster."""
    settings = settings or get_settings()
    if settings.local_cluster:
        return localdb.local_url(settings, db_name)
    return settings.url_for(db_name)


# json/jsonb columns (GeoJSON of the admin areas, a few hundred kB for a level) are parsed by
# orjson, several times faster than the standard library's json that psycopg uses by default.
psycopg.types.json.set_json_loads(orjson.loads)

# A pooled connection unused for longer than this is checked (one round trip) before it is
# handed out; a busy one is not.
PING_IDLE_S = 10.0


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """A pooled engine for ``url``; a connection idle in the pool for more than
    ``PING_IDLE_S`` is checked before use (``_ping_when_idle``)."""
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_recycle=1800,
        connect_args={"application_name": "sitaware"},
    )
    event.listen(engine, "checkout", _ping_when_idle)
    event.listen(engine, "checkin", _note_checkin)
    return engine


def _note_checkin(_dbapi_conn: Any, record: Any) -> None:
    if record is not None:
        record.info["sitaware_idle_since"] = time.monotonic()


def _ping_when_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    """SQLAlchemy's ``pool_pre_ping`` pings on every checkout: under load that was a round trip
    per query (the map's requests check out several connections each). A connection that came
    back to the pool moments ago is alive; one that sat idle (a database restart, a firewall
    dropping idle sockets) is pinged, and a dead one is replaced: raising DisconnectionError
    makes the pool discard it and connect anew. A connection that dies between a ping and its
    use fails that one request, and SQLAlchemy then invalidates the pool's older connections."""
    idle_since = record.info.get("sitaware_idle_since")
    if idle_since is None or time.monotonic() - idle_since < PING_IDLE_S:
        return
    try:
        autocommit = dbapi_conn.autocommit
        dbapi_conn.autocommit = True
        try:
            dbapi_conn.execute("SELECT 1")
        finally:
            dbapi_conn.autocommit = autocommit
    except Exception as exc:
        raise DisconnectionError(f"pooled connection failed its ping: {exc}") from exc


@lru_cache(maxsize=4)
def _cached_engine(url: str, pool_size: int) -> Engine:
    return make_engine(url, pool_size=pool_size)


def get_engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine for the configured database."""
    settings = settings or get_settings()
    return _cached_engine(database_url(settings), settings.pool_size)


Bind = Engine | Connection


@contextmanager
def begin(bind: Bind) -> Iterator[Connection]:
    """One all-or-nothing unit of work on ``bind``.

    An Engine gives a new connection and transaction (committed on success); a Connection that
    is already in a transaction (a caller's, or a test's) gets a savepoint inside it.
    """
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            yield conn
    else:
        with bind.begin_nested():
            yield bind


@contextmanager
def connect(bind: Bind) -> Iterator[Connection]:
    """A connection for reading: a new one from an Engine, in autocommit (each statement its
    own snapshot, as in a READ COMMITTED transaction, without the BEGIN and ROLLBACK round
    trips around it), or ``bind`` itself. Never for writes: they go through ``begin``."""
    if isinstance(bind, Engine):
        with _reader(bind).connect() as conn:
            yield conn
    else:
        yield bind


@lru_cache(maxsize=8)
def _reader(engine: Engine) -> Engine:
    """``engine`` with autocommit reads (same pool; psycopg switches it without a round trip)."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def tuples(conn: Connection, stmt: Executable, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of ``stmt`` as the driver's plain tuples, in column order. For large numeric
    answers (50,000 heat cells): SQLAlchemy's Row objects and a conversion per value cost more
    than the query itself, so the statement casts its columns to the Python types wanted."""
    result = conn.execute(stmt, params)
    try:
        cursor = result.cursor
        return list(cursor.fetchall()) if cursor is not None and cursor.description else []
    finally:
        result.close()
