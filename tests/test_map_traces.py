"""The map's traces are plain dicts built by hand (no plotly validation on the server): here
every builder's output, and a whole figure, go through plotly's own validation, so a misspelt
property or a wrong value fails a test instead of silently drawing nothing."""

from __future__ import annotations

from typing import Any

import h3
import plotly.graph_objects as go
import pytest

from dashboard.components import layers, mapfig, nearby
from dashboard.components.admin_map import admin_map_figure
from geodata.hotspots import gi_star

CELLS = [(100.50, 13.75, 3), (100.51, 13.75, 40), (100.52, 13.76, 1)]
VENUES = [
    {"id": 1, "lon": 100.5, "lat": 13.75, "name_th": "โรงเรียน <ก>", "name_en": "School",
     "category": "school", "source": "t", "sensitivity": 4},
    {"id": 2, "lon": 100.6, "lat": 13.8, "name_th": None, "name_en": "Mall", "category": "mall",
     "source": "t", "sensitivity": None},
]  # fmt: skip
LODGING = [{"id": 3, "lon": 100.5, "lat": 13.7, "name_th": "โรงแรม", "name_en": "Hotel",
            "category": "hotel", "source": "t"}]  # fmt: skip
UNITS = [{"callsign": "ร.1", "agency": "สน.", "unit_type": "car", "lon": 100.5, "lat": 13.7}]
FC = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "id": "10",
         "properties": {"code": "10", "name_th": "กรุงเทพฯ", "name_en": "Bangkok",
                        "approximate": False, "official": True},
         "geometry": {"type": "Polygon",
                      "coordinates": [[[100.3, 13.5], [100.9, 13.5], [100.9, 14.0],
                                       [100.3, 13.5]]]}},
    ],
}  # fmt: skip


def _spots() -> list[Any]:
    centre = h3.latlng_to_cell(13.75, 100.5, 8)
    counts = dict.fromkeys(h3.grid_disk(centre, 6), 1)
    counts.update(dict.fromkeys(h3.grid_disk(centre, 1), 60))
    return gi_star(counts)


def _builders(lang: str) -> dict[str, Any]:
    ring, dot = nearby.circle_traces(100.5, 13.75, 500, lang)
    return {
        "heat": layers.heat_trace(CELLS, lang),
        "hotspots": layers.hotspot_trace(_spots(), lang),
        "units": layers.unit_trace(UNITS, lang),
        "venues": mapfig.venue_points(VENUES, lang),
        "lodging": mapfig.lodging_points(LODGING, lang),
        "clusters": mapfig.clusters(CELLS, "x", mapfig.CLUSTER_VENUE, lang),
        "outline": mapfig.outline([[(100.5, 13.7), (100.6, 13.7), (100.5, 13.8)]], "a"),
        "empty": mapfig.empty("heat"),
        "ring": ring,
        "centre": dot,
    }


@pytest.mark.parametrize("lang", ["th", "en"])
def test_every_trace_builder_passes_plotly_validation(lang: str) -> None:
    built = _builders(lang)
    assert built["hotspots"] is not None  # the fixture has a significant cluster
    for name, tr in built.items():
        assert isinstance(tr, dict) and tr["type"] in ("scattermap", "densitymap",
                                                       "choroplethmap"), name  # fmt: skip
        validated = go.Figure(data=[tr]).data[0].to_plotly_json()  # raises on a bad property
        # plotly keeps every value as given (nothing it had to coerce or drop)
        for key in tr:
            if key != "geojson":
                assert key in validated, (name, key)
        assert len(validated.get("lon", validated.get("locations", []))) == len(
            tr.get("lon", tr.get("locations", []))
        ), name


def test_a_whole_map_figure_passes_plotly_validation() -> None:
    fig = admin_map_figure(FC, "th", uirevision="k", counts={"10": 5})
    fig["data"].extend(_builders("th").values())
    go.Figure(fig)  # layout and every trace; raises ValueError on anything plotly refuses
    go.Figure(admin_map_figure(FC, "en"))


def test_hover_text_from_data_is_escaped() -> None:
    venue = mapfig.venue_points(VENUES, "th")
    assert venue["customdata"][0][0] == "โรงเรียน &lt;ก&gt;"
    assert venue["customdata"][1][0] == "Mall"  # no Thai name: the English one


def test_the_trend_chart_passes_plotly_validation() -> None:
    import datetime as dt

    from dashboard.components.trend import trend_figure

    rows = [(dt.date(2026, 11, d), cat, d % 4) for d in range(1, 20) for cat in ("ก", "ข", "<c>")]
    for fig in (trend_figure(rows, "th", be=True), trend_figure([], "en")):
        go.Figure(fig)  # raises ValueError on anything plotly refuses
    fig = trend_figure(rows, "en")
    assert len(fig["data"]) == 3 and fig["data"][0]["x"][0] == "2026-11-01"
    assert "&lt;c&gt;" in next(tr["hovertemplate"] for tr in fig["data"] if tr["name"] == "<c>")
