"""``raw_hash`` on lodging sites, venues and tips: a keyed 64-bit hash of the source row as read
(every cell, its geometry) under everything else that decides the stored values (kind, profile,
column mapping, reporter-key fingerprint, service area, the ETL's code and the geocoder's data).
A re-load fetches ``source_id → raw_hash`` of its source once and counts rows whose hash is
the same as ``unchanged`` without validating, geocoding or COPYing them (``etl.rawhash``).

NULL (rows loaded before this migration, by a quarantine retry or by the intake API) means
"not known": such a row is processed in full, and its hash is filled in by the next load.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = ("lodging_site", "venue", "tip")

# A nullable column without a default: a catalogue change, no table rewrite.
UPGRADE = [f"ALTER TABLE {t} ADD COLUMN raw_hash bigint" for t in TABLES]
DOWNGRADE = [f"ALTER TABLE {t} DROP COLUMN IF EXISTS raw_hash" for t in TABLES]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
