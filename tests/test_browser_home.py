"""The home page in a real browser: the map draws the admin areas with no request leaving the
machine, in Thai and in English; screenshots go to test-artifacts/."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import dash
import pytest

from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, NetworkLog
from tests.ci import ci_mode

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_url(dash_app: dash.Dash) -> Iterator[str]:
    from werkzeug.serving import make_server

    srv = make_server("127.0.0.1", 0, dash_app.server, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not installed (make test installs Debian's chromium)"
        if ci_mode():
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def test_home_map_offline_in_thai_and_english(browser: Any, live_url: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    log = NetworkLog()
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="th-TH")
    page = context.new_page()
    page.route(
        "**/*", lambda route: route.continue_() if log.record(route.request.url) else route.abort()
    )
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(live_url + "/", wait_until="networkidle")
    page.wait_for_selector("#home-map .maplibregl-canvas", timeout=20000)
    page.wait_for_selector("#home-counts table", timeout=20000)
    page.wait_for_timeout(1500)  # let MapLibre paint the polygons
    assert "เขตการปกครอง" in page.inner_text("body")
    assert "77" in page.inner_text("#home-counts")
    page.screenshot(path=str(ARTIFACTS / "home-th.png"))

    page.get_by_text("English", exact=True).click()
    page.wait_for_function(
        "document.querySelector('#home-level-title')?.innerText === 'Administrative areas'"
    )
    page.wait_for_timeout(1500)
    body = page.inner_text("body")
    assert "Data sources" in body and "geoBoundaries" in body
    page.screenshot(path=str(ARTIFACTS / "home-en.png"))

    # drill into Bangkok's districts
    page.click("#home-province")
    page.keyboard.type("Bangkok")
    page.keyboard.press("Enter")
    page.locator("#home-level").get_by_text("District", exact=True).click()
    page.wait_for_timeout(2000)
    page.screenshot(path=str(ARTIFACTS / "home-bangkok-districts.png"))

    context.close()
    assert log.external == [], log.external[:5]
    assert errors == []
