"""The geocoder with PostGIS: batch reverse geocoding, the cache, the audited review queue, and
the online adapter that stays off (no socket) unless configured."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from sqlalchemy import Connection, text

from etl.geocode.gazetteer import Gazetteer
from etl.geocode.geocoder import Geocoder, query_key
from etl.geocode.online import OnlineGeocoder
from etl.geocode.text import clean
from geodata import geocoding
from geodata.errors import ForbiddenError
from geodata.roles import Viewer
from geodata.settings import Settings

ADMIN = Viewer.for_role("reviewer1", "admin")
PLANNER = Viewer.for_role("planner1", "planner")
LOW = "2 ซอย เสรีไทย 68 แยก 1 เขตมีนบุรี กรุงเทพมหานคร 10510"  # district only: confidence 0.25
GOOD = "๑ ถนนหน้าพระลาน แขวงพระบรมมหาราชวัง เขตพระนคร กทม. ๑๐๒๐๐"


@pytest.fixture
def geocoder(gazetteer: Gazetteer, conn: Connection) -> Geocoder:
    return Geocoder(gazetteer, conn, review_below=0.5)


def _row(conn: Connection, key: str) -> Any:
    return conn.execute(text("SELECT * FROM geocode_cache WHERE key = :k"), {"k": key}).one()


def test_points_are_reverse_geocoded_in_one_batch(geocoder: Geocoder) -> None:
    got = geocoder.batch(
        "coords", ["13.7500, 100.4913", "100.4913,13.7500", "13.75 200", "", "5.0, 150.0"]
    )
    assert [r.subdistrict_code for r in got[:2]] == ["100101", "100101"]
    assert got[0].district_code == "1001" and got[0].province_code == "10"
    assert got[1].precision == "point"
    assert [r.precision for r in got[2:]] == ["none"] * 3
    assert all(r.reason for r in got[2:])


def test_plus_code_codes_come_from_the_polygons(geocoder: Geocoder) -> None:
    (r,) = geocoder.batch(
        "address", ["QF5W+VXP ซอย รามบุตรี แขวงตลาดยอด เขตพระนคร กรุงเทพมหานคร 10200"]
    )
    assert r.precision == "point"
    assert r.district_code == "1001"  # Phra Nakhon, read from the district polygon


def test_cache_round_trip(geocoder: Geocoder, conn: Connection) -> None:
    first = geocoder.batch("address", [GOOD, GOOD, LOW])
    assert first[0] == first[1]
    assert {r.source for r in first} == {"address"}
    k = first[0].key
    assert k == query_key("address", clean(GOOD))  # the key is the normalised query
    assert _row(conn, k).subdistrict_code == "100101"
    again = geocoder.batch("address", [GOOD, LOW])
    assert [r.source for r in again] == ["cache", "cache"]
    assert again[0].subdistrict_code == "100101"
    assert _row(conn, k).hits == 1
    assert again[1].review_status == "pending"  # under the review threshold


def test_free_text_is_not_stored(geocoder: Geocoder, conn: Connection) -> None:
    tip = "เห็นชายสวมหมวกแดงขนของเข้าบ้านเลขที่ 9 แขวงลุมพินี เขตปทุมวัน ทุกคืน"
    (r,) = geocoder.batch("text", [tip])
    assert r.subdistrict_code == "100704"
    row = _row(conn, r.key)
    assert "หมวก" not in row.query and row.query.startswith("[text,")


def test_review_queue(geocoder: Geocoder, conn: Connection) -> None:
    (low,) = geocoder.batch("address", [LOW])
    queue = geocoding.review_queue(conn, ADMIN)
    assert low.key in [a.key for a in queue]
    with pytest.raises(ForbiddenError):
        geocoding.review_queue(conn, PLANNER)
    with pytest.raises(ForbiddenError):
        geocoding.review_move(conn, PLANNER, low.key, 100.72, 13.81)

    moved = geocoding.review_move(conn, ADMIN, low.key, 100.7285, 13.8140)
    assert (moved.precision, moved.confidence, moved.review_status) == ("point", 1.0, "moved")
    assert moved.district_code == "1010" and moved.reviewed_by == "reviewer1"
    event = conn.execute(
        text(
            "SELECT username, detail FROM audit_event WHERE action = 'geocode.review' "
            "AND :k = ANY(object_ids)"
        ),
        {"k": low.key},
    ).one()
    assert event.username == "reviewer1" and event.detail["decision"] == "moved"

    # the reviewed answer is what the geocoder gives from now on; the machine cannot overwrite it
    (again,) = geocoder.batch("address", [LOW])
    assert (again.source, again.lon, again.lat) == ("review", 100.7285, 13.814)
    geocoding.cache_clear(conn)
    (after_clear,) = geocoder.batch("address", [LOW])
    assert after_clear.source == "review"
    assert low.key not in [a.key for a in geocoding.review_queue(conn, ADMIN)]


def test_review_accept_and_reject(geocoder: Geocoder, conn: Connection) -> None:
    a, b = geocoder.batch("address", [LOW, "ซอย สีหบุรานุกิจ 9 เขตมีนบุรี 10510"])
    accepted = geocoding.review_accept(conn, ADMIN, a.key)
    assert accepted.review_status == "accepted" and accepted.lon == a.lon
    with pytest.raises(geocoding.ReviewError):
        geocoding.review_reject(conn, ADMIN, b.key, "   ")
    rejected = geocoding.review_reject(conn, ADMIN, b.key, "not in Min Buri: wrong report")
    assert (rejected.precision, rejected.lon, rejected.review_status) == ("none", None, "rejected")
    assert rejected.reason and "wrong report" in rejected.reason
    with pytest.raises(geocoding.ReviewError):
        geocoding.review_accept(conn, ADMIN, "0" * 64)
    with pytest.raises(geocoding.ReviewError):
        geocoding.review_move(conn, ADMIN, a.key, 0.0, 0.0)
    n = conn.execute(
        text("SELECT count(*) FROM audit_event WHERE action = 'geocode.review'")
    ).scalar_one()
    assert n >= 2


class _SocketCounter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.created = 0
        real = socket.socket.__init__

        def counting(sock: socket.socket, *args: Any, **kwargs: Any) -> None:
            self.created += 1
            real(sock, *args, **kwargs)

        monkeypatch.setattr(socket.socket, "__init__", counting)


def test_offline_by_default_opens_no_socket(
    gazetteer: Gazetteer, conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(database_url="postgresql://unused/db")
    assert settings.geocode_online_url is None
    assert OnlineGeocoder.from_settings(settings) is None
    geocoder = Geocoder(gazetteer, conn, online=OnlineGeocoder.from_settings(settings))
    counter = _SocketCounter(monkeypatch)
    got = geocoder.batch("address", ["Some Street 12, Nowhereville", "asdf qwerty"])
    assert [r.precision for r in got] == ["none", "none"]
    assert counter.created == 0


def test_online_adapter_is_used_only_when_configured(
    gazetteer: Gazetteer, conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(
        database_url="postgresql://unused/db", geocode_online_url="http://192.0.2.10/nominatim"
    )
    online = OnlineGeocoder.from_settings(settings)
    assert online is not None
    geocoder = Geocoder(gazetteer, conn, online=online)
    counter = _SocketCounter(monkeypatch)
    (r,) = geocoder.batch("address", ["Some Street 12, Nowhereville"])
    # The test network is unreachable: the adapter tried, failed cleanly, and the answer is none.
    assert counter.created >= 1
    assert r.precision == "none"
    with pytest.raises(ValueError, match="http"):
        OnlineGeocoder("ftp://example.org", "ua")


def test_free_text_finds_named_venues(gazetteer: Gazetteer, conn: Connection) -> None:
    conn.execute(
        text(
            "INSERT INTO venue (source, source_id, name_th, name_en, category, geom) VALUES "
            "('t', 'v1', 'โรงเรียนทดสอบพิเศษ', 'Special Test School', 'school', "
            "ST_SetSRID(ST_MakePoint(100.5312, 13.7451), 4326))"
        )
    )
    geocoder = Geocoder(gazetteer, conn)
    (r,) = geocoder.batch("text", ["มีคนแปลกหน้าด้อมๆมองๆหน้าโรงเรียนทดสอบพิเศษทุกเช้า"])
    assert (r.precision, r.lon, r.lat) == ("place", 100.5312, 13.7451)
    assert r.subdistrict_code is not None  # the point was reverse-geocoded
    (en,) = geocoder.batch("text", ["suspicious van parked outside Special Test School"])
    assert (en.lon, en.lat) == (100.5312, 13.7451)
