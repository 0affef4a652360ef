"""Re-loads skip unchanged rows by their raw hash: no validation, no geocoding, no COPY — with
the counts exact, quarantined rows quarantined again, duplicates still found, edited rows
updated, and everything processed again when the profile, the key, the ETL's code or the
geocoder's data change."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text

from etl import pipeline, profiles, rawhash
from etl.geocode.gazetteer import Gazetteer
from etl.geocode.geocoder import Geocoder
from geodata.settings import Settings
from tests.etl_files import lodging_file

SETTINGS = Settings(database_url="postgresql://unused/db", reporter_key="00" * 32)


class Counted:
    """Rows that reach validation, and points and queries that reach the geocoder."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, geocoder: Geocoder) -> None:
        self.validated = 0
        self.geocoded = 0
        real_validate, real_points, real_batch = (
            pipeline.validate,
            geocoder.points,
            geocoder.batch,
        )

        def validate(table: Any, *args: Any, **kwargs: Any) -> Any:
            self.validated += len(table.rows)
            return real_validate(table, *args, **kwargs)

        def points(pts: Any) -> Any:
            self.geocoded += len(pts)
            return real_points(pts)

        def batch(kind: Any, queries: Any, *args: Any, **kwargs: Any) -> Any:
            self.geocoded += len(queries)
            return real_batch(kind, queries, *args, **kwargs)

        monkeypatch.setattr(pipeline, "validate", validate)
        monkeypatch.setattr(geocoder, "points", points)
        monkeypatch.setattr(geocoder, "batch", batch)

    def reset(self) -> None:
        self.validated = self.geocoded = 0


@pytest.fixture
def geocoder(gazetteer: Gazetteer, conn: Connection) -> Geocoder:
    return Geocoder(gazetteer, conn)


def _load(conn: Connection, geocoder: Geocoder, path: Path, **kw: Any) -> pipeline.BatchReport:
    settings = kw.pop("settings", SETTINGS)
    return pipeline.run(conn, geocoder, settings, "lodging", path, **kw)


def _counts(r: pipeline.BatchReport) -> tuple[int, int, int, int, int]:
    assert r.read == r.inserted + r.updated + r.unchanged + r.quarantined
    return (r.read, r.inserted, r.updated, r.unchanged, r.quarantined)


def test_unchanged_reload_skips_validation_and_geocoding(
    conn: Connection, geocoder: Geocoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "registry.csv"
    lodging_file(path, 1_000, 50)
    counted = Counted(monkeypatch, geocoder)
    first = _load(conn, geocoder, path)
    assert _counts(first) == (1_050, 1_000, 0, 0, 50)
    assert counted.validated == 1_050 and counted.geocoded >= 1_000
    stored = conn.execute(
        text("SELECT count(raw_hash), count(DISTINCT raw_hash) FROM lodging_site")
    ).one()
    assert tuple(stored) == (1_000, 1_000)
    for _ in range(2):
        counted.reset()
        again = _load(conn, geocoder, path)
        assert _counts(again) == (1_050, 0, 0, 1_000, 50)
        assert (counted.validated, counted.geocoded) == (50, 0)  # only the refused rows
        # the refused rows are quarantined again, in this batch, with their reasons
        n = conn.execute(
            text("SELECT count(*) FROM quarantine_row WHERE batch_id = :b"), {"b": again.batch_id}
        ).scalar_one()
        assert n == 50
    assert conn.execute(text("SELECT count(*) FROM lodging_site")).scalar_one() == 1_000


def test_an_edited_row_updates_exactly_that_row(
    conn: Connection, geocoder: Geocoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "registry.csv"
    lodging_file(path, 500, 0)
    first = _load(conn, geocoder, path)
    counted = Counted(monkeypatch, geocoder)
    lodging_file(path, 500, 0, edited={123})
    r = _load(conn, geocoder, path)
    assert _counts(r) == (500, 0, 1, 499, 0)
    assert (counted.validated, counted.geocoded) == (1, 1)
    rows = conn.execute(
        text("SELECT source_id, rooms, batch_id FROM lodging_site WHERE batch_id <> :b"),
        {"b": first.batch_id},
    ).all()
    assert [tuple(x) for x in rows] == [("L000123", 999, r.batch_id)]


def test_a_duplicate_of_a_skipped_row_is_still_a_duplicate(
    conn: Connection, geocoder: Geocoder, tmp_path: Path
) -> None:
    path = tmp_path / "registry.csv"
    lodging_file(path, 300, 0)
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[5]]) + "\n", encoding="utf-8")  # L000004 again
    for expected in ((301, 300, 0, 0, 1), (301, 0, 0, 300, 1)):
        r = _load(conn, geocoder, path)
        assert _counts(r) == expected
        q = conn.execute(
            text("SELECT row_number, reason_code, message FROM quarantine_row WHERE batch_id = :b"),
            {"b": r.batch_id},
        ).one()
        assert (q.row_number, q.reason_code) == (302, "duplicate")
        assert "already on row 6" in q.message


def test_a_new_first_occurrence_of_a_stored_id_wins(
    conn: Connection, geocoder: Geocoder, tmp_path: Path
) -> None:
    """A changed row put before the stored, unchanged row of the same id is the first
    occurrence (validation decides, in file order); the unchanged one becomes the duplicate."""
    path = tmp_path / "registry.csv"
    lodging_file(path, 300, 0)
    _load(conn, geocoder, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    moved = lines[10].replace("โรงแรมทดสอบ 9,", "โรงแรมทดสอบ เก้า,")
    assert moved != lines[10]
    path.write_text("\n".join([lines[0], moved, *lines[1:]]) + "\n", encoding="utf-8")
    r = _load(conn, geocoder, path)
    assert _counts(r) == (301, 0, 1, 299, 1)
    q = conn.execute(
        text("SELECT row_number, reason_code, message FROM quarantine_row WHERE batch_id = :b"),
        {"b": r.batch_id},
    ).one()
    assert (q.row_number, q.reason_code) == (12, "duplicate")
    assert "already on row 2" in q.message
    name = conn.execute(
        text("SELECT name_th FROM lodging_site WHERE source_id = 'L000009'")
    ).scalar_one()
    assert name == "โรงแรมทดสอบ เก้า"


def _reprocessed(
    conn: Connection, geocoder: Geocoder, path: Path, counted: Counted, **kw: Any
) -> None:
    counted.reset()
    r = _load(conn, geocoder, path, **kw)
    # every row validated and geocoded again; the records' values are the same: unchanged
    assert _counts(r) == (200, 0, 0, 200, 0)
    assert counted.validated == 200 and counted.geocoded == 200
    counted.reset()
    r = _load(conn, geocoder, path, **kw)  # and the new hashes are stored: skipped next time
    assert _counts(r) == (200, 0, 0, 200, 0)
    assert counted.validated == 0


def test_a_change_of_profile_key_code_or_gazetteer_processes_rows_again(
    conn: Connection, geocoder: Geocoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "registry.csv"
    lodging_file(path, 200, 0)
    first = _load(conn, geocoder, path)
    assert first.inserted == 200
    counted = Counted(monkeypatch, geocoder)
    # the profile (here: its description) — a profile edited in code, or another one
    edited = dataclasses.replace(profiles.PROFILES["lodging"], description="edited")
    monkeypatch.setitem(profiles.PROFILES, "lodging", edited)
    _reprocessed(conn, geocoder, path, counted)
    # the reporter key
    other_key = Settings(database_url="postgresql://unused/db", reporter_key="01" * 32)
    _reprocessed(conn, geocoder, path, counted, settings=other_key)
    # the ETL's code (validation, the geocoder's rules)
    monkeypatch.setattr(rawhash, "code_version", lambda: "another version")
    _reprocessed(conn, geocoder, path, counted, settings=other_key)
    # the geocoder's data: an outline re-imported
    conn.execute(
        text("UPDATE admin_area SET updated_at = now() + interval '1 s' WHERE code = '10'")
    )
    _reprocessed(conn, geocoder, path, counted, settings=other_key)


def test_rows_without_a_raw_hash_are_processed_and_counted_unchanged(
    conn: Connection, geocoder: Geocoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records from before migration 0011 (or from a retry) have no raw hash: processed in
    full, unchanged, and their hash filled in without touching their batch."""
    path = tmp_path / "registry.csv"
    lodging_file(path, 200, 0)
    first = _load(conn, geocoder, path)
    conn.execute(text("UPDATE lodging_site SET raw_hash = NULL"))
    counted = Counted(monkeypatch, geocoder)
    _reprocessed(conn, geocoder, path, counted)
    batches = conn.execute(text("SELECT DISTINCT batch_id FROM lodging_site")).scalars().all()
    assert batches == [first.batch_id]
    assert conn.execute(text("SELECT count(raw_hash) FROM lodging_site")).scalar_one() == 200
