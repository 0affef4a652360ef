"""Getis-Ord Gi* hotspots on H3 cells: a real cluster is found at 99 %, noise is not, and the
demo's planted hotspots come out on top; counts only, never records."""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path

import h3
import h3.api.basic_int as h3i
import numpy as np
from sqlalchemy import Connection

from etl import demo
from etl.thaidate import BANGKOK
from geodata import hotspots
from geodata.roles import Viewer
from geodata.settings import Settings


def test_cluster_is_hot_and_noise_is_not() -> None:
    rng = random.Random(5)
    centre = h3.latlng_to_cell(13.75, 100.50, 8)
    counts: dict[str, int] = {}
    for c in h3.grid_disk(centre, 12):  # background: 0–1 tips per cell
        counts[c] = rng.choice([0, 0, 1])
    for c in h3.grid_disk(centre, 1):  # the cluster: 15–20 tips per cell
        counts[c] = rng.randint(15, 20)
    spots = hotspots.gi_star({c: n for c, n in counts.items() if n})
    top = spots[0]
    assert top.cell in h3.grid_disk(centre, 1) and top.confidence == 99
    # what the z-score weighs: the tips of the cell and of its six neighbours
    assert top.around == sum(counts.get(c, 0) for c in h3.grid_disk(top.cell, 1)) > top.n
    far = [h for h in spots if h3.grid_distance(h.cell, centre) >= 5]
    assert all(h.confidence <= 0 for h in far)
    assert sorted(h.z for h in spots) == sorted(h.z for h in spots)  # well-formed


def test_uniform_counts_give_no_hotspot() -> None:
    # a city with the same density everywhere: nothing stands out inside it
    centre = h3.latlng_to_cell(13.75, 100.50, 8)
    spots = hotspots.gi_star(dict.fromkeys(h3.grid_disk(centre, 25), 3))
    inner = [h for h in spots if h3.grid_distance(h.cell, centre) <= 20]
    assert all(h.confidence == 0 for h in inner)
    assert hotspots.gi_star({}) == []


def test_demo_hotspots(conn: Connection, tmp_path: Path) -> None:
    settings = Settings(database_url="postgresql://unused/db", reporter_key="88" * 32)
    now = dt.datetime(2026, 11, 26, tzinfo=BANGKOK)
    demo.load(conn, settings, sizes=demo.DemoSizes(100, 100, 4_000, 5), folder=tmp_path, now=now)
    spots = hotspots.hotspots(conn, Viewer.for_role("f", "field"), area="10")
    hot = [h for h in spots if h.confidence >= 95]
    assert hot, "the demo's planted clusters are significant"
    planted = [(lon, lat) for lon, lat, _, _ in demo.HOTSPOTS]
    # the strongest lie within two hexagon widths of a planted cluster centre (a cluster's
    # own hexagon and its neighbours are hot; the size follows the extent: res 7 for Bangkok)
    width_km = 2 * h3.average_hexagon_edge_length(h3.get_resolution(hot[0].cell), unit="km")
    assert 2.0 < width_km < 3.0
    km = [
        min(math.hypot((h.lon - x) * 108.0, (h.lat - y) * 110.6) for x, y in planted)
        for h in hot[:5]
    ]  # degrees to km at 13.75° N
    assert all(d < width_km for d in km), km
    # and one of them is right on a cluster, not merely near one
    assert min(km) < width_km / 4, km


def test_hexagon_size_follows_the_plan() -> None:
    """The hotspot panel says how big its hexagons are; the size follows the extent."""
    city = hotspots.Hotspot(h3.latlng_to_cell(13.75, 100.5, 8), 1, 0.0, 0, 100.5, 13.75)
    country = hotspots.Hotspot(h3.latlng_to_cell(13.75, 100.5, 5), 1, 0.0, 0, 100.5, 13.75)
    assert 0.6 < city.km2 < 0.9 and 200 < country.km2 < 300
    assert hotspots.plan(None)[0] == 5 and hotspots.plan((100.4, 13.6, 100.6, 13.8))[0] == 8


def test_ij_arithmetic_equals_h3_rings() -> None:
    """The fast study area (local IJ arithmetic) is exactly the one H3's rings give: same
    cells, counts, neighbourhoods and z-scores, for clustered and scattered counts at the
    resolutions the map uses, across Thailand."""
    rng = random.Random(11)
    for res, (lat, lon), spread in (
        (8, (13.75, 100.50), 0.05),
        (7, (13.75, 100.50), 0.3),
        (6, (18.8, 99.0), 1.5),
        (5, (13.0, 101.0), 6.0),
    ):
        counts: dict[int, int] = {}
        for _ in range(600):
            c = h3i.latlng_to_cell(
                lat + rng.uniform(-spread, spread), lon + rng.uniform(-spread, spread), res
            )
            counts[c] = counts.get(c, 0) + rng.choice([1, 1, 2, 5])
        fast = hotspots._grid_ij(counts, 2)
        assert fast is not None, res
        slow = hotspots._grid_disks(counts, 2)
        order = np.argsort(fast[0])
        assert np.array_equal(fast[0][order], slow[0])
        for a, b in zip(fast[1:], slow[1:], strict=True):
            assert np.allclose(a[order], b), res
        assert [(h.cell, h.z) for h in hotspots.gi_star(counts)] == [
            (h.cell, h.z) for h in _through_rings(counts)
        ]


def _through_rings(counts: dict[int, int]) -> list[hotspots.Hotspot]:
    saved = hotspots._grid_ij
    hotspots._grid_ij = lambda *_: None  # type: ignore[assignment]
    try:
        return hotspots.gi_star(counts)
    finally:
        hotspots._grid_ij = saved  # type: ignore[assignment]


def test_ij_refuses_what_it_cannot_describe() -> None:
    """Cells on opposite sides of the globe have no common IJ frame: the rings are used."""
    far = {h3i.latlng_to_cell(13.75, 100.5, 5): 3, h3i.latlng_to_cell(-13.75, -79.5, 5): 4}
    assert hotspots._grid_ij(far, 2) is None
    assert {h.n for h in hotspots.gi_star(far) if h.n} == {3, 4}
