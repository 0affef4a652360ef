"""Cross-source integration: records of different sources that are the same place (a hotel in
the registry and in OSM) are linked to one entity; every source record is kept.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UPGRADE = [
    """
    CREATE TABLE entity_link (
        kind varchar(16) NOT NULL CHECK (kind IN ('lodging', 'venues')),
        record_id bigint NOT NULL,
        entity_id bigint NOT NULL,
        score double precision NOT NULL CHECK (score BETWEEN 0 AND 1),
        linked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, record_id)
    )
    """,
    "CREATE INDEX entity_link_entity_idx ON entity_link (kind, entity_id)",
]
DOWNGRADE = ["DROP TABLE IF EXISTS entity_link"]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
