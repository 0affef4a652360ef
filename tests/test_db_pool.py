"""The connection pool: reads run without transaction round trips, and a pooled connection
that died while idle (a database restart) is replaced instead of failing a request."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geodata import db


def test_reads_are_autocommit_and_writes_are_transactions(test_db_url: str) -> None:
    eng = db.make_engine(test_db_url, pool_size=1)
    try:
        with db.connect(eng) as conn:
            assert conn.connection.dbapi_connection.autocommit is True  # type: ignore[union-attr]
            # each statement is its own transaction: none stays open between them
            conn.execute(text("SELECT 1"))
            assert conn.connection.dbapi_connection.info.transaction_status == 0  # type: ignore[union-attr]
        with db.begin(eng) as conn:
            assert conn.connection.dbapi_connection.autocommit is False  # type: ignore[union-attr]
            conn.execute(text("SELECT 1"))
            assert conn.connection.dbapi_connection.info.transaction_status == 2  # type: ignore[union-attr]
    finally:
        eng.dispose()


def test_dead_idle_connection_is_replaced(
    test_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    eng = db.make_engine(test_db_url, pool_size=1)
    try:
        with db.connect(eng) as conn:
            first = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        # the server ends that backend while it sits in the pool (as a restart would)
        killer = db.make_engine(test_db_url, pool_size=1)
        try:
            with killer.connect() as other:
                ended = other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": first})
                assert ended.scalar_one()
        finally:
            killer.dispose()
        monkeypatch.setattr(db, "PING_IDLE_S", 0.0)  # it has been idle "long enough"
        with db.connect(eng) as conn:
            second = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert second != first
    finally:
        eng.dispose()


def test_busy_connection_is_not_pinged(test_db_url: str) -> None:
    """A connection handed back moments ago goes out again without a round trip."""
    eng = db.make_engine(test_db_url, pool_size=1)
    pings: list[str] = []
    try:
        with db.connect(eng) as conn:
            conn.execute(text("SELECT 1"))
        raw = eng.pool._pool.queue[0]  # type: ignore[attr-defined]
        real = raw.dbapi_connection
        original = real.execute

        def spy(query: str, *args: object, **kwargs: object) -> object:
            pings.append(query)
            return original(query, *args, **kwargs)

        real.execute = spy
        with db.connect(eng) as conn:
            conn.execute(text("SELECT 2"))
        assert pings == []
    finally:
        eng.dispose()
