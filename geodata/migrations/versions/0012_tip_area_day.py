"""Tip counts per admin area, Bangkok day, category, status and source grade (``tip_area_day``),
kept by triggers on ``tip``: the map's counts, status choices, trend and choropleth for a
province, a district or the whole country read this table instead of every tip.

| lvl | code                                                  |
|-----|-------------------------------------------------------|
| 0   | province: ``left(coalesce(subdistrict_code, district_code), 2)``, '' for a tip with neither |
| 1   | district: ``left(coalesce(subdistrict_code, district_code), 4)`` (tips with a code only) |

A row counts the tips of that code whose ``reported_at`` falls in the Bangkok day ``day``, of
``category``, ``status`` (as stored) and ``grade`` = ``coalesce(left(reliability, 1), '-')``
(the source-grade filter's letter, ``geodata/sql/_tip_filter.sql``). The code is the one
``area_counts.sql`` groups a tip by; every tip counts once at level 0, so the sum of level 0
is every tip. A window of arbitrary timestamps reads whole days here and the partial days at
its ends from ``tip`` (``geodata.tips.window_parts``), so answers are exact.

Why triggers, and why statement-level with transition tables: as for ``tip_cell`` (0010),
every writer of ``tip`` keeps the counts right without knowing about them, at one set-based
``INSERT … ON CONFLICT`` per statement. The cost is in docs/map.md ("Scale").

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

# ruff: noqa: S608 - the SQL below is built from this module's constants only

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The counts of a set of (subdistrict_code, district_code, reported_at, category, status,
# reliability, d) rows, one row per key. Level 1 only for tips with a code.
_DELTAS = (
    "SELECT k.lvl,"
    " CASE k.lvl WHEN 0 THEN coalesce(left(s.code, 2), '') ELSE left(s.code, 4) END AS code,"
    " s.day, s.category, s.status, s.grade, sum(s.d)::int AS n"
    " FROM (SELECT coalesce(subdistrict_code, district_code)::text AS code,"
    " (reported_at AT TIME ZONE 'Asia/Bangkok')::date AS day, category::text AS category,"
    " status::text AS status, coalesce(left(reliability, 1), '-') AS grade, d"
    " FROM (<src>) src) s"
    " JOIN (VALUES (0::smallint), (1::smallint)) AS k (lvl)"
    " ON k.lvl = 0 OR s.code IS NOT NULL"
    " GROUP BY 1, 2, 3, 4, 5, 6"
)


def _deltas(src: str) -> str:
    """The counts per key of ``src``: rows of (subdistrict_code, district_code, reported_at,
    category, status, reliability, d)."""
    return _DELTAS.replace("<src>", src)


_COLUMNS = "subdistrict_code, district_code, reported_at, category, status, reliability"
_NEW = f"SELECT {_COLUMNS}, 1 AS d FROM tip_new"
_OLD = f"SELECT {_COLUMNS}, -1 AS d FROM tip_old"
_KEY = "lvl, code, day, category, status, grade"


def _apply(src: str) -> str:
    """Add the counts of ``src`` to tip_area_day (sorted, so concurrent writers lock in one
    order)."""
    return (
        f"INSERT INTO tip_area_day AS a ({_KEY}, n) "
        f"SELECT * FROM ({_deltas(src)}) d WHERE d.n <> 0 ORDER BY 1, 2, 3, 4, 5, 6 "
        f"ON CONFLICT ({_KEY}) DO UPDATE SET n = a.n + EXCLUDED.n;"
    )


# Rows emptied by a delete or an update go away (only the keys the old rows touched).
_PRUNE = (
    f"DELETE FROM tip_area_day a USING ({_deltas(_OLD)}) d WHERE a.n = 0"
    " AND (a.lvl, a.code, a.day, a.category, a.status, a.grade)"
    " = (d.lvl, d.code, d.day, d.category, d.status, d.grade);"
)

# Static SQL per operation: a transition table exists only for the events that declare it.
_FUNCTION = (
    "CREATE FUNCTION tip_area_day_sync() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN "
    f"IF TG_OP = 'INSERT' THEN {_apply(_NEW)} "
    f"ELSIF TG_OP = 'DELETE' THEN {_apply(_OLD)} {_PRUNE} "
    f"ELSE {_apply(_NEW + ' UNION ALL ' + _OLD)} {_PRUNE} "
    "END IF; RETURN NULL; END $body$"
)

UPGRADE = [
    """
    CREATE TABLE tip_area_day (
        lvl smallint NOT NULL CHECK (lvl IN (0, 1)),
        code varchar(4) NOT NULL,
        day date NOT NULL,
        category varchar(64) NOT NULL,
        status varchar(16) NOT NULL,
        grade varchar(1) NOT NULL,
        n integer NOT NULL,
        PRIMARY KEY (lvl, code, day, category, status, grade) INCLUDE (n)
    )
    """,
    _FUNCTION,
    "CREATE TRIGGER tip_area_day_insert AFTER INSERT ON tip REFERENCING NEW TABLE AS tip_new"
    " FOR EACH STATEMENT EXECUTE FUNCTION tip_area_day_sync()",
    "CREATE TRIGGER tip_area_day_update AFTER UPDATE ON tip"
    " REFERENCING OLD TABLE AS tip_old NEW TABLE AS tip_new"
    " FOR EACH STATEMENT EXECUTE FUNCTION tip_area_day_sync()",
    "CREATE TRIGGER tip_area_day_delete AFTER DELETE ON tip REFERENCING OLD TABLE AS tip_old"
    " FOR EACH STATEMENT EXECUTE FUNCTION tip_area_day_sync()",
    "CREATE FUNCTION tip_area_day_truncate() RETURNS trigger LANGUAGE plpgsql AS $body$"
    " BEGIN TRUNCATE tip_area_day; RETURN NULL; END $body$",
    "CREATE TRIGGER tip_area_day_truncate AFTER TRUNCATE ON tip"
    " FOR EACH STATEMENT EXECUTE FUNCTION tip_area_day_truncate()",
    # The tips already there
    f"INSERT INTO tip_area_day ({_KEY}, n) " + _deltas(f"SELECT {_COLUMNS}, 1 AS d FROM tip"),
    "ANALYZE tip_area_day",
]
DOWNGRADE = [
    "DROP TRIGGER IF EXISTS tip_area_day_truncate ON tip",
    "DROP TRIGGER IF EXISTS tip_area_day_delete ON tip",
    "DROP TRIGGER IF EXISTS tip_area_day_update ON tip",
    "DROP TRIGGER IF EXISTS tip_area_day_insert ON tip",
    "DROP FUNCTION IF EXISTS tip_area_day_truncate()",
    "DROP FUNCTION IF EXISTS tip_area_day_sync()",
    "DROP TABLE IF EXISTS tip_area_day",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
