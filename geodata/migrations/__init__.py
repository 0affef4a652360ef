"""Alembic migrations of the sitaware schema (the DDL of record)."""
