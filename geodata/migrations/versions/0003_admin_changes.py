"""Admin code changes (DOPA): old subdistrict/district codes, their names, and their successors.

The geocoder uses them to answer for names that moved or split since a boundary set was drawn
(e.g. Bangkok's แขวงบางนา split into บางนาเหนือ / บางนาใต้ in 2022).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UPGRADE = [
    """
    CREATE TABLE admin_area_change (
        old_code varchar(6) NOT NULL,
        name_th text NOT NULL,
        name_en text,
        changed_on date,
        new_codes varchar(6)[] NOT NULL DEFAULT '{}',
        kind varchar(12),
        source varchar(64) NOT NULL REFERENCES data_source(code),
        PRIMARY KEY (old_code, name_th)
    )
    """,
    "CREATE INDEX admin_area_change_new_idx ON admin_area_change USING gin (new_codes)",
]

DOWNGRADE = ["DROP TABLE IF EXISTS admin_area_change"]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
