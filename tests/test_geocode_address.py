"""The Thai address parser on real address forms, and on junk: never a crash, always parts."""

from __future__ import annotations

import math

import pytest

from etl.geocode import coords
from etl.geocode.address import parse
from etl.geocode.text import clean, key


def _names(value: str) -> dict[str, str]:
    p = parse(value)
    return {"sub": p.subdistrict, "dist": p.district, "prov": p.province, "pc": p.postcode}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Google-style Bangkok address (the Traffy layout)
        (
            "1 ถ. พระราม 2 แขวงแสมดำ เขตบางขุนเทียน กรุงเทพมหานคร 10150 ประเทศไทย",
            {"sub": "แสมดำ", "dist": "บางขุนเทียน", "prov": "กรุงเทพมหานคร", "pc": "10150"},
        ),
        # marker and name apart, "แขวง ประเวศ"
        (
            "35 ซอย หมู่บ้านเสรี-อ่อนนุช แขวง ประเวศ เขต ประเวศ กรุงเทพมหานคร 10250",
            {"sub": "ประเวศ", "dist": "ประเวศ", "prov": "กรุงเทพมหานคร", "pc": "10250"},
        ),
        # provincial, full words
        (
            "2WWM+7M8 ตำบลแม่กา อำเภอเมืองพะเยา พะเยา 56000 ประเทศไทย",
            {"sub": "แม่กา", "dist": "เมืองพะเยา", "prov": "", "pc": "56000"},
        ),
        # abbreviations and Thai digits
        (
            "๑๒/๓ หมู่ ๕ ต.บ้านใหม่ อ.เมือง จ.เชียงใหม่ ๕๐๐๐๐",
            {"sub": "บ้านใหม่", "dist": "เมือง", "prov": "เชียงใหม่", "pc": "50000"},
        ),
        # กทม. for Bangkok, stray spaces
        (
            "  99   ซ.ลาดพร้าว 1  แขวงจอมพล   เขตจตุจักร  กทม.  10900 ",
            {"sub": "จอมพล", "dist": "จตุจักร", "prov": "กรุงเทพมหานคร", "pc": "10900"},
        ),
        # "เขต: สะพานสูง" with a colon, as citizens type it
        (
            "● จุดเกิดเหตุ: ตลอดซอยกรุงเทพกรีฑา 37 ● เขต: สะพานสูง",
            {"sub": "", "dist": "สะพานสูง", "prov": "", "pc": ""},
        ),
        # romanised
        (
            "Tambon Suthep, Amphoe Mueang Chiang Mai, Chang Wat Chiang Mai 50200",
            {"sub": "Suthep", "dist": "Mueang Chiang Mai", "prov": "Chiang Mai", "pc": "50200"},
        ),
        (
            "99/1523 Moo 15 Kanchana Phisek Road Khwaeng Rat Phatthana Khet Saphan Sung Bangkok 10240",
            {"sub": "Rat Phatthana", "dist": "Saphan Sung", "prov": "กรุงเทพมหานคร", "pc": "10240"},
        ),
        (
            "Lumphini Sub-district, Pathum Wan District, Bangkok 10330, Thailand",
            {"sub": "Lumphini", "dist": "Pathum Wan", "prov": "กรุงเทพมหานคร", "pc": "10330"},
        ),
    ],
)
def test_admin_names(value: str, expected: dict[str, str]) -> None:
    assert _names(value) == expected


def test_components_of_a_full_line() -> None:
    p = parse(
        "139/22 ซอย งามวงศ์วาน 43 ถนน งามวงศ์วาน แขวงทุ่งสองห้อง เขตหลักสี่ กรุงเทพมหานคร 10210 ประเทศไทย"
    )
    assert (p.house_no, p.soi, p.road, p.country) == ("139/22", "งามวงศ์วาน 43", "งามวงศ์วาน", True)
    p = parse("เลขที่ 12/3 หมู่ที่ 4 ถ.มิตรภาพ ต.ในเมือง อ.เมืองขอนแก่น จ.ขอนแก่น 40000")
    assert (p.house_no, p.moo, p.road, p.subdistrict, p.province) == (
        "12/3",
        "4",
        "มิตรภาพ",
        "ในเมือง",
        "ขอนแก่น",
    )
    # a soi or road name stops at its number and branch: the next word is a place name
    p = parse("119 ซอย อุดมสุข 18 บางนาใต้ เขตบางนา")
    assert p.soi == "อุดมสุข 18"
    assert parse("ซอย สุขุมวิท 101/1 แยก 3 แขวงบางจาก").soi == "สุขุมวิท 101/1 แยก 3"


def test_map_app_pieces() -> None:
    p = parse("QF5W+VXP ซอย รามบุตรี แขวงตลาดยอด เขตพระนคร กรุงเทพมหานคร 10200")
    assert p.plus_codes == ("QF5W+VXP",)
    p = parse("13.745963309946392, 100.68317111029887\n● จุดเกิดเหตุ: ซอยกรุงเทพกรีฑา 37")
    assert p.coordinate is not None and p.coordinate.ok
    assert p.coordinate.lat == pytest.approx(13.745963, abs=1e-6)
    assert not p.bangkok  # "กรุงเทพกรีฑา" is a road, not Bangkok
    link = coords.find_in_text("ดูที่ https://maps.google.com/?q=13.7563,100.5018 ครับ")
    assert link is not None and link.form == "map_link"


def test_house_number_is_not_a_postcode() -> None:
    p = parse("40933 , Sukhumvit Road Soi Punnawithi 29 , Bang Chak , 10260 Phra Khanong, Bangkok")
    assert p.house_no == "40933"
    assert p.postcode == "10260"  # the matcher keeps the last one the gazetteer knows
    assert p.soi == "Punnawithi 29"


@pytest.mark.parametrize(
    "junk",
    [
        None,
        "",
        "   ",
        "N/A",
        "n/a",
        "-",
        "ไม่ระบุ",
        math.nan,
        float("inf"),
        12345,
        "lat 200, lon 500",
        "ถนน",
        "แขวง",
        "เขต:",
        "Bangkok แขวง🙂 เขต\u200b",
        "\x00\x01\x02",
        "((((((((",
        "ก" * 10_000,
        "x" * 10_240,
        "แขวง" * 3000,
        "mixed สคริปต์ 混合 スクリプト смешанный 123",
    ],
)
def test_junk_never_crashes(junk: object) -> None:
    p = parse(junk)
    assert isinstance(p.text, str)
    assert len(p.text) <= 4000
    for m in p.mentions:
        assert m.name


def test_clean_and_key() -> None:
    assert clean("  ๑๒๓  ถนน\tพระราม\n๔ ") == "123 ถนน พระราม 4"
    assert clean("N/A") == "" and clean(math.nan) == "" and clean(None) == ""
    assert clean("ก\u0e4d\u0e32แพงเพชร") == "กำแพงเพชร"  # sara am typed as two characters
    assert key("จักรวรรดิ์") == key("จักรวรรดิ")
    assert key("Bang Na") == key("bang-na")
