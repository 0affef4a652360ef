"""The street index: named OSM roads load, and an address that names its road is placed on it,
inside its subdistrict (precision ``street``)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pyrosm
import shapely
from sqlalchemy import Connection, text

from etl.geocode.gazetteer import Gazetteer
from etl.geocode.geocoder import Geocoder
from etl.geocode.streets import street_key
from etl.sources.osm import read_roads
from geodata.load import load_roads

HELSINKI = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"


def test_helsinki_roads_load(conn: Connection) -> None:
    rows = read_roads(HELSINKI)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = pyrosm.OSM(str(HELSINKI)).get_network(network_type="driving")
    named = direct[direct["name"].notna()]
    assert len(rows) == len(named) > 500
    assert load_roads(conn, "osm-test", rows) == len(rows)
    assert load_roads(conn, "osm-test", rows) == len(rows)  # an upsert: no duplicates
    n = conn.execute(text("SELECT count(*) FROM road WHERE source = 'osm-test'")).scalar_one()
    assert n == len({r[0] for r in rows})


def test_address_on_a_known_road_gets_street_precision(
    gazetteer: Gazetteer, conn: Connection
) -> None:
    # a road through Phra Borom Maha Ratchawang (100101), as an OSM import would hold it
    conn.execute(
        text(
            "INSERT INTO road (source, source_id, name_th, name_en, highway, geom) VALUES "
            "('t', 'way/1', 'ถนนหน้าพระลาน', 'Na Phra Lan Road', 'secondary', "
            "ST_Multi(ST_GeomFromText('LINESTRING(100.4880 13.7530, 100.4950 13.7535)', 4326)))"
        )
    )
    geocoder = Geocoder(gazetteer, conn)
    (r,) = geocoder.batch("address", ["๑ ถนนหน้าพระลาน แขวงพระบรมมหาราชวัง เขตพระนคร กทม. ๑๐๒๐๐"])
    assert (r.precision, r.subdistrict_code) == ("street", "100101")
    assert r.lon is not None and r.lat is not None
    line = shapely.from_wkt("LINESTRING(100.4880 13.7530, 100.4950 13.7535)")
    assert line.distance(shapely.Point(r.lon, r.lat)) < 1e-6  # on the road
    # an unknown road keeps subdistrict precision
    (other,) = geocoder.batch("address", ["ถนนไม่มีจริง แขวงพระบรมมหาราชวัง เขตพระนคร"])
    assert other.precision == "subdistrict"


def test_street_keys() -> None:
    assert street_key("ถนนสุขุมวิท") == street_key("สุขุมวิท") == street_key("ถ. สุขุมวิท")
    assert street_key("ซอยสุขุมวิท 101") == street_key("สุขุมวิท 101")
    assert street_key("Sukhumvit Road") == street_key("sukhumvit")
