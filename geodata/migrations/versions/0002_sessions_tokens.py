"""Server-side sessions, API tokens, and indexes for audit look-ups.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UPGRADE = [
    """
    CREATE TABLE app_session (
        id_hash varchar(64) PRIMARY KEY,
        user_id integer NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        client_ip inet,
        user_agent text
    )
    """,
    "CREATE INDEX app_session_user_idx ON app_session (user_id)",
    """
    CREATE TABLE api_token (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id integer NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        token_prefix varchar(12) NOT NULL,
        token_hash varchar(64) NOT NULL UNIQUE,
        name text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        expires_at timestamptz,
        revoked_at timestamptz
    )
    """,
    "CREATE INDEX api_token_user_idx ON api_token (user_id)",
    "ALTER TABLE app_user ADD COLUMN password_changed_at timestamptz",
    # Failed logins per client address (per-IP rate limit) are counted from the audit trail.
    "CREATE INDEX audit_event_action_ip_at_idx ON audit_event (action, client_ip, at)",
    "CREATE INDEX audit_event_user_at_idx ON audit_event (username, at)",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC",
]

DOWNGRADE = [
    "DROP INDEX IF EXISTS audit_event_user_at_idx",
    "DROP INDEX IF EXISTS audit_event_action_ip_at_idx",
    "ALTER TABLE app_user DROP COLUMN IF EXISTS password_changed_at",
    "DROP TABLE IF EXISTS api_token",
    "DROP TABLE IF EXISTS app_session",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
