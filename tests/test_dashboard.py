"""The dashboard shell and home page: routes, callbacks as plain functions, offline map style."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import dash
import plotly.graph_objects as go
import pytest

from dashboard.components.admin_map import admin_map_figure
from dashboard.components.basemap import BLANK_STYLE_ASSET
from tests.web import ORIGIN, login, make_user, post_callback


@pytest.fixture
def home(app_on_conn: dash.Dash) -> Iterator[ModuleType]:
    """The home page module (importable only once the app exists), in an app context."""
    from dashboard.pages import home as module

    with app_on_conn.server.app_context():
        yield module


@pytest.fixture
def signed_in(client: Any, conn: Any) -> Any:
    """A test client signed in as a planner."""
    user, password = make_user(conn, "planner")
    assert login(client, user, password).status_code == 303
    return client


def _map(client: Any, app: dash.Dash, lang: str, **query: Any) -> dict[str, Any]:
    """The map figure the page gets for these controls (a full figure: no map drawn yet)."""
    resp = post_callback(client, app, _map_output(app), {"home-query": query, "lang": lang})
    assert resp.status_code == 200, resp.data[:300]
    fig: dict[str, Any] = resp.get_json()["response"]["home-map"]["figure"]
    return fig


def _admin_traces(fig: Any) -> list[Any]:
    """The admin-area traces (choropleths with names; hotspots carry no names)."""
    data = fig["data"] if isinstance(fig, dict) else [t.to_plotly_json() for t in fig.data]
    return [
        tr
        for tr in data
        if tr["type"] == "choroplethmap" and "Gi*" not in str(tr.get("hovertemplate"))
    ]


def _map_output(app: dash.Dash) -> str:
    return next(k for k in app.callback_map if "home-map.figure" in k)


def test_index_serves_only_local_assets(signed_in: Any) -> None:
    resp = signed_in.get("/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    external = [
        u for u in re.findall(r"""(?:src|href)=["']([^"']+)""", html) if u.startswith("http")
    ]
    assert external == []
    assert "sitaware.css" in html


def test_map_callback_provinces_of_thailand(dash_app: dash.Dash, signed_in: Any) -> None:
    fig = _map(signed_in, dash_app, "th", level="province", province="", window="30d")
    assert sum(len(tr["locations"]) for tr in _admin_traces(fig)) == 77
    # no plotly template: a copied template makes plotly redraw every layer on each update
    assert "template" not in fig["layout"]
    assert fig["layout"]["map"]["style"] == "/assets/" + BLANK_STYLE_ASSET


def test_map_callback_bangkok_districts_in_english(dash_app: dash.Dash, signed_in: Any) -> None:
    fig = _map(signed_in, dash_app, "en", level="district", province="10", window="30d")
    names = [c[0] for tr in _admin_traces(fig) for c in tr["customdata"]]
    assert len(names) == 50
    assert "Phra Nakhon" in names


def test_subdistricts_need_a_province(dash_app: dash.Dash, signed_in: Any) -> None:
    query = {"level": "subdistrict", "province": ""}
    resp = post_callback(
        signed_in, dash_app, _map_output(dash_app), {"home-query": query, "lang": "en"}
    )
    out = resp.get_json()["response"]
    assert "Pick a province" in out["home-level-note"]["children"]
    assert sum(len(tr["locations"]) for tr in _admin_traces(out["home-map"]["figure"])) == 928


@pytest.mark.parametrize("bad", ["'; DROP TABLE admin_area; --", "1001", None, 12, "xx"])
def test_forged_province_values_fall_back_to_the_country(
    dash_app: dash.Dash, signed_in: Any, bad: Any
) -> None:
    fig = _map(signed_in, dash_app, "th", level="province", province=bad)
    assert sum(len(tr["locations"]) for tr in _admin_traces(fig)) == 77


def test_labels_and_attribution_in_both_languages(home: ModuleType) -> None:
    th = home.render_labels("th")
    en = home.render_labels("en")
    assert th[0] == "ชั้นข้อมูล" and en[0] == "Layers"
    attribution_en = str(en[12])
    assert en[13] is None  # no demo banner without demo data
    assert "geoBoundaries" in attribution_en and "geothai" in attribution_en
    assert "GeoNames" in attribution_en
    prov_options = th[8]
    assert prov_options[0]["value"] == "" and len(prov_options) == 78


def test_malformed_callback_requests_get_400(dash_app: dash.Dash, signed_in: Any) -> None:
    resp = signed_in.post(
        "/_dash-update-component",
        json={
            "output": _map_output(dash_app),
            "outputs": [{"id": "home-map", "property": "figure"}],
            "inputs": [{"id": "home-level", "property": "value", "value": "province"}],
            "changedPropIds": [],
        },
        headers=ORIGIN,
    )
    assert resp.status_code == 400
    assert "inputs expected" in resp.get_json()["error"]


def test_demo_data_is_labelled_synthetic(home: ModuleType, conn: Any) -> None:
    from dashboard import data
    from etl.demo import register_source

    register_source(conn)
    data.clear_caches()
    for lang in ("th", "en"):
        banner = str(home.render_labels(lang)[13])
        assert "ข้อมูลสาธิตสังเคราะห์" in banner and "Synthetic demo data" in banner
        assert "SYNTHETIC demo data" in str(home.render_labels(lang)[12])  # attribution too


def test_figure_builder_separates_official_and_approximate() -> None:
    square = {"type": "Polygon", "coordinates": [[[100, 13], [101, 13], [101, 14], [100, 13]]]}
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "100101",
                "geometry": square,
                "properties": {
                    "code": "100101",
                    "name_th": "ก",
                    "name_en": "A",
                    "approximate": False,
                    "source": "ocha-cod-ab",
                },
            },
            {
                "type": "Feature",
                "id": "100102",
                "geometry": square,
                "properties": {
                    "code": "100102",
                    "name_th": "ข",
                    "name_en": "B",
                    "approximate": True,
                    "source": "voronoi-approx",
                },
            },
        ],
    }
    fig = admin_map_figure(fc, "en")
    assert [tr["name"] for tr in fig["data"]] == [
        "Official boundary (OCHA/RTSD)",
        "Approximate outline",
    ]
    assert fig["layout"]["map"]["center"]["lon"] == pytest.approx(100.5)
    go.Figure(fig)  # a valid plotly figure
    assert "template" not in fig["layout"]


def test_blank_style_requests_nothing(dash_app: dash.Dash) -> None:
    with dash_app.server.test_client().get("/assets/" + BLANK_STYLE_ASSET) as resp:
        assert resp.status_code == 200
        style = json.loads(resp.data)
    assert style["version"] == 8
    assert style["sources"] == {}
    assert [layer["type"] for layer in style["layers"]] == ["background"]
    assert "glyphs" not in style and "sprite" not in style


def test_hover_labels_escape_html_from_data() -> None:
    square = {"type": "Polygon", "coordinates": [[[100, 13], [101, 13], [101, 14], [100, 13]]]}
    evil = '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(2)>'
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "10",
                "geometry": square,
                "properties": {
                    "code": "10",
                    "name_th": evil,
                    "name_en": evil,
                    "approximate": False,
                    "source": "ocha-cod-ab",
                },
            }
        ],
    }
    data = admin_map_figure(fc, "th")["data"][0]["customdata"][0]
    assert "<" not in data[0] and "&lt;a href=" in data[0]


def test_no_debug_mode(dash_app: dash.Dash) -> None:
    from dashboard.serve import gunicorn_argv

    assert not dash_app.server.debug
    argv = gunicorn_argv("127.0.0.1", 8050, 2)
    assert "dashboard.wsgi:server" in argv and "--reload" not in argv
    assert argv[argv.index("--threads") + 1] == "2"  # sized for the cores (dashboard/serve.py)


def test_language_is_remembered_per_user(dash_app: dash.Dash, client: Any, conn: Any) -> None:
    from geodata import accounts

    user, password = make_user(conn, "planner")
    assert login(client, user, password).status_code == 303
    key = next(k for k in dash_app.callback_map if "lang-saved" in k)
    resp = client.post(
        "/_dash-update-component",
        json={
            "output": key,
            "outputs": {"id": "lang-saved", "property": "data"},
            "inputs": [{"id": "lang", "property": "value", "value": "en"}],
            "changedPropIds": ["lang.value"],
        },
        headers=ORIGIN,
    )
    assert resp.status_code == 200
    found = accounts.get_user(conn, user)
    assert found is not None and found.language == "en"
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert '"value": "en"' in layout or '"value":"en"' in layout


BUNDLE = Path(__file__).resolve().parent.parent / "dashboard" / "vendor" / "plotly-sitaware.min.js"


def test_page_loads_the_partial_plotly_bundle_compressed(
    signed_in: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import app as app_module

    compressed: list[int] = []
    real = app_module._recompressed

    def counting(value: bytes) -> bytes:
        compressed.append(len(value))
        return real(value)

    monkeypatch.setattr(app_module, "_recompressed", counting)
    html = signed_in.get("/").get_data(as_text=True)
    scripts = re.findall(r"""src=["']([^"']+)""", html)
    ours = [s for s in scripts if "plotly-sitaware" in s]
    assert len(ours) == 1
    assert not [s for s in scripts if "plotly.min.js" in s]
    for _ in range(2):  # compressed once, then served from the process's cache
        resp = signed_in.get(ours[0], headers={"Accept-Encoding": "gzip"})
        assert resp.status_code == 200
        assert resp.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(resp.data) == BUNDLE.read_bytes()
    # the kept copy is compressed hard, though callbacks are compressed at a fast level
    assert len(resp.data) <= len(gzip.compress(BUNDLE.read_bytes(), 6))
    # ... and only once: flask-compress offers the cache every response, hits included
    assert len(compressed) <= 1


def test_compression_cache_keeps_bundles_only() -> None:
    """Callback answers and API responses are compressed per request, never cached."""
    from dashboard.app import _BundleCache

    cache = _BundleCache()
    for key in ("gzip;/_dash-component-suites/dash/x.js?", "gzip;", "gzip;/api/v1/nearby?lat=1"):
        cache.set(key, b"z")
    assert cache.get("gzip;/_dash-component-suites/dash/x.js?") == b"z"
    assert cache.get("gzip;") is None
    assert cache.get("gzip;/api/v1/nearby?lat=1") is None


def test_partial_plotly_bundle_matches_plotly_and_the_traces_drawn() -> None:
    """The bundle is plotly.js of the version the Python plotly package writes figures for,
    and it holds every trace type the dashboard draws (rebuild: make plotly-bundle)."""
    from plotly.offline import get_plotlyjs_version

    js = BUNDLE.read_text(encoding="utf-8")
    assert js.startswith(f"/**\n* plotly.js v{get_plotlyjs_version()} ")
    source = "\n".join(p.read_text(encoding="utf-8") for p in BUNDLE.parents[1].rglob("*.py"))
    drawn = {name.lower() for name in re.findall(r"\bgo\.([A-Z][a-z]+)\(", source)}
    drawn |= set(re.findall(r"\btrace\(\s*\"([a-z]+)\"", source))  # components.layers.trace
    drawn -= {"figure"}
    assert drawn >= {"scattermap", "choroplethmap", "densitymap", "scatter"}
    for trace in drawn:
        assert f'name:"{trace}",basePlotModule' in js, trace
