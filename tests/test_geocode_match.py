"""Addresses, coordinates and free text against the real gazetteer (reference data in PostGIS)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from etl.geocode.gazetteer import Gazetteer
from etl.geocode.geocoder import Geocoder, GeoResult
from etl.geocode.text import key


@pytest.fixture(scope="module")
def geocoder(gazetteer: Gazetteer) -> Geocoder:
    """In memory: no cache, no reverse geocoding (those are tested with the database)."""
    return Geocoder(gazetteer)


def _km(r: GeoResult, lon: float, lat: float) -> float:
    assert r.lon is not None and r.lat is not None
    x = math.radians(lon - r.lon) * math.cos(math.radians(lat))
    return 6371 * math.hypot(x, math.radians(lat - r.lat))


@pytest.mark.parametrize(
    ("address", "code"),
    [
        # Bangkok, Google-style line
        ("1 ถ. พระราม 2 แขวงแสมดำ เขตบางขุนเทียน กรุงเทพมหานคร 10150 ประเทศไทย", "102107"),
        # abbreviations, Thai digits, กทม.
        ("๑ ถนนหน้าพระลาน แขวงพระบรมมหาราชวัง เขตพระนคร กทม. ๑๐๒๐๐", "100101"),
        # no spaces at all
        ("แขวงลุมพินีเขตปทุมวันกรุงเทพมหานคร", "100704"),
        # "อ.เมือง" is resolved through the province (บ้านใหม่ exists in 13 provinces)
        ("ต.บ้านใหม่ อ.เมือง จ.พะเยา 56000", "560111"),
        ("12 หมู่ 3 ตำบลบ้านใหม่ อำเภอเมือง จังหวัดนครราชสีมา 30000", "300113"),
        # spelling variants: ์ added, ต for ธ
        ("813 ถ. มหาจักร แขวงจักรวรรดิ์ เขตสัมพันธวงศ์ กรุงเทพมหานคร 10100", "101301"),
        ("ตรงข้ามโรงเรียนเบญจมราชาลัย แขวงวัดราชบพิตร เขตพระนคร กรุงเทพมหานคร 10200", "100103"),
        # a new name that extends the older one in the same district
        ("35 ซอย สุขุมวิท 101 แขวงบางนาใต้ เขตบางนา กรุงเทพมหานคร 10260", "104703"),
        # no subdistrict marker: found by its name inside the named district
        ("64 ถ. กาญจนาภิเษก คลองบางบอน เขตบางบอน กรุงเทพมหานคร 10150 ประเทศไทย", "105005"),
        # the road is named like another subdistrict (อรุณอมรินทร์): the marked one wins
        ("1343 ถ. อรุณอมรินทร์ แขวงบางยี่ขัน เขตบางพลัด กรุงเทพมหานคร 10700", "102504"),
        # romanised
        ("Tambon Suthep, Amphoe Mueang Chiang Mai, Chiang Mai 50200", "500108"),
        ("Khwaeng Lumphini, Khet Pathum Wan, Bangkok 10330", "100704"),
        # no district at all: the postcode's subdistrict named in the line
        ("บ้านใหม่ 56000", "560111"),
    ],
)
def test_addresses(geocoder: Geocoder, address: str, code: str) -> None:
    r = geocoder.geocode_address(address)
    assert r.subdistrict_code == code, (address, r)
    assert r.district_code == code[:4] and r.province_code == code[:2]
    area = geocoder.g.areas[code]
    assert r.precision == area.point_level
    assert (r.lon, r.lat) == (area.lon, area.lat)
    if area.point_level == "subdistrict":
        assert r.confidence > 0.5
    else:  # a subdistrict with no point of its own answers with its district's centre
        assert r.precision == "district" and r.confidence <= 0.3


def test_grand_palace_pin(geocoder: Geocoder) -> None:
    r = geocoder.geocode_address("แขวงพระบรมมหาราชวัง เขตพระนคร กรุงเทพมหานคร 10200")
    assert r.precision == "subdistrict"
    assert _km(r, 100.4913, 13.7500) < 1.5


def test_fallback_levels(geocoder: Geocoder, gazetteer: Gazetteer) -> None:
    # district only
    r = geocoder.geocode_address("2 ซอย เสรีไทย 68 แยก 1 เขตมีนบุรี กรุงเทพมหานคร 10510")
    assert (r.precision, r.district_code, r.subdistrict_code) == ("district", "1010", None)
    assert 0 < r.confidence < 0.5
    # postcode alone gives the district when only one district uses it
    r = geocoder.geocode_address("ร้านกาแฟหน้าปากซอย 50200")
    assert (r.precision, r.district_code) == ("district", "5001")
    # province only
    r = geocoder.geocode_address("แถวนี้ จังหวัดภูเก็ต")
    assert (r.precision, r.province_code, r.district_code) == ("province", "83", None)
    assert r.confidence < 0.1
    # a GeoNames place that is no admin area's name
    admin_en = {key(a.name_en) for a in gazetteer.areas.values()}
    place = next(p for p in gazetteer.places if key(p.name) not in admin_en and len(p.name) > 6)
    r = geocoder.geocode_address(f"near {place.name}")
    assert r.precision == "place", (place, r)
    assert (r.lon, r.lat) == (place.lon, place.lat)
    # nothing
    r = geocoder.geocode_address("asdf qwerty")
    assert r.precision == "none" and r.lon is None and r.reason


def test_mueang_needs_the_province(geocoder: Geocoder) -> None:
    # "อ.เมือง" without a province is every capital district: no district is guessed
    r = geocoder.geocode_address("ต.ในเมือง อ.เมือง")
    assert r.district_code is None or r.confidence < 0.5


def test_plus_codes(geocoder: Geocoder) -> None:
    truth = (100.66029, 13.70545)  # Traffy row: "PM46+649 แขวงประเวศ เขต ประเวศ …", coords
    r = geocoder.geocode_address("PM46+649 แขวงประเวศ เขต ประเวศ กรุงเทพมหานคร 10250 ประเทศไทย")
    assert (r.precision, r.source) == ("point", "plus_code")
    assert _km(r, *truth) < 0.05
    assert r.confidence >= 0.95
    full = geocoder.geocode_address("7P52PM46+649")
    assert (full.lon, full.lat) == (r.lon, r.lat)
    # a short code with nothing to recover it from is not a point
    r = geocoder.geocode_address("PM46+649")
    assert r.precision == "none"


def test_coordinates_inside_an_address(geocoder: Geocoder) -> None:
    r = geocoder.geocode_address(
        "13.745963309946392, 100.68317111029887 ● จุดเกิดเหตุ: ตลอดซอยกรุงเทพกรีฑา 37 ● เขต: สะพานสูง"
    )
    assert (r.precision, r.source) == ("point", "coords")
    assert _km(r, 100.68317, 13.74596) < 0.01


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("น้ำท่วมขังหนักมากแถวตลาดนัดหลังวัด แขวงลุมพินี ปทุมวัน", ("subdistrict", "100704")),
        ("มีคนแปลกหน้าเดินวนแถวเขตบางรักทุกคืน", ("district", "1004")),
        ("เห็นรถต้องสงสัยจอดอยู่ที่ตำบลสุเทพ อำเภอเมืองเชียงใหม่ เมื่อคืน", ("subdistrict", "500108")),
        ("พบกลุ่มวัยรุ่นมั่วสุมที่จังหวัดภูเก็ต", ("province", "83")),
        ("ดูที่ https://maps.google.com/?q=13.7563,100.5018 ครับ", ("point", None)),
    ],
)
def test_free_text(geocoder: Geocoder, text: str, expected: tuple[str, str | None]) -> None:
    r = geocoder.geocode_text(text)
    precision, code = expected
    assert r.precision == precision, r
    if code is not None:
        assert code in (r.subdistrict_code, r.district_code, r.province_code)
    assert r.source == "text"


def test_free_text_without_places(geocoder: Geocoder) -> None:
    r = geocoder.geocode_text("วันนี้ฝนตกหนักมาก")
    assert r.precision == "none" and r.reason


@pytest.mark.parametrize(
    "junk",
    [
        None,
        "",
        "   ",
        "N/A",
        math.nan,
        "lat 200",
        "ก" * 10_000,
        "x" * 10_240,
        "🙂" * 5000,
        "แขวง" * 3000,
        "混合 смешанный สคริปต์",
        "\x00\x01",
        42,
    ],
)
def test_junk_gives_a_reason(geocoder: Geocoder, junk: Any) -> None:
    for r in (
        geocoder.geocode_address(junk),
        geocoder.geocode_text(junk),
        geocoder.geocode_coords(junk),
    ):
        assert r.precision == "none", (junk, r)
        assert r.reason
        assert r.confidence == 0


def test_lat_lon_columns(geocoder: Geocoder) -> None:
    assert geocoder.geocode_lat_lon("13.75", "100.4913").precision == "point"
    swapped = geocoder.geocode_lat_lon("100.4913", "13.75")
    assert (swapped.lon, swapped.lat) == (100.4913, 13.75)
    for lat, lon in (("200", "100"), ("nan", "100"), ("", ""), ("N/A", "x"), ("inf", "100")):
        r = geocoder.geocode_lat_lon(lat, lon)
        assert r.precision == "none" and r.reason, (lat, lon)
