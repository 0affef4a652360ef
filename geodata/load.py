"""Loading a batch of records: COPY into staging, one set-based upsert, one transaction.

- Natural key ``(source, source_id)``; a row whose ``row_hash`` is unchanged is not touched.
- ``raw_hash`` (the source row's hash, ``etl.rawhash``) is stored with each record; a caller that
  asks for the stored hashes (``known``) skips unchanged rows before they get here.
- The ``etl_batch`` ledger row, the records and the quarantined rows commit together: a crash
  (even ``kill -9``) mid-batch leaves nothing of it visible, and a re-run completes it.
- A batch that fails with an error is recorded afterwards as ``failed``, with the error.
- The map's counts (migration 0016): the first statement of a batch of tips takes the one
  compaction lock if it is free and keeps it until the batch ends, so its triggers add the
  counts to ``tip_cell`` and ``tip_area_day`` directly; other writers meanwhile append deltas
  and never wait for it. After the commit, ``compact_counts`` folds what others appended.
- Table and column names come from the allow-list below, never from input.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from psycopg import sql
from sqlalchemy import Connection, text

from geodata.bulk import copy_to_temp
from geodata.db import Bind, begin, connect

COMMON = (
    ("source", "text"),
    ("source_id", "text"),
    ("name_th", "text"),
    ("name_en", "text"),
    ("address_raw", "text"),
    ("lon", "double precision"),
    ("lat", "double precision"),
    ("geo_precision", "text"),
    ("geo_confidence", "double precision"),
    ("province_code", "text"),
    ("district_code", "text"),
    ("subdistrict_code", "text"),
    ("raw_hash", "bigint"),
)
# Not part of the row hash: a row hash means the record's values (and stays what it was).
NOT_HASHED = ("raw_hash",)
TABLES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "lodging": (
        "lodging_site",
        (
            ("lodging_type", "text"),
            ("rooms", "integer"),
            ("contact", "text"),
            ("licence_no", "text"),
            ("licence_expires", "date"),
        ),
    ),
    "venues": (
        "venue",
        (("category", "text"), ("sensitivity", "smallint"), ("contact", "text")),
    ),
    "tips": (
        "tip",
        (
            ("reported_at", "timestamptz"),
            ("channel", "text"),
            ("category", "text"),
            ("text", "text"),
            ("status", "text"),
            ("reliability", "text"),
            ("reporter_hash", "text"),
        ),
    ),
}


class DryRunDone(Exception):  # noqa: N818 - a signal, not an error
    """Raised inside the transaction of a dry run so that it rolls back."""


@dataclass
class BatchMeta:
    """What a batch is: kind, source, profile, file and who ran it."""

    kind: str
    source: str
    profile: str | None = None
    file_name: str | None = None
    file_sha256: str | None = None
    started_by: str | None = None


@dataclass
class QuarantineRow:
    """A row refused by validation (or by geocoding), with its raw content."""

    row_number: int
    raw: dict[str, Any]
    reason_code: str
    message: str


@dataclass
class BatchReport:
    """The counts of one batch: read = inserted + updated + unchanged + quarantined."""

    batch_id: int | None
    read: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    status: str = "committed"
    notes: list[str] = field(default_factory=list)
    # seconds the map counts' compaction took after the commit (None: none ran)
    compact_s: float | None = None

    def json_line(self) -> str:
        """The machine-readable summary the CLI prints."""
        d = asdict(self)
        d.pop("notes")
        d.pop("compact_s")
        return json.dumps(d, separators=(", ", ": "))


def _columns(kind: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    if kind not in TABLES:
        raise ValueError(f"kind must be one of {', '.join(TABLES)}, not {kind!r}")
    table, extra = TABLES[kind]
    return table, COMMON + extra


def _upsert_sql(table: str, cols: tuple[tuple[str, str], ...]) -> str:
    names = [c for c, _ in cols if c not in ("lon", "lat")]
    insert_cols = ", ".join([*names, "row_hash", "geom", "batch_id"])
    # The row hash is computed by the server from every staged value: what decides "unchanged".
    staged = ", ".join(f"s.{c}" for c, _ in cols if c not in NOT_HASHED)
    select_cols = ", ".join(
        [
            *(f"s.{c}" for c in names),
            f"md5(ROW({staged})::text)",
            "CASE WHEN s.lon IS NULL THEN NULL "
            "ELSE ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326) END",
            ":batch_id",
        ]
    )
    updates = ", ".join(
        f"{c} = EXCLUDED.{c}"
        for c in [*names, "row_hash", "geom"]
        if c not in ("source", "source_id")
    )
    # A record whose values are the same but whose raw hash is new (or was unknown) only takes
    # the hash: it keeps its batch and its time, and counts as unchanged.
    changed = "t.row_hash IS DISTINCT FROM EXCLUDED.row_hash"
    # Every identifier here comes from TABLES / COMMON (constants of this module).
    return (
        f"WITH up AS (INSERT INTO {table} AS t ({insert_cols}) "  # noqa: S608
        f"SELECT {select_cols} FROM stage_records s "
        f"ON CONFLICT (source, source_id) DO UPDATE SET {updates}, "
        f"batch_id = CASE WHEN {changed} THEN EXCLUDED.batch_id ELSE t.batch_id END, "
        f"updated_at = CASE WHEN {changed} THEN now() ELSE t.updated_at END "
        f"WHERE {changed} OR t.raw_hash IS DISTINCT FROM EXCLUDED.raw_hash "
        "RETURNING (xmax = 0) AS inserted, batch_id = :batch_id AS changed) "
        "SELECT count(*) FILTER (WHERE inserted) AS inserted, "
        "count(*) FILTER (WHERE changed AND NOT inserted) AS updated FROM up"
    )


def known_hashes(conn: Connection, table: str, source: str) -> dict[str, int]:
    """``source_id → raw_hash`` of the records of ``source`` in ``table`` that have one."""
    if table not in {t for t, _ in TABLES.values()}:
        raise ValueError(f"unknown table {table!r}")
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur:
        cur.execute(
            sql.SQL(
                "SELECT source_id, raw_hash FROM {} WHERE source = %s AND raw_hash IS NOT NULL"
            ).format(sql.Identifier(table)),
            (source,),
        )
        return dict(cur.fetchall())


def _write_quarantine(conn: Connection, batch_id: int, rows: Sequence[QuarantineRow]) -> None:
    if not rows:
        return
    copy_to_temp(
        conn,
        "stage_quarantine",
        [("row_number", "integer"), ("raw", "jsonb"), ("reason_code", "text"), ("message", "text")],
        (
            (
                q.row_number,
                json.dumps(q.raw, ensure_ascii=False, default=str),
                q.reason_code[:32],
                q.message[:2000],
            )
            for q in rows
        ),
    )
    conn.execute(
        text(
            "INSERT INTO quarantine_row (batch_id, row_number, raw, reason_code, message) "
            "SELECT :b, row_number, raw, reason_code, message FROM stage_quarantine "
            "ORDER BY row_number"
        ),
        {"b": batch_id},
    )


class Chunk(NamedTuple):
    """Part of a batch: records to write, rows refused, and how many rows the producer found
    unchanged (by their raw hash) and did not pass on."""

    records: Sequence[dict[str, Any]]
    quarantined: Sequence[QuarantineRow] = ()
    unchanged: int = 0


def load_batch(
    bind: Bind,
    meta: BatchMeta,
    records: Sequence[dict[str, Any]],
    quarantined: Sequence[QuarantineRow] = (),
    *,
    dry_run: bool = False,
) -> BatchReport:
    """Load one batch all or nothing. ``records`` hold the columns of ``TABLES[meta.kind]``
    plus the common ones (``lon``/``lat`` for the point, ``raw_hash`` optional); the server
    computes ``row_hash``."""
    return load_stream(bind, meta, [Chunk(records, quarantined)], dry_run=dry_run)


def load_stream(
    bind: Bind,
    meta: BatchMeta,
    chunks: Iterable[Chunk],
    *,
    dry_run: bool = False,
    known: dict[str, int] | None = None,
) -> BatchReport:
    """Load one batch, all or nothing, from chunks of (records, quarantined rows, unchanged
    count) — each chunk COPYed and upserted as it arrives, in one transaction, so a producer
    can prepare the next chunk while the server writes this one.

    With ``known``, the load first locks the source (one load of a source at a time) and fills
    ``known`` with the stored ``source_id → raw_hash`` of its records, inside the transaction
    and before it asks ``chunks`` for the first chunk: a producer can skip the rows whose hash
    is unchanged, and nothing can change them between that read and the commit."""
    table, cols = _columns(meta.kind)
    names = [c for c, _ in cols]
    upsert = text(_upsert_sql(table, cols))
    source = meta.source
    report = BatchReport(None, read=0)
    try:
        with begin(bind) as conn:
            # The row hash is the text of the staged row: fix how times print while hashing.
            conn.execute(text("SET LOCAL TimeZone = 'UTC'"))
            batch_id = int(
                conn.execute(
                    text(
                        "INSERT INTO etl_batch (kind, source, profile, file_name, file_sha256, "
                        "started_by) VALUES (:kind, :source, :profile, :file_name, "
                        ":file_sha256, :started_by) RETURNING id"
                    ),
                    asdict(meta),
                ).scalar_one()
            )
            report.batch_id = batch_id
            if known is not None:
                conn.execute(
                    text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                    {"k": f"etl load {table} {source}"},
                )
                known.update(known_hashes(conn, table, source))
            for records, quarantined, unchanged in chunks:
                staged = [[source if c == "source" else r.get(c) for c in names] for r in records]
                if staged:
                    copy_to_temp(conn, "stage_records", list(cols), staged)
                    counts = conn.execute(upsert, {"batch_id": batch_id}).one()
                    report.inserted += int(counts.inserted)
                    report.updated += int(counts.updated)
                    report.unchanged += len(staged) - int(counts.inserted) - int(counts.updated)
                _write_quarantine(conn, batch_id, quarantined)
                report.quarantined += len(quarantined)
                report.unchanged += unchanged
                report.read += len(staged) + len(quarantined) + unchanged
            conn.execute(
                text(
                    "UPDATE etl_batch SET status = 'committed', n_read = :r, n_inserted = :i, "
                    "n_updated = :u, n_unchanged = :n, n_quarantined = :q, finished_at = now() "
                    "WHERE id = :b"
                ),
                {
                    "r": report.read,
                    "i": report.inserted,
                    "u": report.updated,
                    "n": report.unchanged,
                    "q": report.quarantined,
                    "b": batch_id,
                },
            )
            if dry_run:
                raise DryRunDone
    except DryRunDone:
        report.status, report.batch_id = "dry-run", None
        report.notes.append("dry run: nothing was written")
    except Exception as exc:
        _record_failure(bind, meta, report.read, exc)
        raise
    if table == "tip" and report.inserted + report.updated > 0:
        _compact_after(bind, report)
    return report


def compact_counts(bind: Bind) -> int | None:
    """Fold the count deltas that the triggers of ``tip`` appended (migration 0016) into
    ``tip_cell`` and ``tip_area_day``, in one transaction. Returns the rows written, or None
    when another compaction was running (the next one folds what this one would have: the
    counts read through ``*_counts`` are right either way)."""
    with begin(bind) as conn:
        moved = conn.execute(text("SELECT tip_counts_compact()")).scalar_one()
    return None if moved is None else int(moved)


def _compact_after(bind: Bind, report: BatchReport) -> None:
    """Compact after a committed batch (the batch stands whatever happens here): its time in
    ``report.compact_s``, and a note when there is something to tell."""
    t0 = time.perf_counter()
    try:
        moved = compact_counts(bind)
    except Exception as exc:  # the load committed: say so, and what did not happen
        report.notes.append(
            f"map counts not compacted ({exc.__class__.__name__}: {exc}); they stay right and "
            "the next load compacts them"
        )
        return
    finally:
        report.compact_s = time.perf_counter() - t0
    if moved is None:
        report.notes.append(
            "map counts: another writer holds them; the next compaction folds the rest"
        )
    elif moved:
        report.notes.append(
            f"map counts: {moved:,} rows that other writers appended during the load folded in "
            f"{report.compact_s:.1f} s"
        )


def _record_failure(bind: Bind, meta: BatchMeta, n_read: int, exc: Exception) -> None:
    try:
        with begin(bind) as conn:
            conn.execute(
                text(
                    "INSERT INTO etl_batch (kind, source, profile, file_name, file_sha256, "
                    "started_by, n_read, status, error, finished_at) VALUES (:kind, :source, "
                    ":profile, :file_name, :file_sha256, :started_by, :n_read, 'failed', :error, "
                    "now())"
                ),
                {
                    **asdict(meta),
                    "n_read": n_read,
                    "error": f"{exc.__class__.__name__}: {exc}"[:2000],
                },
            )
    except Exception:  # noqa: S110 - the original error is what the caller must see
        pass


@dataclass(frozen=True)
class BatchRow:
    """One row of the ``etl_batch`` ledger."""

    id: int
    kind: str
    source: str
    profile: str | None
    file_name: str | None
    status: str
    n_read: int
    n_inserted: int
    n_updated: int
    n_unchanged: int
    n_quarantined: int
    error: str | None
    started_at: dt.datetime


def batches(bind: Bind, *, limit: int = 20) -> list[BatchRow]:
    """The newest batches."""
    with connect(bind) as conn:
        rows = conn.execute(
            text(
                "SELECT id, kind, source, profile, file_name, status, n_read, n_inserted, "
                "n_updated, n_unchanged, n_quarantined, error, started_at FROM etl_batch "
                "ORDER BY id DESC LIMIT :n"
            ),
            {"n": max(1, min(int(limit), 1000))},
        ).all()
    return [BatchRow(*r) for r in rows]


def quarantined(bind: Bind, batch_id: int) -> list[QuarantineRow]:
    """The quarantined rows of a batch, in file order (unresolved ones)."""
    with connect(bind) as conn:
        rows = conn.execute(
            text(
                "SELECT row_number, raw, reason_code, message FROM quarantine_row "
                "WHERE batch_id = :b AND resolved_at IS NULL ORDER BY row_number, id"
            ),
            {"b": int(batch_id)},
        ).all()
    return [QuarantineRow(int(r.row_number), dict(r.raw), r.reason_code, r.message) for r in rows]


def resolve_quarantined(bind: Bind, batch_id: int, row_numbers: Sequence[int]) -> int:
    """Mark quarantined rows as resolved (a retry loaded them)."""
    with begin(bind) as conn:
        result = conn.execute(
            text(
                "UPDATE quarantine_row SET resolved_at = now() WHERE batch_id = :b "
                "AND row_number = ANY(:rows) AND resolved_at IS NULL"
            ),
            {"b": int(batch_id), "rows": [int(r) for r in row_numbers]},
        )
    return int(result.rowcount or 0)


def load_units(bind: Bind, source: str, rows: Sequence[dict[str, str]]) -> int:
    """Upsert patrol units by callsign (``callsign, agency, unit_type, home_district, lat,
    lon``); a unit's position is recorded when it has none yet or it moved. Returns the number
    of units in ``rows``."""
    with begin(bind) as conn:
        for r in rows:
            uid = conn.execute(
                text(
                    """
                    INSERT INTO patrol_unit
                        (callsign, agency, unit_type, home_district_code, source)
                    VALUES (:callsign, :agency, :unit_type, :home, :source)
                    ON CONFLICT (callsign) DO UPDATE SET agency = EXCLUDED.agency,
                        unit_type = EXCLUDED.unit_type,
                        home_district_code = EXCLUDED.home_district_code
                    RETURNING id
                    """
                ),
                {
                    "callsign": r["callsign"],
                    "agency": r.get("agency") or None,
                    "unit_type": (r.get("unit_type") or "car")[:16],
                    "home": (r.get("home_district") or None),
                    "source": source,
                },
            ).scalar_one()
            if r.get("lat") and r.get("lon"):
                conn.execute(
                    text(
                        """
                        INSERT INTO unit_position (unit_id, recorded_at, geom)
                        SELECT :u, now(), ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)
                        WHERE NOT EXISTS (
                            SELECT 1 FROM unit_position p WHERE p.unit_id = :u
                              AND p.recorded_at = (SELECT max(recorded_at) FROM unit_position
                                                   WHERE unit_id = :u)
                              AND ST_Equals(p.geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)))
                        """
                    ),
                    {"u": uid, "lon": float(r["lon"]), "lat": float(r["lat"])},
                )
    return len(rows)


def load_roads(
    bind: Bind, source: str, rows: Sequence[tuple[str, str | None, str | None, str, str]]
) -> int:
    """Upsert named roads: (source_id, name_th, name_en, highway, WKT line). Returns the count."""
    with begin(bind) as conn:
        copy_to_temp(
            conn,
            "stage_roads",
            [("source_id", "text"), ("name_th", "text"), ("name_en", "text"),
             ("highway", "text"), ("wkt", "text")],
            rows,
        )  # fmt: skip
        result = conn.execute(
            text(
                """
                INSERT INTO road AS r (source, source_id, name_th, name_en, highway, geom)
                SELECT DISTINCT ON (source_id) :source, source_id, name_th, name_en, highway,
                       ST_Multi(ST_GeomFromText(wkt, 4326))
                FROM stage_roads ORDER BY source_id
                ON CONFLICT (source, source_id) DO UPDATE SET name_th = EXCLUDED.name_th,
                    name_en = EXCLUDED.name_en, highway = EXCLUDED.highway, geom = EXCLUDED.geom,
                    updated_at = now()
                """
            ),
            {"source": source},
        )
    return int(result.rowcount or 0)
