"""Loading: every row loaded or quarantined with a reason; re-loads change nothing; edits update
exactly the edited rows; a dry run writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from etl import pipeline
from etl.geocode.gazetteer import Gazetteer
from etl.geocode.geocoder import Geocoder
from geodata.settings import Settings
from tests.etl_files import MALFORMED_KINDS, lodging_file

SETTINGS = Settings(database_url="postgresql://unused/db", reporter_key="00" * 32)


@pytest.fixture
def geocoder(gazetteer: Gazetteer, conn: Connection) -> Geocoder:
    return Geocoder(gazetteer, conn)


def _load(conn: Connection, geocoder: Geocoder, path: Path, **kw: object) -> pipeline.BatchReport:
    return pipeline.run(conn, geocoder, SETTINGS, "lodging", path, **kw)  # type: ignore[arg-type]


def test_good_and_malformed_rows(conn: Connection, geocoder: Geocoder, tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    kinds = lodging_file(path, 10_000, 500)
    r = _load(conn, geocoder, path)
    assert (r.read, r.inserted, r.updated, r.unchanged, r.quarantined) == (
        10_500,
        10_000,
        0,
        0,
        500,
    )
    rows = conn.execute(
        text(
            "SELECT row_number, reason_code, message, raw FROM quarantine_row "
            "WHERE batch_id = :b ORDER BY row_number"
        ),
        {"b": r.batch_id},
    ).all()
    assert [q.row_number for q in rows] == sorted(kinds)
    expected_code = {"nan": "coords", "outside": "coords"}
    for q in rows:
        kind = kinds[q.row_number]
        assert q.reason_code == expected_code.get(kind, kind), (q.row_number, kind, q.message)
        assert q.message
        assert q.raw["id"].startswith("L1")  # the raw row is kept as it was read
    assert {kinds[q.row_number] for q in rows} == set(MALFORMED_KINDS)
    loaded = conn.execute(
        text(
            "SELECT count(*) AS n, count(*) FILTER (WHERE subdistrict_code IS NOT NULL) AS placed, "
            "count(*) FILTER (WHERE licence_expires IS NOT NULL) AS dated, "
            "count(DISTINCT lodging_type) AS types FROM lodging_site WHERE batch_id = :b"
        ),
        {"b": r.batch_id},
    ).one()
    assert loaded.n == 10_000 and loaded.placed == 10_000 and loaded.dated == 10_000
    assert loaded.types == 3  # โรงแรม / Hotel → hotel, hostel, เกสต์เฮาส์ → guest_house
    batch = conn.execute(text("SELECT * FROM etl_batch WHERE id = :b"), {"b": r.batch_id}).one()
    assert (batch.status, batch.n_read, batch.n_inserted, batch.n_quarantined) == (
        "committed",
        10_500,
        10_000,
        500,
    )
    assert batch.file_sha256 == pipeline.file_sha256(path)


def test_reload_changes_nothing_and_edits_update(
    conn: Connection, geocoder: Geocoder, tmp_path: Path
) -> None:
    path = tmp_path / "registry.csv"
    lodging_file(path, 2_000, 100)
    first = _load(conn, geocoder, path)
    assert first.inserted == 2_000
    for _ in range(3):
        again = _load(conn, geocoder, path)
        assert (again.inserted, again.updated, again.unchanged, again.quarantined) == (
            0,
            0,
            2_000,
            100,
        )
    edited = set(range(0, 2_000, 20))  # 100 rows get another room count
    lodging_file(path, 2_000, 100, edited=edited)
    r = _load(conn, geocoder, path)
    assert (r.inserted, r.updated, r.unchanged) == (0, 100, 1_900)
    n = conn.execute(text("SELECT count(*) FROM lodging_site WHERE rooms = 999")).scalar_one()
    assert n == 100
    total = conn.execute(text("SELECT count(*) FROM lodging_site")).scalar_one()
    assert total == 2_000


def test_dry_run_writes_nothing(conn: Connection, geocoder: Geocoder, tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    lodging_file(path, 300, 20)
    before = conn.execute(text("SELECT count(*) FROM etl_batch")).scalar_one()
    r = _load(conn, geocoder, path, dry_run=True)
    assert (r.status, r.inserted, r.quarantined, r.batch_id) == ("dry-run", 300, 20, None)
    assert conn.execute(text("SELECT count(*) FROM lodging_site")).scalar_one() == 0
    assert conn.execute(text("SELECT count(*) FROM etl_batch")).scalar_one() == before


def test_quarantine_retry_after_a_fix(conn: Connection, geocoder: Geocoder, tmp_path: Path) -> None:
    """Rows refused under a too-narrow service area load once the area is right; the old
    batch's rows are marked resolved and are not loaded twice."""
    path = tmp_path / "registry.csv"
    lodging_file(path, 300, 0)
    narrow = Settings(
        database_url="postgresql://unused/db",
        reporter_key="00" * 32,
        service_bbox=(100.48, 13.70, 100.55, 13.82),  # the west of the file's area only
    )
    first = pipeline.run(conn, geocoder, narrow, "lodging", path)
    assert 0 < first.quarantined < 300
    assert first.inserted + first.quarantined == 300
    assert first.batch_id is not None
    r = pipeline.retry(conn, geocoder, SETTINGS, first.batch_id)
    assert r.retried == first.quarantined and r.still_quarantined == 0
    assert r.loaded is not None and r.loaded.inserted == first.quarantined
    assert conn.execute(text("SELECT count(*) FROM lodging_site")).scalar_one() == 300
    left = conn.execute(
        text("SELECT count(*) FROM quarantine_row WHERE batch_id = :b AND resolved_at IS NULL"),
        {"b": first.batch_id},
    ).scalar_one()
    assert left == 0
    again = pipeline.retry(conn, geocoder, SETTINGS, first.batch_id)
    assert (again.retried, again.loaded) == (0, None)


def test_units(conn: Connection, geocoder: Geocoder, tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text(
        "รหัสเรียกขาน,สังกัด,ประเภท,เขต,ละติจูด,ลองจิจูด\n"
        "ปทุมวัน-1,สน.ปทุมวัน,car,ปทุมวัน,13.7455,100.5340\n"
        "ปทุมวัน-2,สน.ปทุมวัน,motorbike,1007,13.7400,100.5300\n"
        "ปทุมวัน-2,สน.ปทุมวัน,car,1007,13.7400,100.5300\n"
        "เรือ-1,ตำรวจน้ำ,submarine,,,\n"
        ",ไม่มีชื่อ,car,,,\n"
        "บางรัก-1,สน.บางรัก,foot,บางรัก,100.52,13.72\n",
        encoding="utf-8",
    )
    r = pipeline.run_units(conn, geocoder, path, "police")
    assert (r.read, r.loaded) == (6, 2)
    assert sorted(q.reason_code for q in r.quarantined) == [
        "coords",
        "duplicate",
        "missing_id",
        "value",
    ]
    units = conn.execute(
        text(
            "SELECT u.callsign, u.home_district_code, u.unit_type, count(p.id) AS positions "
            "FROM patrol_unit u LEFT JOIN unit_position p ON p.unit_id = u.id "
            "WHERE u.source = 'police' GROUP BY 1, 2, 3 ORDER BY 1"
        )
    ).all()
    assert [tuple(u) for u in units] == [
        ("ปทุมวัน-1", "1007", "car", 1),
        ("ปทุมวัน-2", "1007", "motorbike", 1),
    ]
    again = pipeline.run_units(conn, geocoder, path, "police")  # positions unchanged: not repeated
    assert again.loaded == 2
    n = conn.execute(text("SELECT count(*) FROM unit_position")).scalar_one()
    assert n == 2
