"""Helpers for tests that need a database of their own or a migration module: a scratch
database created and dropped around a test, and a migration file loaded as a module (its
revision id is not a Python identifier)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

import psycopg
from sqlalchemy import Engine

from geodata import localdb, migrate
from geodata.db import make_engine


@contextmanager
def scratch_database(server_admin_url: str, name: str) -> Iterator[Engine]:
    """An engine on a new empty database ``name`` on the test server, dropped afterwards."""
    libpq = server_admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    localdb.ensure_database(server_admin_url, name)
    eng = make_engine(server_admin_url.rsplit("/", 1)[0] + "/" + name)
    try:
        yield eng
    finally:
        eng.dispose()
        with psycopg.connect(libpq, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migration(file_name: str) -> ModuleType:
    """The migration ``geodata/migrations/versions/<file_name>`` as a module."""
    return migrate.version_module(file_name)
