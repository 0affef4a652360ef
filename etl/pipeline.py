"""One ETL job: read → validate → geocode → load (one transaction), with every row accounted
for: read = inserted + updated + unchanged + quarantined."""

from __future__ import annotations

import hashlib
import os
import queue
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from etl import profiles, rawhash, sources
from etl.geocode import coords
from etl.geocode.address import parse
from etl.geocode.geocoder import Geocoder, GeoResult
from etl.geocode.matcher import match_address
from etl.profiles import resolve
from etl.validate import Record, Validated, source_id, validate
from geodata.db import Bind
from geodata.load import BatchMeta, BatchReport, Chunk, QuarantineRow, load_batch, load_stream
from geodata.settings import Settings

Progress = Callable[[str], None]


def reporter_key(settings: Settings) -> bytes:
    """The key reporters' contacts are hashed with: SITAWARE_REPORTER_KEY, else a random key
    kept in ``<state_dir>/reporter.key`` (created on first use, readable by the owner only)."""
    if settings.reporter_key is not None:
        return bytes.fromhex(settings.reporter_key.get_secret_value())
    path = settings.state_dir / "reporter.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def file_sha256(path: Path) -> str:
    """sha256 of a file, streamed."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Located:
    """A record with its geocoder answer."""

    record: Record
    answer: GeoResult


def geocode(
    geocoder: Geocoder,
    kind: str,
    v: Validated,
    raw: dict[int, dict[str, str]] | None = None,
    *,
    require_admin_area: bool = True,
) -> tuple[list[Located], list[QuarantineRow]]:
    """Points are reverse-geocoded; addresses, then tip texts, are geocoded. A lodging site or
    venue that cannot be placed is quarantined with the geocoder's reason; a tip is kept (its
    text may still be placed by a person in review)."""
    recs = v.records
    answers: list[GeoResult | None] = [None] * len(recs)
    pts: list[tuple[float, float]] = []
    with_point: list[int] = []
    for i, r in enumerate(recs):
        if r.lon is not None and r.lat is not None:
            with_point.append(i)
            pts.append((r.lon, r.lat))
    for i, a in zip(with_point, geocoder.points(pts), strict=True):
        answers[i] = a
    todo = [i for i in range(len(recs)) if answers[i] is None and recs[i].address]
    for i, a in zip(todo, geocoder.batch("address", [recs[i].address for i in todo]), strict=True):
        answers[i] = a
    if kind == "tips":
        todo = [i for i in range(len(recs)) if not _placed(answers[i]) and recs[i].text]
        for i, a in zip(todo, geocoder.batch("text", [recs[i].text for i in todo]), strict=True):
            if a.ok or answers[i] is None:
                answers[i] = a
    located: list[Located] = []
    rejected: list[QuarantineRow] = []
    for rec, ans in zip(recs, answers, strict=True):
        a = ans or GeoResult(None, None, "none", 0.0, reason="no location")
        row_raw = (raw or {}).get(rec.number) or {"source_id": rec.source_id}
        if rec.lon is not None and rec.lat is not None and not a.ok and not require_admin_area:
            a = GeoResult(rec.lon, rec.lat, "point", 0.99, source="coords")
        if rec.lon is not None and not a.ok:  # a point given, but in no Thai admin area
            rejected.append(QuarantineRow(rec.number, row_raw, "coords", f"the point: {a.reason}"))
            continue
        if not a.ok and kind != "tips":
            rejected.append(
                QuarantineRow(rec.number, row_raw, "geocode", f"cannot be placed: {a.reason}")
            )
            continue
        located.append(Located(rec, a))
    return located, rejected


def _placed(a: GeoResult | None) -> bool:
    return a is not None and a.ok


def to_columns(loc: Located, raw_hash: int | None = None) -> dict[str, object]:
    """A located record as the loader's columns (``raw_hash``: its source row's hash)."""
    a = loc.answer
    return {
        **loc.record.values,
        "source_id": loc.record.source_id,
        "lon": a.lon,
        "lat": a.lat,
        "geo_precision": a.precision,
        "geo_confidence": round(a.confidence, 3),
        "province_code": a.province_code,
        "district_code": a.district_code,
        "subdistrict_code": a.subdistrict_code,
        "raw_hash": raw_hash,
    }


CHUNK = 50_000  # rows validated and written at a time


@dataclass
class Triage:
    """The rows of a chunk that must be processed, with their raw hashes, and how many were
    found unchanged."""

    todo: list[sources.SourceRow]
    hashes: dict[int, int]  # row number → raw hash
    unchanged: int


def triage(
    rows: list[sources.SourceRow],
    mapping: dict[str, str],
    key: bytes,
    known: dict[str, int],
    seen: dict[str, int],
) -> Triage:
    """Split ``rows`` into rows to validate and rows unchanged since the last load: a row is
    unchanged when it has no read problem and its id's stored raw hash (``known``) is its own.

    Duplicates stay exact: an unchanged row takes its id in ``seen`` as validation would (so a
    later row with the same id is refused as a duplicate of it), and a row is not skipped when
    an earlier row of the chunk with its id still waits for validation (which decides which of
    them comes first)."""
    todo: list[sources.SourceRow] = []
    hashes: dict[int, int] = {}
    waiting: set[str] = set()
    unchanged = 0
    for row in rows:
        h = rawhash.row_hash(key, row)
        sid = source_id(row, mapping) if known else None
        if (
            sid is not None
            and row.error is None
            and known.get(sid) == h
            and sid not in seen
            and sid not in waiting
        ):
            seen[sid] = row.number
            unchanged += 1
            continue
        if sid is not None:
            waiting.add(sid)
        todo.append(row)
        hashes[row.number] = h
    return Triage(todo, hashes, unchanged)


def _prefetch(chunks: Iterator[Chunk], depth: int = 2) -> Iterator[Chunk]:
    """Run ``chunks`` in a worker thread, ``depth`` ahead: Python validates and geocodes the
    next chunk while the server writes this one (psycopg releases the GIL while it waits)."""
    q: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def work() -> None:
        try:
            for item in chunks:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(done)
        except BaseException as exc:
            q.put(exc)

    worker = threading.Thread(target=work, name="etl-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()


def run(
    bind: Bind,
    geocoder: Geocoder,
    settings: Settings,
    kind: profiles.Kind,
    path: Path,
    *,
    profile: str | None = None,
    source: str | None = None,
    dry_run: bool = False,
    started_by: str | None = None,
    progress: Progress | None = None,
) -> BatchReport:
    """Load one file. Raises SourceError (file-level problems) before anything is written."""
    say = progress or (lambda _msg: None)
    prof = profiles.get(profile, kind)
    say(f"reading {path.name}")
    table = sources.read(path, kind)
    mapping = resolve(prof, table.columns)
    key = reporter_key(settings)
    n = len(table.rows)
    hash_key = rawhash.salt(
        kind,
        prof,
        columns=table.columns,
        mapping=mapping,
        reporter_key=key,
        settings=settings,
        geocoder=geocoder,
    )
    # Filled by load_stream, inside its transaction, before it asks for the first chunk.
    known: dict[str, int] = {}

    def chunks() -> Iterator[Chunk]:
        seen: dict[str, int] = {}
        for start in range(0, max(n, 1), CHUNK):
            t = triage(table.rows[start : start + CHUNK], mapping, hash_key, known, seen)
            part = sources.SourceTable(
                path=table.path, format=table.format, columns=table.columns, rows=t.todo
            )
            say(
                f"validating and geocoding rows {start + 1:,}–{min(n, start + CHUNK):,} of {n:,}"
                f" ({t.unchanged:,} unchanged)"
            )
            v = validate(part, prof, key, settings.service_bbox, seen)
            located, unplaced = geocode(
                geocoder,
                kind,
                v,
                {r.number: r.values for r in part.rows},
                require_admin_area=settings.require_admin_area,
            )
            rejected = [QuarantineRow(r.number, r.raw, r.code, r.message) for r in v.rejected]
            quarantine = sorted(rejected + unplaced, key=lambda q: q.row_number)
            records = [to_columns(x, t.hashes[x.record.number]) for x in located]
            yield Chunk(records, quarantine, t.unchanged)

    meta = BatchMeta(
        kind=kind,
        source=source or prof.source,
        profile=prof.name,
        file_name=path.name,
        file_sha256=file_sha256(path),
        started_by=started_by,
    )
    # A shared Connection (tests, the API) cannot serve two threads: run in line there.
    stream = _prefetch(chunks()) if isinstance(bind, Engine) else chunks()
    report = load_stream(bind, meta, stream, dry_run=dry_run, known=known)
    say("loading done")
    report.notes = table.notes + report.notes
    if mapping:
        report.notes.append("columns: " + ", ".join(f"{t}←{c}" for t, c in mapping.items()))
    return report


@dataclass
class RetryReport:
    """What a retry of quarantined rows did."""

    batch_id: int
    retried: int
    loaded: BatchReport | None
    still_quarantined: int


def retry(
    bind: Bind,
    geocoder: Geocoder,
    settings: Settings,
    batch_id: int,
    *,
    profile: str | None = None,
    started_by: str | None = None,
) -> RetryReport:
    """Run a batch's quarantined rows through validation and geocoding again (after a fix to
    the profile, the settings or the gazetteer). Rows that pass load as a new batch and are
    marked resolved in the old one; the others stay where they are, with their reasons."""
    from geodata import load as ledger  # keeps this module's import light

    batch = next((b for b in ledger.batches(bind, limit=1000) if b.id == batch_id), None)
    if batch is None:
        raise ValueError(f"no batch {batch_id}")
    kind = batch.kind
    if kind not in profiles.KINDS:
        raise ValueError(f"batch {batch_id} holds {kind}, which cannot be retried")
    prof = profiles.get(profile or batch.profile, kind)
    rows = ledger.quarantined(bind, batch_id)
    columns = list(dict.fromkeys(k for q in rows for k in q.raw if not k.startswith("_")))
    table = sources.SourceTable(
        path=Path(batch.file_name or "retry"), format="retry", columns=columns
    )
    for q in rows:
        values = {c: str(q.raw.get(c, "")) for c in columns}
        table.rows.append(sources.SourceRow(q.row_number, values))
    v = validate(table, prof, reporter_key(settings), settings.service_bbox)
    located, _unplaced = geocode(
        geocoder,
        kind,
        v,
        {r.number: r.values for r in table.rows},
        require_admin_area=settings.require_admin_area,
    )
    report = None
    if located:
        meta = BatchMeta(
            kind=kind,
            source=batch.source,
            profile=prof.name,
            file_name=f"retry of batch {batch_id}",
            started_by=started_by,
        )
        report = load_batch(bind, meta, [to_columns(x) for x in located])
        ledger.resolve_quarantined(bind, batch_id, [x.record.number for x in located])
    return RetryReport(batch_id, len(rows), report, len(rows) - len(located))


UNIT_HEADERS = {
    "callsign": ("callsign", "call_sign", "รหัสเรียกขาน", "ชื่อหน่วย", "unit"),
    "agency": ("agency", "หน่วยงาน", "สังกัด"),
    "unit_type": ("unit_type", "type", "ประเภท"),
    "home_district": ("home_district", "district", "เขต", "อำเภอ", "พื้นที่รับผิดชอบ"),
    "lat": ("lat", "latitude", "ละติจูด"),
    "lon": ("lon", "lng", "longitude", "ลองจิจูด"),
}
UNIT_TYPES = ("car", "motorbike", "foot", "boat", "bicycle", "van")


@dataclass
class UnitsReport:
    """What a units load did."""

    read: int
    loaded: int
    quarantined: list[QuarantineRow]


def run_units(bind: Bind, geocoder: Geocoder, path: Path, source: str) -> UnitsReport:
    """Patrol units (callsign, agency, type, home district, current position): upserted by
    callsign; bad rows are reported with their reason (units have no batch ledger)."""
    from etl.geocode.text import clean
    from geodata.load import load_units

    table = sources.read(path)
    lower = {c.casefold(): c for c in table.columns}
    col = {t: next((lower[h] for h in hs if h in lower), None) for t, hs in UNIT_HEADERS.items()}
    if col["callsign"] is None:
        raise sources.SourceError(
            f"{path}: no callsign column ({', '.join(UNIT_HEADERS['callsign'])})"
        )
    good: list[dict[str, str]] = []
    bad: list[QuarantineRow] = []
    seen: set[str] = set()
    for row in table.rows:
        v = {t: clean(row.values.get(c, "")) if c else "" for t, c in col.items()}
        reason = None
        if row.error:
            reason = ("read", row.error)
        elif not v["callsign"]:
            reason = ("missing_id", "no callsign")
        elif v["callsign"] in seen:
            reason = ("duplicate", f"callsign {v['callsign']!r} twice in this file")
        elif v["unit_type"] and v["unit_type"].casefold() not in UNIT_TYPES:
            reason = (
                "value",
                f"unit type {v['unit_type']!r} is not one of {', '.join(UNIT_TYPES)}",
            )
        elif v["lat"] or v["lon"]:
            c = coords.parse((v["lat"], v["lon"])) if v["lat"] and v["lon"] else None
            if c is None or not c.ok or c.swapped:
                reason = ("coords", c.reason if c and c.reason else "latitude/longitude invalid")
        if reason is None and v["home_district"] and not v["home_district"].isdigit():
            m = match_address(parse(f"เขต{v['home_district']}"), geocoder.g)
            v["home_district"] = m.district or ""
        if reason:
            bad.append(QuarantineRow(row.number, row.values, reason[0], reason[1]))
            continue
        seen.add(v["callsign"])
        v["unit_type"] = v["unit_type"].casefold() or "car"
        good.append(v)
    n = load_units(bind, source, good)
    return UnitsReport(len(table.rows), n, bad)
