"""The Traffy Fondue file loads with its profile: 1,000 read, each row loaded or quarantined
with a reason; and the CLI prints its summary as one JSON line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from typer.testing import CliRunner

from etl import pipeline
from etl.cli import app
from etl.geocode.gazetteer import Gazetteer
from etl.geocode.geocoder import Geocoder
from etl.profiles import PROFILES
from geodata.settings import Settings

SETTINGS = Settings(database_url="postgresql://unused/db", reporter_key="22" * 32)
TRAFFY = "tips/traffy_bangkok_2023-05-11_12.csv"


def test_traffy_profile(conn: Connection, gazetteer: Gazetteer, shared_data: Path) -> None:
    path = shared_data / TRAFFY
    r = pipeline.run(conn, Geocoder(gazetteer, conn), SETTINGS, "tips", path, profile="traffy")
    assert r.read == 1000
    assert r.inserted + r.quarantined == 1000
    assert r.inserted >= 990
    reasons = conn.execute(
        text("SELECT reason_code, message FROM quarantine_row WHERE batch_id = :b"),
        {"b": r.batch_id},
    ).all()
    assert len(reasons) == r.quarantined and all(q.message for q in reasons)
    row = conn.execute(
        text(
            "SELECT t.*, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM tip t "
            "WHERE source = 'traffy' AND source_id = '2023-FCX4QQ'"
        )
    ).one()
    assert row.category.startswith("ร้องเรียน")
    assert row.channel == "traffy" and row.geo_precision == "point"
    assert row.province_code == "10" and len(row.subdistrict_code) == 6
    assert row.reported_at.utcoffset() is not None
    # coords "lon,lat" were read in that order
    by_category = conn.execute(
        text("SELECT count(*) FROM tip WHERE batch_id = :b AND category LIKE '%,%'"),
        {"b": r.batch_id},
    ).scalar_one()
    assert by_category > 50  # multi-label types "{ถนน,ทางเท้า}" kept as "ถนน,ทางเท้า"


def test_cli_prints_a_json_line(
    conn: Connection, gazetteer: Gazetteer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geodata import db

    monkeypatch.setattr(Geocoder, "load", classmethod(lambda cls, b, s, **kw: cls(gazetteer, conn)))
    monkeypatch.setattr(db, "get_engine", lambda *a, **k: conn)
    monkeypatch.setenv("SITAWARE_REPORTER_KEY", "33" * 32)
    path = tmp_path / "venues.csv"
    path.write_text(
        "id,name,category,lat,lon\n"
        "V1,วัดพระเชตุพนฯ,วัด,13.7465,100.4930\n"
        "V2,Central World,ห้างสรรพสินค้า,13.7466,100.5393\n"
        "V3,,school,13.75,100.50\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["etl", "venues", str(path)])
    assert result.exit_code == 0, result.output
    line = [ln for ln in result.stdout.splitlines() if ln.startswith("{")][-1]
    summary = json.loads(line)
    assert {k: summary[k] for k in ("read", "inserted", "updated", "unchanged", "quarantined")} == {
        "read": 3, "inserted": 2, "updated": 0, "unchanged": 0, "quarantined": 1
    }  # fmt: skip
    cats = conn.execute(text("SELECT source_id, category FROM venue ORDER BY 1")).all()
    assert [tuple(c) for c in cats] == [("V1", "temple"), ("V2", "mall")]
    assert set(PROFILES) >= {"lodging", "venues", "tips", "traffy", "hotline"}
