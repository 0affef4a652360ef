"""The SQLAlchemy 2 engine (psycopg 3, pooled) and the URL resolution for every command."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, Executable, create_engine

from geodata import localdb
from geodata.settings import Settings, get_settings


def database_url(settings: Settings | None = None, db_name: str | None = None) -> str:
    """URL of the configured database: ``SITAWARE_DATABASE_URL`` or the local cluster."""
    settings = settings or get_settings()
    if settings.local_cluster:
        return localdb.local_url(settings, db_name)
    return settings.url_for(db_name)


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """A pooled engine for ``url``; connections are checked before use."""
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"application_name": "sitaware"},
    )


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
    """A connection for reading: a new one from an Engine, or ``bind`` itself."""
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            yield conn
    else:
        yield bind


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
