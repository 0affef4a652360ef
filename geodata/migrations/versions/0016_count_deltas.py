"""One writer at a time updates the map's count tables, the others append deltas: a load no
longer blocks the hotline intake, and two loads no longer lock each other.

Until now the statement-level triggers of ``tip`` (0010, 0012, 0015) added their counts to
``tip_cell`` and ``tip_area_day`` with ``INSERT … ON CONFLICT DO UPDATE``, which locks every
row it updates until the writer commits. Since 0015 every tip in a 0.05° cell updates that cell's
all-time rows, so an ETL load (a million rows: minutes) blocked every other writer of ``tip``
whose tips fell in a cell it touched, until it committed: a hotline tip posted to
``/api/v1/tips`` during a Bangkok load waited for the whole load. Two loads of different sources,
each several statements long, could deadlock on the same rows.

Now only one writer at a time updates those tables, the one that holds the compaction lock (a
transaction-level advisory lock, only ever tried, never waited for):

- The triggers try the lock. The writer that gets it (or holds it: a load takes it with its
  first statement and keeps it until it ends) adds its counts to the tables as before. Any
  other writer appends its grouped deltas to ``tip_cell_delta`` / ``tip_area_day_delta``: plain
  inserts, which lock nothing another writer needs. Nobody waits, and nobody can deadlock.
- Readers read the views ``tip_cell_counts`` and ``tip_area_day_counts`` (the table
  ``UNION ALL`` its deltas); every statement that reads them sums ``n``, so a key with rows in
  both (or several in the deltas) counts right, in one snapshot.
- ``tip_counts_compact()`` folds the deltas into the tables (deletes them, adds their sums with
  one sorted upsert, drops keys whose count reached 0) when it gets the lock, and returns NULL
  at once when it does not; ``geodata.load`` calls it after a batch of tips commits, and
  ``sitaware db compact`` by hand. Readers see the counts before or after it, never between.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27
"""

# ruff: noqa: S608 - the SQL below is built from this module's and earlier migrations' constants

from __future__ import annotations

from collections.abc import Callable

from alembic import op

from geodata.migrate import version_module

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

M0010 = version_module("0010_tip_cell.py")
M0012 = version_module("0012_tip_area_day.py")
M0015 = version_module("0015_tip_cell_all_time.py")

CELL_KEY = "lvl, period, start, cx, cy, category"
AREA_KEY = M0012._KEY  # lvl, code, day, category, status, grade
# The advisory lock one compaction holds (a constant of this schema)
LOCK = "hashtextextended('sitaware tip counts compact', 0)"


def _sync(
    name: str, key: str, *, deltas: str, new: str, old: str, apply: Callable[[str], str]
) -> str:
    """The trigger function ``<name>_sync``. The writer that holds the compaction lock (or
    takes it now: it keeps it until its transaction ends) adds its deltas to ``<name>`` with
    ``apply`` (one sorted upsert) and drops the keys that reached 0; any other writer appends
    them to ``<name>_delta``, which locks nothing. Static SQL per operation: a transition table
    exists only for the events that declare it."""

    def add(src: str) -> str:
        counts = deltas.replace("<src>", src)
        return f"INSERT INTO {name}_delta ({key}, n) SELECT * FROM ({counts}) d WHERE d.n <> 0;"

    both = new + " UNION ALL " + old
    prune = f"DELETE FROM {name} WHERE n = 0;"
    return (
        f"CREATE OR REPLACE FUNCTION {name}_sync() RETURNS trigger LANGUAGE plpgsql AS $body$ "
        f"BEGIN IF pg_try_advisory_xact_lock({LOCK}) THEN "
        f"IF TG_OP = 'INSERT' THEN {apply(new)} ELSIF TG_OP = 'DELETE' THEN {apply(old)} {prune} "
        f"ELSE {apply(both)} {prune} END IF; "
        f"ELSIF TG_OP = 'INSERT' THEN {add(new)} ELSIF TG_OP = 'DELETE' THEN {add(old)} "
        f"ELSE {add(both)} END IF; RETURN NULL; END $body$"
    )


_CELL_LEVELS = M0010.levels_sql(M0015.LEVEL_ROWS)
CELL_SYNC = _sync(
    "tip_cell",
    CELL_KEY,
    deltas=M0010.deltas("<src>", _CELL_LEVELS),
    new=M0010._NEW,
    old=M0010._OLD,
    apply=lambda src: M0010._apply(src, _CELL_LEVELS),
)
AREA_SYNC = _sync(
    "tip_area_day",
    AREA_KEY,
    deltas=M0012._deltas("<src>"),
    new=M0012._NEW,
    old=M0012._OLD,
    apply=M0012._apply,
)


def _fold(name: str, key: str) -> str:
    """Move ``<name>_delta`` into ``<name>``: the deltas this transaction sees are deleted and
    their sums added (sorted, one upsert); keys whose count reached 0 are dropped (the partial
    index ``<name>_zero`` finds them)."""
    return (
        f"WITH gone AS (DELETE FROM {name}_delta RETURNING {key}, n) "
        f"INSERT INTO {name} AS t ({key}, n) SELECT {key}, sum(n)::int FROM gone "
        f"GROUP BY {key} HAVING sum(n) <> 0 ORDER BY {key} "
        f"ON CONFLICT ({key}) DO UPDATE SET n = t.n + EXCLUDED.n; "
        "GET DIAGNOSTICS k = ROW_COUNT; moved := moved + k; "
        f"DELETE FROM {name} WHERE n = 0;"
    )


COMPACT = (
    "CREATE FUNCTION tip_counts_compact() RETURNS integer LANGUAGE plpgsql AS $body$ "
    "DECLARE moved integer := 0; k integer; "
    f"BEGIN IF NOT pg_try_advisory_xact_lock({LOCK}) THEN RETURN NULL; END IF; "
    f"{_fold('tip_cell', CELL_KEY)} {_fold('tip_area_day', AREA_KEY)} "
    "RETURN moved; END $body$"
)


def _view(name: str, key: str) -> str:
    return (
        f"CREATE VIEW {name}_counts AS SELECT {key}, n FROM {name} "
        f"UNION ALL SELECT {key}, n FROM {name}_delta"
    )


def _truncate(name: str, tables: str) -> str:
    """The function ``TRUNCATE tip`` runs for ``<name>``: empty ``tables``."""
    return (
        f"CREATE OR REPLACE FUNCTION {name}_truncate() RETURNS trigger LANGUAGE plpgsql AS "
        f"$body$ BEGIN TRUNCATE {tables}; RETURN NULL; END $body$"
    )


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE tip_cell_delta (
            lvl smallint NOT NULL,
            period smallint NOT NULL,
            start date NOT NULL,
            cx integer NOT NULL,
            cy integer NOT NULL,
            category varchar(64) NOT NULL,
            n integer NOT NULL
        )
        """
    )
    op.execute(
        """
        CREATE TABLE tip_area_day_delta (
            lvl smallint NOT NULL,
            code varchar(4) NOT NULL,
            day date NOT NULL,
            category varchar(64) NOT NULL,
            status varchar(16) NOT NULL,
            grade varchar(1) NOT NULL,
            n integer NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX tip_cell_zero ON tip_cell (lvl) WHERE n = 0")
    op.execute("CREATE INDEX tip_area_day_zero ON tip_area_day (lvl) WHERE n = 0")
    op.execute(_view("tip_cell", CELL_KEY))
    op.execute(_view("tip_area_day", AREA_KEY))
    op.execute(CELL_SYNC)
    op.execute(AREA_SYNC)
    for name in ("tip_cell", "tip_area_day"):
        op.execute(_truncate(name, f"{name}, {name}_delta"))
    op.execute(COMPACT)


def downgrade() -> None:
    # The triggers as they were, then what the deltas hold folded into the tables
    op.execute(M0010.function_sql(M0015.LEVEL_ROWS, replace=True))
    op.execute(M0012._FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    op.execute(f"SELECT pg_advisory_xact_lock({LOCK})")  # wait for a running compaction
    op.execute("SELECT tip_counts_compact()")
    op.execute("DROP FUNCTION tip_counts_compact()")
    for name in ("tip_cell", "tip_area_day"):
        op.execute(_truncate(name, name))
        op.execute(f"DROP VIEW {name}_counts")
        op.execute(f"DROP INDEX {name}_zero")
        op.execute(f"DROP TABLE {name}_delta")
