"""All-time counts in ``tip_cell`` (period 0) for levels 1 and 2: the map's "all" window.

A window without a start or an end read every Monday week and every day of ``tip_cell`` in
the viewport: with 90 days of 1,000,000 tips that was 70 ms for Bangkok at 0.005° and 110 ms for
the whole country at 0.1° (13 weeks × the cells, by category for level 2), against 9–22 ms for
a 30-day window; with years of tips it grows by 52 weeks a year. Under the 50-user bench one
window in five is "all", so those reads were the largest share of the heat's database time.

Period 0 holds, per level-1 and level-2 cell (and category for level 2), every tip ever counted
there, under the start date 2000-01-03 (the week epoch). The same statement-level triggers keep
it (their VALUES list of levels gains two rows), so the "all" heat reads one row per cell.
Level 0 (0.001°: street zoom) gets none: its rows are nearly one per tip, so an all-time copy
would cost a load about as much again as its days do, and a street viewport holds few cells.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

from geodata.migrate import version_module

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


# Migration 0010, whose trigger function this one rebuilds with more levels
M0010 = version_module("0010_tip_cell.py")
ALL_TIME = ((1, 0.005, False, 0), (2, 0.05, True, 0))
LEVEL_ROWS = M0010.LEVEL_ROWS + ALL_TIME


def upgrade() -> None:
    op.execute("ALTER TABLE tip_cell DROP CONSTRAINT tip_cell_period_check")
    op.execute(
        "ALTER TABLE tip_cell ADD CONSTRAINT tip_cell_period_check CHECK (period IN (0, 1, 7))"
    )
    op.execute(M0010.function_sql(LEVEL_ROWS, replace=True))
    # the tips already there, from the days the table holds (the same sums, far fewer rows)
    op.execute(
        "INSERT INTO tip_cell (lvl, period, start, cx, cy, category, n) "
        "SELECT lvl, 0, DATE '2000-01-03', cx, cy, category, sum(n) FROM tip_cell "
        "WHERE period = 1 AND lvl IN (1, 2) GROUP BY lvl, cx, cy, category HAVING sum(n) <> 0"
    )
    op.execute("ANALYZE tip_cell")


def downgrade() -> None:
    op.execute(M0010.function_sql(M0010.LEVEL_ROWS, replace=True))
    op.execute("DELETE FROM tip_cell WHERE period = 0")
    op.execute("ALTER TABLE tip_cell DROP CONSTRAINT tip_cell_period_check")
    op.execute("ALTER TABLE tip_cell ADD CONSTRAINT tip_cell_period_check CHECK (period IN (1, 7))")
