"""Lodging licences: number and expiry date, from the registries (planners look for expired ones).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UPGRADE = [
    "ALTER TABLE lodging_site ADD COLUMN licence_no text",
    "ALTER TABLE lodging_site ADD COLUMN licence_expires date",
]
DOWNGRADE = [
    "ALTER TABLE lodging_site DROP COLUMN IF EXISTS licence_expires",
    "ALTER TABLE lodging_site DROP COLUMN IF EXISTS licence_no",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
