"""Alembic environment: runs online against the connection or URL geodata.migrate hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from geodata.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("sitaware migrations run online only: use `sitaware db migrate`")
run_migrations_online()
