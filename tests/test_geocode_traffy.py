"""Accuracy on 1,000 real Bangkok reports (Traffy Fondue), geocoding the address alone.

Truth: each report's coordinates and the official subdistrict polygon containing them (OCHA /
RTSD), which the gazetteer also uses once imported, as an operator does for a deployment.
The floors are the issue's acceptance figures; bench/geocode.py prints the full table.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine

from etl.geocode.evaluate import load_truth, naive, score
from etl.geocode.gazetteer import Gazetteer
from etl.geocode.geocoder import Geocoder
from geodata.admin_import import import_admin


@pytest.fixture(scope="module")
def official(engine: Engine, shared_data: Path) -> Iterator[Connection]:
    """A connection whose transaction holds the official boundaries (rolled back at the end)."""
    with engine.connect() as conn:
        tx = conn.begin()
        try:
            for level in ("district", "subdistrict"):
                path = shared_data / "thailand_admin" / f"{level}s.geojson.gz"
                import_admin(conn, path, level)
            yield conn
        finally:
            tx.rollback()


@pytest.fixture(scope="module")
def measured(official: Connection, shared_data: Path) -> dict[str, Any]:
    df, poly = load_truth(shared_data)
    g = Gazetteer.load(official)
    geocoder = Geocoder(g, official, use_cache=False)
    results = geocoder.batch("address", df["address"].tolist())
    return {
        "ours": score(df, poly, results),
        "naive": score(df, poly, naive(g, df["address"].tolist())),
        "results": results,
    }


def test_accuracy(measured: dict[str, Any]) -> None:
    s = measured["ours"]
    assert s["n"] == 995  # five reports lie outside every official polygon (in the river)
    assert s["province"] >= 0.98
    assert s["subdistrict"] >= 0.89
    assert s["median_m"] <= 1300
    assert s["p90_m"] <= 3500
    # District: the floor below is what the address text allows without street knowledge
    # (12 reports have no address at all); see docs/geocoder.md.
    assert s["district"] >= 0.96
    assert s["district_with_address"] >= 0.97
    # far better than finding subdistrict names as substrings
    base = measured["naive"]
    assert s["subdistrict"] > base["subdistrict"] + 0.2
    assert s["p90_m"] < base["p90_m"] / 1.5


def test_calibration(measured: dict[str, Any]) -> None:
    table = {c: (n, share) for c, n, share in measured["ours"]["calibration"]}
    n, share = table[0.9]
    assert share >= 0.95
    assert n >= 250  # a real share of the answers, not a handful
    # the share right never falls as the threshold rises past 0.5
    shares = [table[c][1] for c in sorted(table) if c >= 0.5]
    assert all(b >= a - 0.005 for a, b in itertools.pairwise(shares))


def test_every_row_is_answered_or_explained(measured: dict[str, Any]) -> None:
    for r in measured["results"]:
        assert r.precision in {"point", "subdistrict", "district", "province", "place", "none"}
        assert 0.0 <= r.confidence <= 1.0
        if r.precision == "none":
            assert r.reason
        else:
            assert r.lon is not None and r.lat is not None
