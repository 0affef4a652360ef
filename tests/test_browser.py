"""In a real browser (headless Debian Chromium): sign in as each role and look at the landing
page; a stored-XSS venue name shows as text and runs nothing; the map needs no network and the
CSP is never violated. Screenshots go to test-artifacts/."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, text

from geodata import accounts
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, NetworkLog
from tests.ci import ci_mode
from tests.web import ROLES

pytestmark = pytest.mark.browser

XSS_NAME = (
    '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    '<a href="javascript:window.__xss=3">x</a>'
)


@pytest.fixture(scope="module")
def live_url(dash_app: dash.Dash, engine: Engine) -> Iterator[str]:
    from werkzeug.serving import make_server

    dash_app.server.config["SITAWARE_BIND"] = engine
    srv = make_server("127.0.0.1", 0, dash_app.server, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def users(engine: Engine) -> Iterator[dict[str, tuple[str, str]]]:
    made = {}
    for role in ROLES:
        name, password = f"browser-{role}-{secrets.token_hex(3)}", secrets.token_urlsafe(16)
        accounts.add_user(engine, name, role, password)
        made[role] = (name, password)
    yield made
    with engine.begin() as c:
        c.execute(
            text("DELETE FROM app_user WHERE username = ANY(:u)"),
            {"u": [u for u, _ in made.values()]},
        )


@pytest.fixture(scope="module")
def xss_venue(engine: Engine) -> Iterator[str]:
    sid = "xss-" + secrets.token_hex(4)
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO venue (source, source_id, name_th, name_en, geom, geo_precision,"
                " province_code, district_code, subdistrict_code, category, sensitivity)"
                " VALUES ('test-xss', :sid, :n, :n, ST_SetSRID(ST_MakePoint(100.4913, 13.75), 4326),"
                " 'point', '10', '1001', '100101', 'school', 5)"
            ),
            {"sid": sid, "n": XSS_NAME},
        )
    yield sid
    with engine.begin() as c:
        c.execute(
            text("DELETE FROM venue WHERE source = 'test-xss' AND source_id = :sid"), {"sid": sid}
        )


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


class Page:
    """A browser page that records network requests, console CSP reports and dialogs."""

    def __init__(self, browser: Any, lang: str = "th-TH") -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=lang)
        self.page = self.context.new_page()
        self.net = NetworkLog()
        self.errors: list[str] = []
        self.csp: list[str] = []
        self.dialogs: list[str] = []
        self.page.route(
            "**/*", lambda r: r.continue_() if self.net.record(r.request.url) else r.abort()
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", self._console)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def _console(self, msg: Any) -> None:
        if "Content Security Policy" in msg.text:
            self.csp.append(f"{msg.text} @ {msg.location}")

    def sign_in(self, base: str, username: str, password: str) -> None:
        self.page.goto(base + "/", wait_until="domcontentloaded")
        assert "/login" in self.page.url
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("#home-map .maplibregl-canvas", timeout=30000)
        self.page.wait_for_selector("#home-venues table, #home-venues p", timeout=30000)
        self.page.wait_for_selector("#home-tips h2", timeout=30000)
        self.page.wait_for_timeout(1200)

    def close(self) -> None:
        self.context.close()


@pytest.mark.parametrize("role", ROLES)
def test_sign_in_as_each_role(
    browser: Any, live_url: str, users: dict[str, tuple[str, str]], xss_venue: str, role: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    p = Page(browser)
    try:
        p.sign_in(live_url, *users[role])
        body = p.page.inner_text("body")
        assert f"{users[role][0]} · {role}" in body
        tips_panel = p.page.inner_text("#home-tips")
        assert ("แจ้งเหตุล่าสุด" in tips_panel) == (role != "field")
        p.page.screenshot(path=str(ARTIFACTS / f"landing-{role}.png"))
        # the stored-XSS venue name is shown as text and nothing ran
        assert XSS_NAME in p.page.inner_text("#home-venues")
        assert p.page.evaluate("window.__xss") is None
        assert p.dialogs == []
        assert p.net.external == []
        assert p.csp == [], p.csp
        assert p.errors == []
    finally:
        p.close()


def test_sign_out_returns_to_login(
    browser: Any, live_url: str, users: dict[str, tuple[str, str]]
) -> None:
    p = Page(browser)
    try:
        p.sign_in(live_url, *users["planner"])
        p.page.click(".sa-logout button")
        p.page.wait_for_url("**/login*")
        p.page.goto(live_url + "/", wait_until="domcontentloaded")
        assert "/login" in p.page.url
    finally:
        p.close()


def test_login_page_in_english_and_thai(browser: Any, live_url: str) -> None:
    p = Page(browser)
    try:
        p.page.goto(live_url + "/login?lang=en")
        assert "Sign in" in p.page.inner_text("body")
        p.page.fill("#username", "nobody")
        p.page.fill("#password", "wrong-password")
        p.page.click("button[type=submit]")
        assert "Wrong username or password" in p.page.inner_text("body")
        p.page.screenshot(path=str(ARTIFACTS / "login-en-failed.png"))
        p.page.goto(live_url + "/login?lang=th")
        assert "เข้าสู่ระบบ" in p.page.inner_text("body")
        p.page.screenshot(path=str(ARTIFACTS / "login-th.png"))
        assert p.csp == [] and p.net.external == []
    finally:
        p.close()


def test_language_is_remembered_at_the_next_sign_in(
    browser: Any, live_url: str, users: dict[str, tuple[str, str]]
) -> None:
    p = Page(browser)
    try:
        p.sign_in(live_url, *users["field"])
        p.page.get_by_text("English", exact=True).click()
        p.page.locator("#home-level-title", has_text="Administrative areas").wait_for()
    finally:
        p.close()
    again = Page(browser)  # a new browser context: nothing stored in the browser
    try:
        again.sign_in(live_url, *users["field"])
        again.page.locator("#home-level-title", has_text="Administrative areas").wait_for()
        again.page.get_by_text("ไทย", exact=True).click()
        again.page.locator("#home-level-title", has_text="เขตการปกครอง").wait_for()
    finally:
        again.close()


def test_home_map_offline_in_thai_and_english(
    browser: Any, live_url: str, users: dict[str, tuple[str, str]]
) -> None:
    p = Page(browser)
    try:
        p.sign_in(live_url, *users["command"])
        assert "เขตการปกครอง" in p.page.inner_text("body")
        assert "77" in p.page.inner_text("#home-counts")
        p.page.screenshot(path=str(ARTIFACTS / "home-th.png"))
        p.page.get_by_text("English", exact=True).click()
        # (no wait_for_function: it evaluates a string, which our CSP rightly blocks)
        p.page.locator("#home-level-title", has_text="Administrative areas").wait_for()
        p.page.wait_for_timeout(1500)
        body = p.page.inner_text("body")
        assert "Data sources" in body and "geoBoundaries" in body
        p.page.screenshot(path=str(ARTIFACTS / "home-en.png"))
        p.page.click("#home-province")
        p.page.keyboard.type("Bangkok")
        p.page.keyboard.press("Enter")
        p.page.locator("#home-level").get_by_text("District", exact=True).click()
        p.page.wait_for_timeout(2000)
        p.page.screenshot(path=str(ARTIFACTS / "home-bangkok-districts.png"))
        assert p.net.external == [], p.net.external[:5]
        assert p.errors == [] and p.csp == []
    finally:
        p.close()


def _map_zoom(page: Any) -> float:
    return float(
        page.evaluate("document.querySelector('#home-map .js-plotly-plot')._fullLayout.map.zoom")
    )


def test_new_tip_appears_live_without_resetting_the_view(
    browser: Any, live_url: str, users: dict[str, tuple[str, str]], engine: Engine
) -> None:
    import json
    import time
    import urllib.request

    category = "live-" + secrets.token_hex(3)
    user, password = users["command"]
    token, _ = accounts.create_token(engine, user, name="live-test")
    p = Page(browser)
    try:
        p.sign_in(live_url, user, password)
        box = p.page.locator("#home-map").bounding_box()
        assert box is not None
        p.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(3):
            p.page.mouse.wheel(0, -400)  # the user zooms in
            p.page.wait_for_timeout(300)
        p.page.wait_for_timeout(800)
        zoom_before = _map_zoom(p.page)
        assert category not in p.page.inner_text("#home-tips")
        body = {
            "source_id": category,
            "reported_at": "now",
            "category": category,
            "lat": 13.7500,
            "lon": 100.4913,
        }
        body["reported_at"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        req = urllib.request.Request(
            live_url + "/api/v1/tips",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        posted = time.monotonic()
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 201
        p.page.locator("#home-tips", has_text=category).wait_for(timeout=5000)
        seen_after = time.monotonic() - posted
        p.page.wait_for_timeout(500)
        p.page.screenshot(path=str(ARTIFACTS / "live-new-tip.png"))
        assert seen_after <= 2.0, f"the new tip took {seen_after:.2f} s to appear"
        assert _map_zoom(p.page) == pytest.approx(zoom_before)  # the view was not reset
        assert zoom_before > 5.5  # (the zoom really changed from the initial country view)
        assert p.net.external == [] and p.errors == [] and p.csp == []
    finally:
        p.close()
        with engine.begin() as c:
            c.execute(text("DELETE FROM tip WHERE category = :c"), {"c": category})


def test_time_window_and_proximity(
    browser: Any, live_url: str, users: dict[str, tuple[str, str]], xss_venue: str
) -> None:
    p = Page(browser)
    try:
        p.sign_in(live_url, *users["command"])
        # the language is remembered per person: an earlier test left this one in English
        p.page.get_by_text("ไทย", exact=True).click()
        p.page.locator("#home-window").get_by_text("7 วัน", exact=True).click()
        p.page.wait_for_timeout(1000)
        p.page.fill("#home-near-addr", "แขวงพระบรมมหาราชวัง เขตพระนคร กรุงเทพมหานคร")
        p.page.click("#home-near-go")
        result = p.page.locator("#home-near-result", has_text="สถานที่เฝ้าระวังใกล้ที่สุด")
        result.wait_for(timeout=10000)
        text_ = p.page.inner_text("#home-near-result")
        assert "แจ้งเหตุในรัศมี" in text_ and "ที่พักใกล้ที่สุด" in text_
        assert XSS_NAME in text_  # the venue planted at the Grand Palace, as plain text
        assert "ม." in text_  # distances in metres, Thai units
        p.page.wait_for_timeout(1500)  # the circle is drawn on the map
        p.page.screenshot(path=str(ARTIFACTS / "proximity-th.png"))
        assert p.page.evaluate("window.__xss") is None
        assert p.net.external == [] and p.errors == [] and p.csp == []
    finally:
        p.close()


def test_review_page_moves_a_pin(
    browser: Any, live_url: str, engine: Engine, gazetteer: Any
) -> None:
    from etl.geocode.geocoder import Geocoder

    name, password = f"browser-admin-{secrets.token_hex(3)}", secrets.token_urlsafe(16)
    accounts.add_user(engine, name, "admin", password)
    address = f"ซอย ทดสอบ {secrets.token_hex(2)} เขตมีนบุรี กรุงเทพมหานคร 10510"
    (answer,) = Geocoder(gazetteer, engine, review_below=0.5).batch("address", [address])
    assert answer.review_status == "pending"
    p = Page(browser)
    try:
        p.sign_in(live_url, name, password)
        p.page.click("a[href='/review']")
        p.page.wait_for_selector("#review-pick", timeout=15000)
        option = p.page.get_by_text(address[:20], exact=False).last
        for attempt in range(4):  # the queue's options arrive after the page; open it again
            p.page.wait_for_timeout(800)
            p.page.click("#review-pick")
            p.page.keyboard.type(address[:20])
            try:
                option.wait_for(timeout=3000)
                break
            except Exception:
                p.page.keyboard.press("Escape")
                if attempt == 3:
                    raise
        option.click()
        p.page.locator("#review-detail", has_text=address).wait_for(timeout=10000)
        p.page.wait_for_timeout(1500)
        p.page.screenshot(path=str(ARTIFACTS / "review-pending-th.png"))
        p.page.fill("#review-move-to", "13.8140, 100.7285")
        p.page.click("#review-move")
        p.page.locator("#review-message", has_text="บันทึกแล้ว").wait_for(timeout=10000)
        p.page.wait_for_timeout(800)
        p.page.screenshot(path=str(ARTIFACTS / "review-th.png"))
        with engine.connect() as c:
            status = c.execute(
                text("SELECT review_status FROM geocode_cache WHERE key = :k"), {"k": answer.key}
            ).scalar_one()
        assert status == "moved"
        assert p.net.external == [] and p.errors == [] and p.csp == []
    finally:
        p.close()
        with engine.begin() as c:
            c.execute(text("DELETE FROM geocode_cache WHERE key = :k"), {"k": answer.key})
            c.execute(text("DELETE FROM app_user WHERE username = :u"), {"u": name})
