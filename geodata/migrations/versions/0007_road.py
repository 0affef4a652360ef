"""Named roads (from OSM extracts): the geocoder's street index.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UPGRADE = [
    """
    CREATE TABLE road (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source varchar(64) NOT NULL,
        source_id text NOT NULL,
        name_th text,
        name_en text,
        highway varchar(32),
        geom geometry(MultiLineString, 4326) NOT NULL CHECK (ST_IsValid(geom)),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (source, source_id)
    )
    """,
    "CREATE INDEX road_geom_gist ON road USING gist (geom)",
]
DOWNGRADE = ["DROP TABLE IF EXISTS road"]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
