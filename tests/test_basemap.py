"""The basemap: offline by default; a configured tile server gets a raster style, and it is
the only other origin the Content-Security-Policy lets the page fetch from."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from dashboard.auth.guard import content_security_policy, tile_origin
from dashboard.components.basemap import tiled_style
from geodata.settings import Settings
from tests.web import login, make_user


def test_offline_by_default(client: Any, conn: Any) -> None:
    user, password = make_user(conn, "field")
    assert login(client, user, password).status_code == 303
    resp = client.get("/map/style.json")
    assert resp.status_code == 404  # no tile server: the page uses the blank offline style
    csp = resp.headers["Content-Security-Policy"]
    assert "connect-src 'self';" in csp + ";" and "http" not in csp


def test_a_tile_server_gets_a_raster_style_and_one_csp_origin() -> None:
    tiles = "https://tiles.agency.go.th/osm/{z}/{x}/{y}.png"
    style = tiled_style(tiles, "© OpenStreetMap contributors")
    source = style["sources"]["basemap"]  # type: ignore[index]
    assert source["type"] == "raster" and source["tiles"] == [tiles]
    assert tile_origin(tiles) == "https://tiles.agency.go.th"
    csp = content_security_policy(["abc"], tile_origin(tiles))
    assert "img-src 'self' data: blob: https://tiles.agency.go.th" in csp
    assert "connect-src 'self' https://tiles.agency.go.th" in csp
    assert "script-src 'self' 'sha256-abc'" in csp  # scripts never come from the tile host


@pytest.mark.parametrize(
    "bad",
    ["javascript:alert(1)//{z}", "https://x/{x}/{y}.png", "ftp://x/{z}/{x}/{y}", "https://x/'{z}"],
)
def test_bad_tile_urls_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError):
        Settings(database_url="postgresql://unused/db", basemap_tiles=bad)
