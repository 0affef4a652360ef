"""Initial schema: reference areas, located layers, patrols, ETL ledger, geocode cache, users, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Columns shared by lodging_site, venue and tip (see geodata.models._Located).
_LOCATED = """
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source varchar(64) NOT NULL,
    source_id text NOT NULL,
    name_th text,
    name_en text,
    address_raw text,
    geom geometry(Point, 4326) CHECK (geom IS NULL OR ST_IsValid(geom)),
    geo_precision varchar(12) NOT NULL DEFAULT 'none'
        CHECK (geo_precision IN ('point','street','subdistrict','district','province','place','none')),
    geo_confidence double precision CHECK (geo_confidence BETWEEN 0 AND 1),
    province_code varchar(2),
    district_code varchar(4),
    subdistrict_code varchar(6),
    batch_id bigint REFERENCES etl_batch(id),
    row_hash text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, source_id)
"""


def _located_indexes(table: str) -> list[str]:
    return [
        f"CREATE INDEX {table}_geom_gist ON {table} USING gist (geom)",
        # Radii in metres are queried through geography; this index serves ST_DWithin(geog, …).
        f"CREATE INDEX {table}_geog_gist ON {table} USING gist ((geom::geography))",
        f"CREATE INDEX {table}_subdistrict_idx ON {table} (subdistrict_code)",
        f"CREATE INDEX {table}_district_idx ON {table} (district_code)",
        f"CREATE INDEX {table}_batch_idx ON {table} (batch_id)",
    ]


UPGRADE = [
    "CREATE EXTENSION IF NOT EXISTS postgis",
    """
    CREATE TABLE data_source (
        code varchar(64) PRIMARY KEY,
        layer varchar(32) NOT NULL,
        name text NOT NULL,
        licence text NOT NULL,
        attribution text NOT NULL,
        version text,
        url text,
        loaded_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE admin_area (
        code varchar(6) PRIMARY KEY,
        level varchar(12) NOT NULL CHECK (level IN ('province','district','subdistrict')),
        parent_code varchar(6) REFERENCES admin_area(code) DEFERRABLE INITIALLY DEFERRED,
        name_th text NOT NULL,
        name_en text NOT NULL,
        postcodes text[],
        centroid geometry(Point, 4326) CHECK (centroid IS NULL OR ST_IsValid(centroid)),
        geom geometry(MultiPolygon, 4326) CHECK (geom IS NULL OR ST_IsValid(geom)),
        approximate boolean NOT NULL DEFAULT false,
        source varchar(64) NOT NULL REFERENCES data_source(code),
        geom_source varchar(64) REFERENCES data_source(code),
        repairs integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (code ~ '^[0-9]+$'),
        CHECK ((level = 'province' AND length(code) = 2 AND parent_code IS NULL)
            OR (level = 'district' AND length(code) = 4 AND parent_code = left(code, 2))
            OR (level = 'subdistrict' AND length(code) = 6 AND parent_code = left(code, 4)))
    )
    """,
    "CREATE INDEX admin_area_geom_gist ON admin_area USING gist (geom)",
    "CREATE INDEX admin_area_level_idx ON admin_area (level, parent_code)",
    """
    CREATE TABLE place (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL,
        admin1 text,
        admin2 text,
        province_code varchar(2),
        geom geometry(Point, 4326) NOT NULL CHECK (ST_IsValid(geom)),
        source varchar(64) NOT NULL REFERENCES data_source(code)
    )
    """,
    "CREATE INDEX place_geom_gist ON place USING gist (geom)",
    """
    CREATE TABLE etl_batch (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind varchar(16) NOT NULL,
        source varchar(64) NOT NULL,
        profile text,
        file_name text,
        file_sha256 varchar(64),
        status varchar(16) NOT NULL DEFAULT 'running'
            CHECK (status IN ('running','committed','failed','dry-run')),
        n_read integer NOT NULL DEFAULT 0,
        n_inserted integer NOT NULL DEFAULT 0,
        n_updated integer NOT NULL DEFAULT 0,
        n_unchanged integer NOT NULL DEFAULT 0,
        n_quarantined integer NOT NULL DEFAULT 0,
        error text,
        started_by text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
    )
    """,
    "CREATE INDEX etl_batch_sha_idx ON etl_batch (file_sha256)",
    """
    CREATE TABLE quarantine_row (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        batch_id bigint NOT NULL REFERENCES etl_batch(id) ON DELETE CASCADE,
        row_number integer NOT NULL,
        raw jsonb NOT NULL,
        reason_code varchar(32) NOT NULL,
        message text NOT NULL,
        resolved_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX quarantine_row_batch_idx ON quarantine_row (batch_id, row_number)",
    f"CREATE TABLE lodging_site ({_LOCATED}, lodging_type text, rooms integer CHECK (rooms >= 0), contact text)",
    f"""CREATE TABLE venue ({_LOCATED},
        category varchar(32) NOT NULL,
        sensitivity smallint NOT NULL DEFAULT 3 CHECK (sensitivity BETWEEN 1 AND 5),
        contact text)""",
    f"""CREATE TABLE tip ({_LOCATED},
        reported_at timestamptz NOT NULL,
        channel varchar(32),
        category varchar(64) NOT NULL,
        text text,
        status varchar(16) NOT NULL DEFAULT 'new',
        reliability varchar(2) CHECK (reliability ~ '^[A-F][1-6]$'),
        reporter_hash text)""",
    *_located_indexes("lodging_site"),
    *_located_indexes("venue"),
    *_located_indexes("tip"),
    "CREATE INDEX venue_category_idx ON venue (category)",
    "CREATE INDEX tip_reported_at_idx ON tip (reported_at)",
    "CREATE INDEX tip_category_time_idx ON tip (category, reported_at)",
    """
    CREATE TABLE patrol_unit (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        callsign text NOT NULL UNIQUE,
        agency text,
        unit_type varchar(16) NOT NULL DEFAULT 'car',
        home_district_code varchar(4),
        active boolean NOT NULL DEFAULT true,
        source varchar(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE unit_position (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        unit_id integer NOT NULL REFERENCES patrol_unit(id) ON DELETE CASCADE,
        recorded_at timestamptz NOT NULL,
        geom geometry(Point, 4326) NOT NULL CHECK (ST_IsValid(geom)),
        speed_kmh double precision,
        heading_deg double precision CHECK (heading_deg >= 0 AND heading_deg < 360)
    )
    """,
    "CREATE INDEX unit_position_unit_time_idx ON unit_position (unit_id, recorded_at DESC)",
    "CREATE INDEX unit_position_geom_gist ON unit_position USING gist (geom)",
    "CREATE INDEX unit_position_geog_gist ON unit_position USING gist ((geom::geography))",
    """
    CREATE TABLE coverage_plan (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL,
        area_code varchar(6),
        params jsonb NOT NULL DEFAULT '{}'::jsonb,
        result jsonb,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE geocode_cache (
        key varchar(64) PRIMARY KEY,
        query text NOT NULL,
        geom geometry(Point, 4326) CHECK (geom IS NULL OR ST_IsValid(geom)),
        precision varchar(12) NOT NULL
            CHECK (precision IN ('point','street','subdistrict','district','province','place','none')),
        confidence double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
        province_code varchar(2),
        district_code varchar(4),
        subdistrict_code varchar(6),
        reason text,
        review_status varchar(12) NOT NULL DEFAULT 'auto'
            CHECK (review_status IN ('auto','pending','accepted','moved','rejected')),
        reviewed_by text,
        hits integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX geocode_cache_review_idx ON geocode_cache (review_status) WHERE review_status = 'pending'",
    """
    CREATE TABLE app_user (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        username varchar(64) NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.@-]{1,64}$'),
        role varchar(16) NOT NULL CHECK (role IN ('admin','command','planner','field')),
        password_hash text,
        must_change_password boolean NOT NULL DEFAULT false,
        disabled boolean NOT NULL DEFAULT false,
        failed_logins integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        language varchar(2) NOT NULL DEFAULT 'th' CHECK (language IN ('th','en')),
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE audit_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        username text,
        role varchar(16),
        action varchar(48) NOT NULL,
        object_type varchar(32),
        object_ids text[],
        area text,
        outcome varchar(16) NOT NULL,
        client_ip inet,
        detail jsonb
    )
    """,
    "CREATE INDEX audit_event_at_idx ON audit_event (at)",
    # Append-only, whoever connects: UPDATE, DELETE and TRUNCATE raise.
    """
    CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]

DOWNGRADE = [
    "DROP TABLE IF EXISTS audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
    "DROP TABLE IF EXISTS app_user",
    "DROP TABLE IF EXISTS geocode_cache",
    "DROP TABLE IF EXISTS coverage_plan",
    "DROP TABLE IF EXISTS unit_position",
    "DROP TABLE IF EXISTS patrol_unit",
    "DROP TABLE IF EXISTS tip",
    "DROP TABLE IF EXISTS venue",
    "DROP TABLE IF EXISTS lodging_site",
    "DROP TABLE IF EXISTS quarantine_row",
    "DROP TABLE IF EXISTS etl_batch",
    "DROP TABLE IF EXISTS place",
    "DROP TABLE IF EXISTS admin_area",
    "DROP TABLE IF EXISTS data_source",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
