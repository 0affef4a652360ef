"""Thai dates: Buddhist-Era years, Thai month names, Thai digits, น. times, Asia/Bangkok."""

from __future__ import annotations

import datetime as dt

import pytest

from etl.thaidate import BANGKOK, ThaiDateError, parse_datetime


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-05-11 12:34:56+00", dt.datetime(2023, 5, 11, 12, 34, 56, tzinfo=dt.UTC)),
        ("2023-05-11T10:00:00Z", dt.datetime(2023, 5, 11, 10, tzinfo=dt.UTC)),
        ("2566-05-11", dt.datetime(2023, 5, 11, tzinfo=BANGKOK)),
        ("11/05/2566", dt.datetime(2023, 5, 11, tzinfo=BANGKOK)),
        ("11-5-66 14:30", dt.datetime(2023, 5, 11, 14, 30, tzinfo=BANGKOK)),
        ("3/2/63", dt.datetime(2020, 2, 3, tzinfo=BANGKOK)),  # two-digit BE: 63 → 2563 → 2020
        ("๑๑ พ.ค. ๒๕๖๖ เวลา ๑๔.๓๐ น.", dt.datetime(2023, 5, 11, 14, 30, tzinfo=BANGKOK)),
        ("วันที่ 3 กุมภาพันธ์ 2563", dt.datetime(2020, 2, 3, tzinfo=BANGKOK)),
        ("1 กพ 63 9:05น", dt.datetime(2020, 2, 1, 9, 5, tzinfo=BANGKOK)),
        ("25 ธ.ค. 2567 23.59 น.", dt.datetime(2024, 12, 25, 23, 59, tzinfo=BANGKOK)),
        ("15 Feb 2023 08:00", dt.datetime(2023, 2, 15, 8, tzinfo=BANGKOK)),
        ("2020-02-29", dt.datetime(2020, 2, 29, tzinfo=BANGKOK)),
    ],
)
def test_forms(value: str, expected: dt.datetime) -> None:
    got = parse_datetime(value)
    assert got == expected
    assert got.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "value", ["", "  ", "N/A", "31/02/2566", "2567-13-40", "ไม่ทราบ", "11 ฟฟ 2566", "1/1/1800",
              "25:61 น.", "x" * 100, None]
)  # fmt: skip
def test_bad_dates_say_why(value: object) -> None:
    with pytest.raises(ThaiDateError) as exc:
        parse_datetime(value)
    assert str(exc.value)
