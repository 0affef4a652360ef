"""OSM extracts: pyrosm's real Helsinki PBF loads venues and lodging with sitaware's categories,
counted against a direct pyrosm read of the same file."""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import pyrosm
import pytest
from sqlalchemy import Connection, text

from etl import pipeline
from etl.geocode.gazetteer import Gazetteer
from etl.geocode.geocoder import Geocoder
from etl.sources.osm import LODGING_TAGS, VENUE_TAGS, venue_category
from geodata.settings import Settings

HELSINKI = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"
# Helsinki is not in Thailand: serve its area, and do not ask for Thai admin areas.
SETTINGS = Settings(
    database_url="postgresql://unused/db",
    reporter_key="44" * 32,
    service_bbox=(24.0, 59.9, 25.5, 60.5),
    require_admin_area=False,
)


def _named(rec: dict[str, object]) -> bool:
    name = rec.get("name")
    return isinstance(name, str) and bool(name.strip())


def _direct(tags: dict[str, list[str]]) -> list[dict[str, object]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf = pyrosm.OSM(str(HELSINKI)).get_pois(custom_filter=tags)
    return gdf.to_dict("records")  # type: ignore[no-any-return]


@pytest.fixture
def geocoder(gazetteer: Gazetteer, conn: Connection) -> Geocoder:
    return Geocoder(gazetteer, conn)


def test_venues(conn: Connection, geocoder: Geocoder) -> None:
    direct = _direct(VENUE_TAGS)
    expected = Counter()
    for rec in direct:
        tags = {
            k: v
            for k in ("amenity", "shop", "railway", "public_transport", "aeroway", "religion")
            if isinstance(v := rec.get(k), str)
        }
        cat = venue_category(tags)
        if cat and _named(rec):
            expected[cat] += 1
    r = pipeline.run(conn, geocoder, SETTINGS, "venues", HELSINKI, profile="osm")
    assert r.read == len(direct)
    got = Counter(dict(conn.execute(text("SELECT category, count(*) FROM venue GROUP BY 1")).all()))
    assert got == expected
    assert got["church"] >= 1 and got["cinema"] >= 1 and got["transit"] >= 1
    # every row not loaded is quarantined with its reason (unnamed objects)
    reasons = (
        conn.execute(
            text("SELECT reason_code FROM quarantine_row WHERE batch_id = :b"), {"b": r.batch_id}
        )
        .scalars()
        .all()
    )
    assert r.inserted + len(reasons) == r.read
    assert set(reasons) <= {"missing_name", "category"}


def test_lodging(conn: Connection, geocoder: Geocoder) -> None:
    direct = _direct(LODGING_TAGS)
    expected = Counter(str(rec["tourism"]) for rec in direct if _named(rec))
    r = pipeline.run(conn, geocoder, SETTINGS, "lodging", HELSINKI, profile="osm-lodging")
    got = Counter(
        dict(conn.execute(text("SELECT lodging_type, count(*) FROM lodging_site GROUP BY 1")).all())
    )
    assert got == expected
    assert got["hotel"] >= 20 and got["hostel"] >= 1
    assert r.inserted == sum(expected.values())
    pt = conn.execute(
        text("SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM lodging_site LIMIT 1")
    ).one()
    assert 24.0 < pt.lon < 25.5 and 59.9 < pt.lat < 60.5
