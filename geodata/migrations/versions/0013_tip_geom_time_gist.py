"""``tip_geom_gist`` becomes a GiST index on (geom, the report time as a one-instant range): the
questions the map asks of raw tips are often a place *and* a time window — tips within R of a
clicked point in the last 30 days, tips in a drawn polygon in a window — and with geometry alone
PostgreSQL either fetched every tip of the box over all time and dropped most of them, or
scanned the whole window through the time index and dropped most of that. Measured on
1,000,000 tips (bench/map.py's rows), the tips within 5 km of central Bangkok in the last 30
days: 123 ms through the time index, 6.4 ms through this index.

The time is indexed as ``tstzrange(reported_at, reported_at, '[]')`` (range types have GiST
support of their own), not as the bare column through btree_gist: with the bare column the
planner also chose this index for windows alone (every partial day of the counts read from
tip), scanning the whole index, 60 ms where the time index takes 1 ms. Statements that want
both say so: ``tstzrange(t.reported_at, t.reported_at, '[]') && tstzrange(:since, :until)``
beside their plain time condition. The index replaces the geometry-only one (a GiST index
serves conditions on its first column alone), so a load pays for the same number of indexes;
inserting 300,000 rows cost the same with either (1.0 s).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

UPGRADE = [
    "DROP INDEX IF EXISTS tip_geom_gist",
    "CREATE INDEX tip_geom_gist ON tip USING gist (geom, tstzrange(reported_at, reported_at, '[]'))",
]
DOWNGRADE = [
    "DROP INDEX IF EXISTS tip_geom_gist",
    "CREATE INDEX tip_geom_gist ON tip USING gist (geom)",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
