"""The streamed load on an Engine: chunks validated in a worker thread while the server writes,
one transaction for the whole file, duplicates found across chunks, and an error in any chunk
leaving nothing behind. (These tests commit; they clean up after themselves.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from etl import pipeline
from etl.geocode.gazetteer import Gazetteer
from etl.geocode.geocoder import Geocoder
from geodata.settings import Settings
from tests.etl_files import lodging_file

SETTINGS = Settings(database_url="postgresql://unused/db", reporter_key="77" * 32)
SOURCE = "stream-test"


@pytest.fixture
def engine_clean(engine: Engine) -> Iterator[Engine]:
    def clean() -> None:
        with engine.begin() as c:
            ids = [
                r[0]
                for r in c.execute(
                    text("SELECT id FROM etl_batch WHERE source = :s"), {"s": SOURCE}
                )
            ]
            c.execute(text("DELETE FROM lodging_site WHERE source = :s"), {"s": SOURCE})
            c.execute(text("DELETE FROM quarantine_row WHERE batch_id = ANY(:ids)"), {"ids": ids})
            c.execute(text("DELETE FROM etl_batch WHERE id = ANY(:ids)"), {"ids": ids})

    clean()
    yield engine
    clean()


def test_chunks_in_a_worker_thread(
    engine_clean: Engine, gazetteer: Gazetteer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "CHUNK", 200)
    path = tmp_path / "registry.csv"
    kinds = lodging_file(path, 1_000, 50)
    # the same id again, in a later chunk: a duplicate across chunks (bytes: the file holds
    # deliberately broken UTF-8 in its encoding rows)
    raw = path.read_bytes()
    path.write_bytes(raw + raw.split(b"\n")[1] + b"\n")
    geocoder = Geocoder(gazetteer, engine_clean)
    r = pipeline.run(engine_clean, geocoder, SETTINGS, "lodging", path, source=SOURCE)
    assert (r.read, r.inserted, r.quarantined) == (1_051, 1_000, 51)
    with engine_clean.connect() as c:
        rows = c.execute(
            text(
                "SELECT row_number, reason_code FROM quarantine_row WHERE batch_id = :b ORDER BY row_number"
            ),
            {"b": r.batch_id},
        ).all()
    assert [q.row_number for q in rows[:-1]] == sorted(kinds)
    assert rows[-1].reason_code == "duplicate" and rows[-1].row_number == 1_052
    again = pipeline.run(engine_clean, geocoder, SETTINGS, "lodging", path, source=SOURCE)
    # unchanged rows are skipped by their raw hash; the bad rows and the duplicate of a skipped
    # row are quarantined again
    assert (again.inserted, again.updated, again.unchanged, again.quarantined) == (0, 0, 1_000, 51)


def test_an_error_in_a_chunk_leaves_nothing(
    engine_clean: Engine, gazetteer: Gazetteer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "CHUNK", 200)
    path = tmp_path / "registry.csv"
    lodging_file(path, 1_000, 0)
    real = pipeline.geocode
    calls = {"n": 0}

    def failing(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("geocoder fell over")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "geocode", failing)
    with pytest.raises(RuntimeError, match="fell over"):
        pipeline.run(
            engine_clean,
            Geocoder(gazetteer, engine_clean),
            SETTINGS,
            "lodging",
            path,
            source=SOURCE,
        )
    with engine_clean.connect() as c:
        n = c.execute(
            text("SELECT count(*) FROM lodging_site WHERE source = :s"), {"s": SOURCE}
        ).scalar_one()
        status = c.execute(
            text("SELECT status, error FROM etl_batch WHERE source = :s"), {"s": SOURCE}
        ).all()
    assert n == 0
    assert [(s.status, "fell over" in (s.error or "")) for s in status] == [("failed", True)]
