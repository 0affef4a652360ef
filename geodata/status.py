"""What the database server is and holds: versions and reference-data counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, text


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
            rows = conn.execute(
                text(
                    "SELECT level, count(*) FROM admin_area"
                    " GROUP BY level ORDER BY min(length(code))"
                )
            )
            counts = {str(level): int(n) for level, n in rows}
    return ServerInfo(postgres=str(pg), postgis=postgis, admin_counts=counts)
