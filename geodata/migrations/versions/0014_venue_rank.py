"""``venue_rank_idx`` on (sensitivity DESC, name_th, id): the map's venue list is "the most
sensitive venues of an area first", fifteen at a time. For the whole country (or a large area)
PostgreSQL read every venue and sorted them (7 ms with 100,000 venues on a quiet machine, 18 ms
under the 50-user bench); with this index it reads the first fifteen (0.05 ms). Smaller areas
are found through the code indexes instead, once the statement states the code range
(``geodata/sql/venues_in_area.sql``).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX venue_rank_idx ON venue (sensitivity DESC, name_th, id)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS venue_rank_idx")
