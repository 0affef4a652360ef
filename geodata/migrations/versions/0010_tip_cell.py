"""Tip counts per grid cell and Bangkok day (``tip_cell``), kept by triggers on ``tip``: the
heat layer for a large viewport reads this small integer table instead of every tip.

Levels (``lvl``) and what they hold — ``geodata.tips.LEVELS`` states the same constants:

| lvl | cell   | category           | periods           |
|-----|--------|--------------------|-------------------|
| 0   | 0.001° | all ('')           | day               |
| 1   | 0.005° | all ('')           | day, 7-day week   |
| 2   | 0.05°  | one row per category | day, 7-day week |

A row counts the tips whose point falls in cell ``(cx, cy)`` = ``floor(lon / cell)``,
``floor(lat / cell)`` and whose ``reported_at`` falls in the Bangkok day ``start`` (``period``
1) or in the 7-day week from Monday ``start`` (``period`` 7). A window of arbitrary timestamps
reads whole weeks and days here and the two partial days at its ends from ``tip`` itself, so
answers are exact.

Why triggers: every writer of ``tip`` (the ETL upsert, the intake API, deletes, a hand-run
UPDATE) keeps the counts right without knowing about them. They are statement-level with
transition tables, so a bulk upsert of 300,000 rows adds one set-based ``INSERT … ON CONFLICT``
per statement, not one per row. bench/load.py measured the cost: see docs/map.md ("Scale").

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

# ruff: noqa: S608 - the SQL below is built from this module's constants only

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The levels, as a VALUES list the trigger joins every changed tip with (migration 0015 adds
# the all-time period 0 to levels 1 and 2 through ``function_sql``).
LEVEL_ROWS = (
    (0, 0.001, False, 1),
    (1, 0.005, False, 1),
    (1, 0.005, False, 7),
    (2, 0.05, True, 1),
    (2, 0.05, True, 7),
)


def levels_sql(rows: tuple[tuple[int, float, bool, int], ...]) -> str:
    """The VALUES list of (lvl, cell, by_category, period) rows."""
    values = ", ".join(
        f"({lvl}::smallint, {cell}::float8, {str(by_cat).lower()}, {period}::smallint)"
        for lvl, cell, by_cat, period in rows
    )
    return f"(VALUES {values}) AS k (lvl, cell, by_category, period)"


# The counts of a set of (geom, reported_at, category, delta) rows, one row per cell key: a
# day starts on itself, a week on its Monday, all time (period 0) on the week epoch.
_DELTAS = (
    "SELECT k.lvl, k.period,"
    " CASE k.period WHEN 1 THEN s.day WHEN 0 THEN DATE '2000-01-03'"
    " ELSE s.day - mod(mod(s.day - DATE '2000-01-03', 7) + 7, 7) END AS start,"
    " floor(ST_X(s.geom) / k.cell)::int AS cx, floor(ST_Y(s.geom) / k.cell)::int AS cy,"
    " CASE WHEN k.by_category THEN s.category ELSE '' END AS category,"
    " sum(s.d)::int AS n"
    " FROM (SELECT geom, (reported_at AT TIME ZONE 'Asia/Bangkok')::date AS day,"
    " category::text AS category, d FROM (<src>) src WHERE geom IS NOT NULL) s"
    " CROSS JOIN <levels> GROUP BY 1, 2, 3, 4, 5, 6"
)


def deltas(src: str, levels: str = levels_sql(LEVEL_ROWS)) -> str:
    """The counts per cell key of ``src``: rows of (geom, reported_at, category, d)."""
    return _DELTAS.replace("<src>", src).replace("<levels>", levels)


_NEW = "SELECT geom, reported_at, category, 1 AS d FROM tip_new"
_OLD = "SELECT geom, reported_at, category, -1 AS d FROM tip_old"


def _apply(src: str, levels: str) -> str:
    """Add the counts of ``src`` to tip_cell (sorted, so concurrent writers lock in one order)."""
    return (
        "INSERT INTO tip_cell AS c (lvl, period, start, cx, cy, category, n) "
        f"SELECT * FROM ({deltas(src, levels)}) d WHERE d.n <> 0 ORDER BY 1, 2, 3, 4, 5, 6 "
        "ON CONFLICT (lvl, period, start, cx, cy, category) DO UPDATE SET n = c.n + EXCLUDED.n;"
    )


def _prune(levels: str) -> str:
    """Cells emptied by a delete or an update go away (only the keys the old rows touched)."""
    return (
        f"DELETE FROM tip_cell c USING ({deltas(_OLD, levels)}) d WHERE c.n = 0"
        " AND (c.lvl, c.period, c.start, c.cx, c.cy, c.category)"
        " = (d.lvl, d.period, d.start, d.cx, d.cy, d.category);"
    )


def function_sql(rows: tuple[tuple[int, float, bool, int], ...], *, replace: bool = False) -> str:
    """The trigger function for these levels. Static SQL per operation: a transition table
    exists only for the events that declare it."""
    levels = levels_sql(rows)
    return (
        f"CREATE {'OR REPLACE ' if replace else ''}FUNCTION tip_cell_sync() RETURNS trigger"
        " LANGUAGE plpgsql AS $body$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {_apply(_NEW, levels)} "
        f"ELSIF TG_OP = 'DELETE' THEN {_apply(_OLD, levels)} {_prune(levels)} "
        f"ELSE {_apply(_NEW + ' UNION ALL ' + _OLD, levels)} {_prune(levels)} "
        "END IF; RETURN NULL; END $body$"
    )


UPGRADE = [
    """
    CREATE TABLE tip_cell (
        lvl smallint NOT NULL CHECK (lvl IN (0, 1, 2)),
        period smallint NOT NULL CHECK (period IN (1, 7)),
        start date NOT NULL,
        cx integer NOT NULL,
        cy integer NOT NULL,
        category varchar(64) NOT NULL DEFAULT '',
        n integer NOT NULL,
        PRIMARY KEY (lvl, period, start, cx, cy, category) INCLUDE (n)
    )
    """,
    function_sql(LEVEL_ROWS),
    "CREATE TRIGGER tip_cell_insert AFTER INSERT ON tip REFERENCING NEW TABLE AS tip_new"
    " FOR EACH STATEMENT EXECUTE FUNCTION tip_cell_sync()",
    "CREATE TRIGGER tip_cell_update AFTER UPDATE ON tip"
    " REFERENCING OLD TABLE AS tip_old NEW TABLE AS tip_new"
    " FOR EACH STATEMENT EXECUTE FUNCTION tip_cell_sync()",
    "CREATE TRIGGER tip_cell_delete AFTER DELETE ON tip REFERENCING OLD TABLE AS tip_old"
    " FOR EACH STATEMENT EXECUTE FUNCTION tip_cell_sync()",
    "CREATE FUNCTION tip_cell_truncate() RETURNS trigger LANGUAGE plpgsql AS $body$"
    " BEGIN TRUNCATE tip_cell; RETURN NULL; END $body$",
    "CREATE TRIGGER tip_cell_truncate AFTER TRUNCATE ON tip"
    " FOR EACH STATEMENT EXECUTE FUNCTION tip_cell_truncate()",
    # The tips already there
    "INSERT INTO tip_cell (lvl, period, start, cx, cy, category, n) "
    + deltas("SELECT geom, reported_at, category, 1 AS d FROM tip"),
    "ANALYZE tip_cell",
]
DOWNGRADE = [
    "DROP TRIGGER IF EXISTS tip_cell_truncate ON tip",
    "DROP TRIGGER IF EXISTS tip_cell_delete ON tip",
    "DROP TRIGGER IF EXISTS tip_cell_update ON tip",
    "DROP TRIGGER IF EXISTS tip_cell_insert ON tip",
    "DROP FUNCTION IF EXISTS tip_cell_truncate()",
    "DROP FUNCTION IF EXISTS tip_cell_sync()",
    "DROP TABLE IF EXISTS tip_cell",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
