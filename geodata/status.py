"""What the database server is and holds: versions and reference-data counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, text

from geodata import queries


@dataclass(frozen=True)
class ServerInfo:
    """Versions of the server and how many admin areas of each level are loaded."""

    postgres: str
    postgis: str | None
    admin_counts: dict[str, int] = field(default_factory=dict)


def server_info(engine: Engine) -> ServerInfo:
    """Ask the server for its PostgreSQL and PostGIS versions and the admin-area counts."""
    with engine.connect() as conn:
        pg = conn.execute(text("SHOW server_version")).scalar_one()
        postgis = conn.execute(
            text("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
        ).scalar_one_or_none()
        counts: dict[str, int] = {}
        has_table = conn.execute(text("SELECT to_regclass('admin_area') IS NOT NULL")).scalar_one()
        if has_table:
            counts = {s.level: s.n for s in queries.admin_summary(conn)}
    return ServerInfo(postgres=str(pg), postgis=postgis, admin_counts=counts)
