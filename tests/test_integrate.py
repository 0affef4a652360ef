"""Cross-source integration: the same venue from two agencies becomes one entity, both records
kept; different places nearby, or the same name far away, stay apart."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, text

from etl import pipeline
from etl.geocode.gazetteer import Gazetteer
from etl.geocode.geocoder import Geocoder
from geodata import integrate
from geodata.settings import Settings

SETTINGS = Settings(database_url="postgresql://unused/db", reporter_key="66" * 32)


def _venues(conn: Connection, g: Gazetteer, tmp: Path, source: str, body: str) -> None:
    path = tmp / f"{source}.csv"
    path.write_text("id,ชื่อ,name_en,category,lat,lon\n" + body, encoding="utf-8")
    r = pipeline.run(conn, Geocoder(g, conn), SETTINGS, "venues", path, source=source)
    assert r.quarantined == 0


def test_same_place_from_two_sources(
    conn: Connection, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    _venues(conn, gazetteer, tmp_path, "police-list",
            "P1,วัดโพธิ์,Wat Pho,วัด,13.74652,100.49302\n"
            "P2,โรงเรียนราชินี,Rajini School,โรงเรียน,13.74420,100.49530\n"
            "P3,ตลาดท่าเตียน,,ตลาด,13.74500,100.49200\n")  # fmt: skip
    _venues(conn, gazetteer, tmp_path, "osm",
            "node/1,วัดพระเชตุพนวิมลมังคลาราม (วัดโพธิ์),Wat Pho,temple,13.74660,100.49320\n"
            "node/2,,Rajini School,school,13.74440,100.49520\n"
            "node/3,ร้านกาแฟริมน้ำ,Riverside Cafe,market,13.74510,100.49210\n"
            "node/4,วัดโพธิ์,Wat Pho,temple,13.80000,100.55000\n")  # fmt: skip
    found = integrate.candidates(conn, "venues", radius_m=50, min_score=0.6)
    pairs = {(c.a_name, c.b_name) for c in found}
    assert ("วัดโพธิ์", "วัดพระเชตุพนวิมลมังคลาราม (วัดโพธิ์)") in pairs
    assert ("โรงเรียนราชินี", "Rajini School") in pairs  # Thai name ↔ English-only record
    assert not any("ร้านกาแฟ" in c.b_name for c in found)  # near, but another place
    assert all(c.metres <= 50 and 0.6 <= c.score <= 1 for c in found)
    assert len(found) == 2  # the far-away วัดโพธิ์ namesake is not a candidate
    assert integrate.link(conn, "venues", found) == 4
    entities = conn.execute(
        text("SELECT entity_id, count(*) FROM entity_link GROUP BY 1 ORDER BY 1")
    ).all()
    assert [n for _, n in entities] == [2, 2]
    n = conn.execute(text("SELECT count(*) FROM venue WHERE source IN ('police-list', 'osm')"))
    assert n.scalar_one() == 7  # every source record is kept
