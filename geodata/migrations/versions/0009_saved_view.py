"""Saved views: a person's saved map filters (e.g. "tips within 300 m of a school in the last
7 days") and the areas they send to a report (an admin unit or a drawn polygon). The reports
issue reads ``kind = 'report_area'`` rows; the map lists a person's own filters.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UPGRADE = [
    """
    CREATE TABLE saved_view (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        owner_id integer NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        kind varchar(16) NOT NULL CHECK (kind IN ('filter', 'report_area')),
        name varchar(120) NOT NULL CHECK (length(btrim(name)) > 0),
        spec jsonb NOT NULL DEFAULT '{}'::jsonb,
        area_code varchar(6) CHECK (area_code ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6})$'),
        geom geometry(MultiPolygon, 4326) CHECK (geom IS NULL OR ST_IsValid(geom)),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (owner_id, kind, name)
    )
    """,
    "CREATE INDEX saved_view_owner_idx ON saved_view (owner_id, kind, created_at DESC)",
]
DOWNGRADE = ["DROP TABLE IF EXISTS saved_view"]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
