"""Migrations go up, down and up again on a scratch database; the models match the schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, inspect, text

from geodata import migrate
from geodata.models import Base
from tests.dbtools import scratch_database


@pytest.fixture
def scratch_engine(server_admin_url: str) -> Iterator[Engine]:
    with scratch_database(server_admin_url, "sitaware_test_migrations") as eng:
        yield eng


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"spatial_ref_sys", "alembic_version"}


def test_up_down_up(scratch_engine: Engine) -> None:
    expected = set(Base.metadata.tables)
    migrate.upgrade(scratch_engine)
    assert migrate.current(scratch_engine) == migrate.head(scratch_engine)
    assert _tables(scratch_engine) == expected
    migrate.downgrade(scratch_engine, "base")
    assert migrate.current(scratch_engine) is None
    assert _tables(scratch_engine) == set()
    migrate.upgrade(scratch_engine)
    assert _tables(scratch_engine) == expected


def test_models_match_migrated_columns(engine: Engine) -> None:
    insp = inspect(engine)
    for name, table in Base.metadata.tables.items():
        db_cols = {c["name"] for c in insp.get_columns(name)}
        assert db_cols == set(table.columns.keys()), name


def test_geometry_columns_are_typed(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT f_table_name, f_geometry_column, type, srid FROM geometry_columns")
        ).all()
    cols = {(r[0], r[1]): (r[2], r[3]) for r in rows}
    assert cols[("admin_area", "geom")] == ("MULTIPOLYGON", 4326)
    for table in ("lodging_site", "venue", "tip", "unit_position", "place"):
        assert cols[(table, "geom")] == ("POINT", 4326), table


def test_spatial_and_geography_indexes_exist(engine: Engine) -> None:
    with engine.connect() as conn:
        defs = conn.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname='public'")
        )
        by_name = dict(defs.all())
    for table in ("lodging_site", "venue", "unit_position"):
        assert "USING gist (geom)" in by_name[f"{table}_geom_gist"]
    # tip is asked for a place and a time window together (migration 0013)
    assert "USING gist (geom, tstzrange(reported_at, reported_at" in by_name["tip_geom_gist"]
    # the venue list's order, read from an index (migration 0014)
    assert "(sensitivity DESC, name_th, id)" in by_name["venue_rank_idx"]
    for table in ("lodging_site", "venue", "unit_position"):
        assert "geography" in by_name[f"{table}_geog_gist"]
    # tip takes bulk loads: no geography index (migration 0006); radius queries prefilter on geom
    assert "tip_geog_gist" not in by_name
    assert "USING gist (geom)" in by_name["admin_area_geom_gist"]


def test_invalid_geometry_is_refused(conn: Connection) -> None:
    bowtie = "SRID=4326;MULTIPOLYGON(((100 13,101 14,101 13,100 14,100 13)))"
    with pytest.raises(Exception, match="check constraint"), conn.begin_nested():
        conn.execute(
            text(
                "INSERT INTO admin_area (code, level, name_th, name_en, geom, source) "
                "VALUES ('99', 'province', 'x', 'x', CAST(:g AS geometry), 'geothai')"
            ),
            {"g": bowtie},
        )


def test_wrong_srid_is_refused(conn: Connection) -> None:
    with pytest.raises(Exception, match="SRID"), conn.begin_nested():
        conn.execute(
            text(
                "INSERT INTO venue (source, source_id, category, geom) VALUES "
                "('t', '1', 'school', ST_SetSRID(ST_MakePoint(662000, 1521000), 32647))"
            )
        )
