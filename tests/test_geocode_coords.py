"""Coordinates in every form Thai agencies use, and malformed input: never a crash, always a reason."""

from __future__ import annotations

import math

import pytest

from etl.geocode.coords import parse

GRAND_PALACE = (100.4913, 13.7500)  # lon, lat


@pytest.mark.parametrize(
    ("value", "form", "swapped"),
    [
        ("13.7500, 100.4913", "decimal", False),
        ("100.4913,13.7500", "decimal", True),  # the Traffy layout: "lon,lat"
        ("['100.4913', '13.7500']", "decimal", True),
        ("(13.75 100.4913)", "decimal", False),
        ((13.75, 100.4913), "decimal", False),
        ("๑๓.๗๕๐๐, ๑๐๐.๔๙๑๓", "decimal", False),  # Thai digits
        ("https://www.google.com/maps/@13.7500,100.4913,17z", "map_link", False),
        ("https://maps.google.com/?q=13.7500,100.4913", "map_link", False),
        ("13°45'00\"N 100°29'28.7\"E", "dms", False),
        ("100°29'28.7\"E, 13°45'00\"N", "dms", False),
        ("13 45 0 N", None, None),  # incomplete DMS: handled below as failure
    ],
)
def test_forms(value: object, form: str | None, swapped: bool | None) -> None:
    c = parse(value)
    if form is None:
        assert not c.ok and c.reason
        return
    assert c.ok, c.reason
    assert c.form == form
    assert c.swapped == swapped
    assert c.lon == pytest.approx(GRAND_PALACE[0], abs=2e-4)
    assert c.lat == pytest.approx(GRAND_PALACE[1], abs=2e-4)


def test_utm_47n_and_48n() -> None:
    c = parse("47N 662000 1521000")
    assert c.ok and c.form == "utm47n"
    assert 100.4 < (c.lon or 0) < 100.6 and 13.7 < (c.lat or 0) < 13.8
    east = parse("48 N, 484000 1686000")  # Ubon Ratchathani
    assert east.ok and east.form == "utm48n"
    assert 104.7 < (east.lon or 0) < 105.0 and 15.1 < (east.lat or 0) < 15.4
    assert "out of range" in (parse("47N 9999999 1521000").reason or "")
    assert not parse("46N 662000 1521000").ok


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "no coordinate"),
        ("   ", "no coordinate"),
        ("N/A", "no coordinate"),
        (None, "no coordinate"),
        (float("nan"), "no coordinate"),
        ("nan, 100.5", "NaN"),
        ((math.inf, 100.5), "NaN or infinite"),
        ("200, 100", "not a valid"),
        ("48.85, 2.35", "outside Thailand"),  # Paris
        ("x" * 10_000, "too long"),
        ("ถนนพระราม 4", "not a coordinate"),
        ("13.7N 100.5X", "not a coordinate"),
        ("13°75'00\"N 100°29'00\"E", "60 or more"),
        ("13°45'N 14°29'N", "one latitude"),
    ],
)
def test_malformed_input_has_a_reason(value: object, reason: str) -> None:
    c = parse(value)
    assert not c.ok
    assert c.reason and reason in c.reason
