"""Getis-Ord Gi* hotspots on H3 cells: a real cluster is found at 99 %, noise is not, and the
demo's planted hotspots come out on top; counts only, never records."""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path

import h3
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
