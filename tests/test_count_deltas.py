"""The map's counts under concurrent writers (migration 0016): the triggers of ``tip`` append
deltas, so a writer never waits for another one's open transaction; compaction folds the deltas
into tip_cell and tip_area_day, one at a time, without changing any count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from etl.cli import app
from geodata import db, migrate
from geodata.load import BatchMeta, compact_counts, load_batch
from tests import test_area_day, test_map_scale
from tests.dbtools import scratch_database

BKK = dt.timezone(dt.timedelta(hours=7))
SOURCE = "test-deltas"


def _insert(conn: Connection, sid: str, lon: float = 100.5012, lat: float = 13.7534) -> None:
    """A tip in Bangkok (Phra Nakhon's codes) on 1 Oct 2026: every tip this module inserts
    with the same point falls in the same cells, days and area rows."""
    conn.execute(
        text(
            "INSERT INTO tip (source, source_id, reported_at, category, geom, geo_precision, "
            "subdistrict_code, district_code, province_code) VALUES (:src, :sid, :at, "
            "'ลักทรัพย์', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'point', '100101', "
            "'1001', '10')"
        ),
        {
            "src": SOURCE,
            "sid": sid,
            "at": dt.datetime(2026, 10, 1, 9, 30, tzinfo=BKK),
            "lon": lon,
            "lat": lat,
        },
    )


def _mismatches(conn: Connection) -> int:
    return test_map_scale._mismatches(conn) + test_area_day._mismatches(conn)


@pytest.fixture
def clean(engine: Engine) -> Iterator[Engine]:
    """``engine``, and afterwards no tip or batch of this module's source, nor a delta, left over."""
    try:
        yield engine
    finally:
        with engine.begin() as c:
            c.execute(text("DELETE FROM tip WHERE source = :s"), {"s": SOURCE})
            c.execute(text("DELETE FROM etl_batch WHERE source = :s"), {"s": SOURCE})
        compact_counts(engine)


def test_a_writer_does_not_wait_for_an_open_load(clean: Engine) -> None:
    """A long load holds its transaction open; a hotline tip in the same cells, the same day
    and the same area goes in at once (before migration 0016 it waited for the load to end:
    both updated the same count rows)."""
    with clean.connect() as load, clean.connect() as hotline:
        load.begin()
        _insert(load, "load-1")
        _insert(load, "load-2", lon=100.5301, lat=13.7710)  # same 0.05° cell, other day rows
        hotline.begin()
        hotline.execute(text("SET LOCAL lock_timeout = '2s'"))
        _insert(hotline, "hotline-1")  # raises LockNotAvailable if it has to wait
        hotline.commit()
        assert hotline.execute(text("SELECT count(*) FROM tip_cell_delta")).scalar_one() > 0
        # the open load's tips are not counted yet; the hotline's is
        with clean.connect() as reader:
            assert _mismatches(reader) == 0
        load.commit()
    with clean.connect() as reader:
        assert _mismatches(reader) == 0
    assert compact_counts(clean) is not None
    with clean.connect() as reader:
        assert _mismatches(reader) == 0
        for table in ("tip_cell_delta", "tip_area_day_delta"):
            assert reader.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0


def test_one_writer_updates_the_tables_the_others_append(clean: Engine) -> None:
    """While a writer holds the count tables, another writer's counts go to the deltas and a
    compaction returns at once with None; the next compaction folds them. The counts read are
    right all along."""
    with clean.connect() as holder:
        holder.begin()
        _insert(holder, "h-1")  # takes the lock: its counts go to the tables
        for table in ("tip_cell_delta", "tip_area_day_delta"):
            assert holder.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0
        with clean.begin() as c:
            _insert(c, "c-1")  # appends
        with clean.connect() as c:
            assert c.execute(text("SELECT count(*) FROM tip_cell_delta")).scalar_one() > 0
            assert c.execute(text("SELECT count(*) FROM tip_area_day_delta")).scalar_one() > 0
            assert _mismatches(c) == 0
            c.execute(text("SET lock_timeout = '2s'"))
            assert c.execute(text("SELECT tip_counts_compact()")).scalar_one() is None
        assert compact_counts(clean) is None
        holder.rollback()
    with clean.connect() as c:
        assert c.execute(text("SELECT count(*) FROM tip_cell_delta")).scalar_one() > 0
        assert _mismatches(c) == 0
    assert compact_counts(clean) is not None
    with clean.connect() as c:
        for table in ("tip_cell_delta", "tip_area_day_delta"):
            assert c.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0
        assert _mismatches(c) == 0


def test_a_load_folds_what_others_appended_after_it_commits(clean: Engine) -> None:
    meta = BatchMeta(kind="tips", source=SOURCE)
    record = {
        "source_id": "L1",
        "lon": 100.5012,
        "lat": 13.7534,
        "geo_precision": "point",
        "reported_at": dt.datetime(2026, 10, 2, 8, 0, tzinfo=BKK),
        "category": "ลักทรัพย์",
        "status": "new",
    }
    with clean.connect() as holder:
        holder.begin()
        holder.execute(text("SELECT tip_counts_compact()"))  # holds the count tables
        with clean.begin() as c:
            _insert(c, "appended")
        holder.rollback()
    report = load_batch(clean, meta, [record])
    assert report.inserted == 1
    assert any(n.startswith("map counts: ") and "folded" in n for n in report.notes), report.notes
    with clean.connect() as c:
        for table in ("tip_cell_delta", "tip_area_day_delta"):
            assert c.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0
        assert _mismatches(c) == 0
    again = load_batch(clean, meta, [record])  # nothing written: nothing to fold, no note
    assert again.unchanged == 1
    assert not any("map counts" in n for n in again.notes)


@pytest.fixture
def scratch_engine(server_admin_url: str) -> Iterator[Engine]:
    with scratch_database(server_admin_url, "sitaware_test_count_deltas") as eng:
        yield eng


def test_migration_0016_up_and_down_keeps_every_count(scratch_engine: Engine) -> None:
    before = test_map_scale.KEPT_BEFORE_0016, test_area_day.KEPT_BEFORE_0016

    def mismatches_before_0016(c: Connection) -> int:
        return test_map_scale._mismatches(c, kept=before[0]) + test_area_day._mismatches(
            c, before[1]
        )

    migrate.upgrade(scratch_engine, "0015")
    with scratch_engine.begin() as c:
        for i in range(5):
            _insert(c, f"m{i}", lon=100.50 + i * 0.013)
    migrate.upgrade(scratch_engine, "0016")
    with scratch_engine.connect() as holder:
        holder.begin()
        holder.execute(text("SELECT tip_counts_compact()"))  # holds the tables
        with scratch_engine.begin() as c:
            assert _mismatches(c) == 0
            _insert(c, "m5")  # deltas, not folded
            c.execute(text("DELETE FROM tip WHERE source_id = 'm0'"))
        holder.rollback()
    with scratch_engine.begin() as c:
        assert c.execute(text("SELECT count(*) FROM tip_cell_delta")).scalar_one() > 0
        assert _mismatches(c) == 0
    migrate.downgrade(scratch_engine, "0015")  # folds the deltas into the tables
    with scratch_engine.begin() as c:
        assert c.execute(text("SELECT to_regclass('tip_cell_delta')")).scalar_one() is None
        assert mismatches_before_0016(c) == 0
        _insert(c, "m6")  # 0015's triggers again
        assert mismatches_before_0016(c) == 0
    migrate.upgrade(scratch_engine)
    with scratch_engine.begin() as c:
        assert _mismatches(c) == 0


def test_a_lock_wait_would_have_failed(clean: Engine) -> None:
    """The first test's check is not a tautology: a writer that does have to wait for an open
    transaction (here, on the same tip id) fails within its lock timeout."""
    with clean.connect() as load, clean.connect() as other:
        load.begin()
        _insert(load, "same")
        other.begin()
        other.execute(text("SET LOCAL lock_timeout = '500ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):
            _insert(other, "same")
        other.rollback()
        load.rollback()


def test_db_compact_folds_by_hand_and_says_when_it_cannot(
    clean: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "get_engine", lambda settings=None: clean)
    runner = CliRunner()
    with clean.connect() as holder:
        holder.begin()
        holder.execute(text("SELECT tip_counts_compact()"))  # a load holds the count tables
        with clean.begin() as c:
            _insert(c, "by-hand")
        refused = runner.invoke(app, ["db", "compact", "--wait", "0"])
        assert refused.exit_code == 1
        assert "still holds the map's count tables" in refused.output
        holder.rollback()
    done = runner.invoke(app, ["db", "compact"])
    assert done.exit_code == 0, done.output
    assert "rows folded" in done.output
    assert int(done.output.split()[2].replace(",", "")) > 0
    with clean.connect() as c:
        assert c.execute(text("SELECT count(*) FROM tip_cell_delta")).scalar_one() == 0
        assert _mismatches(c) == 0
