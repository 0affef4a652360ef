"""Map benchmark in a real browser (headless Debian Chromium through Playwright) against the
production server (``sitaware serve``: gunicorn, 2 workers × 2 threads by default) on the bench
database (1,000,000 tips and 100,000 venues of bench/map.py).

    .venv/bin/python bench/browser.py [--runs 5] [--db-url URL] [--workers 2] [--threads 2]
                                      [--rev HEAD] [--gl swiftshader]

``--rev`` serves the files of a commit (extracted to a temporary folder) instead of the working
tree, for when others are editing it.

A bench user (role ``command``) is created, signs in once through the login form, and is
removed at the end. Each run opens a fresh browser context (empty cache, the session cookie
only), navigates to ``/`` and measures, on the page's own clock (``performance.now()``, whose
origin is the start of the navigation):

* **map ready**: the first moment at which (1) the response of the callback that draws the map
  (output ``home-map.figure``) has been received, (2) the Plotly graph ``#home-map`` holds
  exactly the traces of that response and has given every one of them to the map (Plotly has
  applied it: it fetches a figure's outlines first, and until then the map still holds the
  previous figure's layers, loaded), (3) the MapLibre map behind it
  has its canvas, reports ``loaded()`` (style and every GeoJSON source parsed by its workers)
  and ``areTilesLoaded()``, and is not moving, and (4) no callback that outputs the map is in
  flight. A moment only counts when no callback that outputs the map starts in the following
  second (other callbacks, such as the side panels', do not change the map);
* **page settled**: map ready and, in addition, no Dash callback request in flight at all
  (lists, counts, trend, hotspots included) — the live poll (``home-marker.data``, once a
  second) excepted. A moment only counts when no new callback starts in the following
  second (Dash chains callbacks: a gap between two of them is not the end).

Bytes of the first view: the sum of CDP ``Network.loadingFinished.encodedDataLength`` (bytes
on the wire, headers included) of every request the page started before it settled.

Then, after three wheel zooms over Bangkok (not timed), a wheel zoom over the map and a drag
(pan). Each is timed to the moment at which every callback it triggered (``home-moved.data``,
which the page's script writes at MapLibre's end of the move, feeds them) has returned, the
map's figure is applied and MapLibre is idle again (same conditions as above):

* **pan/zoom update** (the figure held against the target): from the end of the move (the
  map's ``moveend``, when plotly reports the new view) — what the page takes to bring the new
  viewport's data;
* from the input event (the ``wheel`` / ``mouseup`` event on the page's clock), beside it:
  that adds MapLibre's own handling of the gesture, the same on any page (a wheel zoom eases
  over 200 ms and ends only after 200 ms more without a wheel event; a drag may glide on).

Each move is checked to have changed the heat or the venues drawn (a move that changes
nothing would time only the round trip).

Every non-loopback request is blocked and counted (it should be 0). Prints per-run figures,
medians, the time of each callback of the first view, and the biggest responses.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._serve import bench_engine, describe, make_users, remove_users, served  # noqa: E402
from tests.browser import CHROMIUM, GL_ARGS, RENDERER_JS, NetworkLog, chromium_args  # noqa: E402

MAP_OUTPUT = "home-map.figure"
POLL_OUTPUTS = ["home-marker.data"]  # the live poll: fires every second, forever
VIEWPORT = {"width": 1400, "height": 1000}
QUIET_MS = 1000  # no new callback for this long after "settled"
TIMEOUT_MS = 180_000
NAN = float("nan")  # not measured (the run failed before)

# Installed before any page script: counts Dash callback requests in flight (fetch is what
# dash-renderer uses), remembers the trace count of the latest map figure, and the time of
# the latest wheel / mouseup.
INSTRUMENT = """
(() => {
  const S = window.__bench = {pending: 0, mapPending: 0, calls: [], mapTraces: null,
                              lastStart: 0, lastMapStart: 0, lastEnd: 0, tAction: null};
  const POLL = new Set(%s);
  const MAP = %s;
  for (const ev of ['wheel', 'mouseup'])
    window.addEventListener(ev, () => { S.tAction = performance.now(); }, true);
  const orig = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input.url;
    if (!url.includes('_dash-update-component')) return orig.apply(this, arguments);
    let output = '';
    try { output = JSON.parse(init.body).output; } catch (e) {}
    const poll = POLL.has(output), isMap = output.includes(MAP);
    const rec = {output, t0: performance.now(), t1: null, status: 0, bytes: 0, poll};
    S.calls.push(rec);
    if (!poll) { S.pending++; S.lastStart = rec.t0; }
    if (isMap) { S.mapPending++; S.lastMapStart = rec.t0; }
    const done = () => {
      rec.t1 = performance.now();
      if (!poll) { S.pending--; S.lastEnd = rec.t1; }
      if (isMap) S.mapPending--;
    };
    return orig.apply(this, arguments).then(resp => {
      rec.status = resp.status;
      resp.clone().text().then(txt => {
        rec.bytes = txt.length;
        if (isMap && resp.status === 200) {
          try {
            const fig = JSON.parse(txt).response['home-map'].figure;
            S.mapTraces = fig.data.length;
          } catch (e) { rec.error = 'unparsable map figure'; }
        }
        done();
      }, err => { rec.error = String(err); done(); });
      return resp;
    }, err => { rec.error = String(err); done(); throw err; });
  };
})();
"""

# Resolves with performance.now() at the first check (every 5 ms) where the map is ready and,
# when `settle`, nothing but the poll is in flight; `after`: only callbacks started after that
# time count as "the ones the action triggered" and at least `need` of them must have ended.
WAIT = """
async ({settle, after, need, timeout}) => {
  const S = window.__bench;
  const t_end = performance.now() + timeout;
  const mapState = () => {
    const gd = document.querySelector('#home-map .js-plotly-plot');
    const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    const m = sub && sub.map;
    if (!m || !gd.data) return null;
    // plotly has given the map every trace of its data (a figure's outlines are fetched
    // first: until then the map holds the previous figure's layers and reports loaded)
    const drawn = (gd._fullData || []).every(t => sub.traceHash && sub.traceHash[t.uid]);
    return {traces: gd.data.length, drawn, loaded: m.loaded(), tiles: m.areTilesLoaded(),
            moving: m.isMoving(),
            canvas: !!document.querySelector('#home-map canvas.maplibregl-canvas')};
  };
  const ok = () => {
    if (S.mapTraces === null || S.mapPending > 0) return false;
    if (settle && S.pending > 0) return false;
    const ended = S.calls.filter(c => !c.poll && c.t0 >= after && c.t1 !== null).length;
    if (ended < need) return false;
    const st = mapState();
    return !!st && st.canvas && st.traces === S.mapTraces && st.drawn && st.loaded && st.tiles
      && !st.moving;
  };
  while (performance.now() < t_end) {
    if (ok()) return {t: performance.now(), map: mapState()};
    await new Promise(r => setTimeout(r, 5));
  }
  return {t: null, map: mapState(), pending: S.pending, mapTraces: S.mapTraces};
}
"""


class NotSettledError(Exception):
    """The page did not reach the awaited state in time."""


def _route(route: Any, net: NetworkLog) -> None:
    """Let loopback requests through, abort (and count) the others."""
    try:
        if net.record(route.request.url):
            route.continue_()
        else:
            route.abort()
    except Exception:  # the page went away while the request was routed
        return


@dataclass
class Run:
    """Figures of one run (times in ms on the page's clock)."""

    map_ready_ms: float = NAN
    settled_ms: float = NAN
    wall_ms: float = NAN
    bytes_first_view: int = 0
    n_requests: int = 0
    wheel_ms: float = NAN
    drag_ms: float = NAN
    wheel_moved_ms: float = NAN  # from the map's end of the move (its relayout) instead
    drag_moved_ms: float = NAN
    wheel_calls: list[str] = field(default_factory=list)
    drag_calls: list[str] = field(default_factory=list)
    wheel_changed: bool = False  # the move changed the heat or the venues drawn
    drag_changed: bool = False
    responses: list[tuple[str, int]] = field(default_factory=list)
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    traces: int = 0
    blocked: list[str] = field(default_factory=list)
    failure: str | None = None


def _sign_in(browser: Any, base: str, username: str, password: str) -> dict[str, Any]:
    """Sign in through the login form; returns the context's storage state (the cookie)."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="th-TH")
    page = ctx.new_page()
    net = NetworkLog()
    page.route("**/*", lambda r: r.continue_() if net.record(r.request.url) else r.abort())
    page.goto(base + "/", wait_until="domcontentloaded")
    if "/login" not in page.url:
        sys.exit(f"expected the login page, got {page.url}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#home-map .maplibregl-canvas", timeout=TIMEOUT_MS)
    state: dict[str, Any] = ctx.storage_state()
    ctx.close()
    if net.external:
        print(f"sign-in: {len(net.external)} non-loopback requests blocked: {net.external[:5]}")
    return state


def _label(url: str, post: str | None) -> str:
    """A short name for a response: the callback's output for Dash callbacks, else the path."""
    path = url.split("//", 1)[-1].split("/", 1)[-1]
    if "_dash-update-component" in url and post:
        try:
            return "callback " + str(json.loads(post)["output"])[:90]
        except (ValueError, KeyError):
            pass
    return "/" + path[:100]


def _wait(page: Any, *, settle: bool, after: float, need: int) -> dict[str, Any]:
    """Wait until ready, then confirm: no new callback in the next QUIET_MS (for the map
    alone, no new callback that draws the map: the panels' answer does not change it)."""
    while True:
        res: dict[str, Any] = page.evaluate(
            WAIT, {"settle": settle, "after": after, "need": need, "timeout": TIMEOUT_MS}
        )
        if res["t"] is None:
            inflight = page.evaluate(
                "() => window.__bench.calls.filter(c => c.t1 === null && !c.poll)"
                ".map(c => `${c.output.slice(0, 60)} for "
                "${Math.round(performance.now() - c.t0)} ms`)"
            )
            raise NotSettledError(
                f"not settled within {TIMEOUT_MS / 1000:.0f} s: {res}; in flight: {inflight}"
            )
        page.wait_for_timeout(QUIET_MS)
        last_start = page.evaluate(
            "window.__bench.lastStart" if settle else "window.__bench.lastMapStart"
        )
        if last_start <= res["t"]:
            return res


def _action_calls(page: Any, after: float) -> list[str]:
    calls = page.evaluate(
        "(after) => window.__bench.calls.filter(c => !c.poll && c.t0 >= after)"
        ".map(c => `${c.output} ${Math.round(c.t1 - c.t0)} ms`)",
        after,
    )
    return list(calls)


# The time at which the map reports the end of a move (plotly's relayout, on MapLibre's
# moveend). A wheel zoom ends >= 440 ms after the wheel event whatever the page does: MapLibre
# waits 40 ms to tell a wheel from a trackpad, eases the zoom over 200 ms, then waits 200 ms for
# more wheel events before it ends the move.
MOVED_HOOK = """() => {
  const gd = document.querySelector('#home-map .js-plotly-plot');
  if (!gd.__benchMoved) {
    gd.__benchMoved = true;
    gd.on('plotly_relayout', () => { window.__bench.tMoved = performance.now(); });
  }
}"""


# The map's data that follows the viewport, as drawn: the heat trace's cells and the venue
# traces' points (plotly's own copy of the figure), to tell whether a move changed them.
DRAWN_DATA = """() => {
  const gd = document.querySelector('#home-map .js-plotly-plot');
  return JSON.stringify(gd.data.filter(t => t.type === 'densitymap' || t.name === 'venues'
    || (t.type === 'scattermap' && t.mode === 'markers+text')).map(t => [t.lon, t.lat, t.z]));
}"""
# Where a place is on the page (CSS pixels), through the map's own projection.
PROJECT = """([lon, lat]) => {
  const gd = document.querySelector('#home-map .js-plotly-plot');
  const map = gd._fullLayout.map._subplot.map;
  const r = map.getCanvas().getBoundingClientRect(), p = map.project([lon, lat]);
  return [r.left + p.x, r.top + p.y];
}"""
BANGKOK = (100.53, 13.75)


def _pan_zoom(page: Any, run: Run, relayout_callbacks: int) -> None:
    """A wheel zoom, then a drag, each timed from the input event. First (not timed) three
    wheel zooms over Bangkok, where the bench's tips and venues are densest: from the
    country's view one more wheel step could leave the heat's cells and the venue clusters
    as they were, and a move that changes nothing is no test of an update."""
    page.evaluate(MOVED_HOOK)
    before = page.evaluate("performance.now()")
    for _ in range(3):
        x, y = page.evaluate(PROJECT, list(BANGKOK))
        page.mouse.move(x, y)
        page.mouse.wheel(0, -600)
        page.wait_for_timeout(700)
    _wait(page, settle=True, after=before, need=relayout_callbacks)
    box = page.locator("#home-map .maplibregl-canvas").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    drawn = page.evaluate(DRAWN_DATA)
    page.mouse.move(cx, cy)
    before = page.evaluate("performance.now()")
    page.mouse.wheel(0, -600)
    res = _wait(page, settle=True, after=before, need=relayout_callbacks)
    t_action = page.evaluate("window.__bench.tAction")
    run.wheel_ms = res["t"] - t_action
    run.wheel_moved_ms = res["t"] - page.evaluate("window.__bench.tMoved")
    run.wheel_calls = _action_calls(page, before)
    now = page.evaluate(DRAWN_DATA)
    run.wheel_changed, drawn = now != drawn, now
    # drag (pan) by 250 × 150 px
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 250, cy + 150, steps=12)
    before = page.evaluate("performance.now()")
    page.mouse.up()
    res = _wait(page, settle=True, after=before, need=relayout_callbacks)
    t_action = page.evaluate("window.__bench.tAction")
    run.drag_ms = res["t"] - t_action
    run.drag_moved_ms = res["t"] - page.evaluate("window.__bench.tMoved")
    run.drag_calls = _action_calls(page, before)
    run.drag_changed = page.evaluate(DRAWN_DATA) != drawn


def one_run(browser: Any, base: str, state: dict[str, Any], relayout_callbacks: int) -> Run:
    """A fresh context: first view, then a wheel zoom and a drag."""
    run = Run()
    ctx = browser.new_context(viewport=VIEWPORT, locale="th-TH", storage_state=state)
    ctx.add_init_script(INSTRUMENT % (json.dumps(POLL_OUTPUTS), json.dumps(MAP_OUTPUT)))
    page = ctx.new_page()
    net = NetworkLog()
    page.route("**/*", lambda r: _route(r, net))
    cdp = ctx.new_cdp_session(page)
    reqs: dict[str, dict[str, Any]] = {}

    def sent(p: dict[str, Any]) -> None:
        reqs.setdefault(p["requestId"], {}).update(
            url=p["request"]["url"], post=p["request"].get("postData"), wall=p["wallTime"]
        )

    def finished(p: dict[str, Any]) -> None:
        reqs.setdefault(p["requestId"], {})["bytes"] = int(p["encodedDataLength"])

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    t0 = time.perf_counter()
    page.goto(base + "/", wait_until="commit")
    if "/login" in page.url:
        sys.exit("the session cookie was not accepted (redirected to /login)")
    try:
        _first_view(page, run, reqs, t0)
        _pan_zoom(page, run, relayout_callbacks)
    except NotSettledError as exc:
        run.failure = str(exc)
    run.blocked = list(net.external)
    ctx.close()
    return run


def _first_view(page: Any, run: Run, reqs: dict[str, dict[str, Any]], t0: float) -> None:
    """Wait for the map, then for the page to settle; the bytes it took."""
    res = _wait(page, settle=False, after=0, need=1)
    run.map_ready_ms = res["t"]
    run.traces = res["map"]["traces"]
    res = _wait(page, settle=True, after=0, need=1)
    run.settled_ms = res["t"]
    run.wall_ms = (time.perf_counter() - t0) * 1000 - QUIET_MS
    origin_ms = page.evaluate("performance.timeOrigin")
    cut = (origin_ms + run.settled_ms) / 1000
    first = [r for r in reqs.values() if "bytes" in r and r.get("wall", 0) <= cut]
    run.bytes_first_view = sum(r["bytes"] for r in first)
    run.n_requests = len(first)
    run.responses = sorted(
        ((_label(r["url"], r["post"]), r["bytes"]) for r in first), key=lambda x: -x[1]
    )
    run.callbacks = page.evaluate(
        "(cut) => window.__bench.calls.filter(c => c.t1 !== null && c.t0 <= cut)"
        ".map(c => ({output: c.output, ms: c.t1 - c.t0, status: c.status, bytes: c.bytes}))",
        run.settled_ms,
    )


def _relayout_callbacks(base: str, cookies: list[dict[str, Any]]) -> int:
    """How many server callbacks a pan/zoom fires: those fed by ``home-moved.data`` (the
    page's clientside filter passes the map's ``relayoutData`` on to it)."""
    import requests

    jar = {c["name"]: c["value"] for c in cookies}
    deps = requests.get(base + "/_dash-dependencies", cookies=jar, timeout=30).json()
    return sum(
        any(i["id"] == "home-moved" and i["property"] == "data" for i in d["inputs"])
        for d in deps
        if not d.get("clientside_function")
    )


def _med(xs: list[float]) -> float:
    """Median of the measured values (a failed run's NaN left out)."""
    xs = [x for x in xs if not math.isnan(x)]
    return statistics.median(xs) if xs else NAN


def report(runs: list[Run], workers: int, threads: int | str) -> None:
    """Print per-run figures, medians, callback times and the biggest responses."""
    print("\nper run (ms on the page clock from navigation start; bytes on the wire):")
    print(
        f"  {'run':>3} {'map ready':>10} {'settled':>9} {'wall':>7} {'bytes':>11} {'reqs':>5}"
        f" {'traces':>6} {'wheel':>7} {'drag':>7} {'blocked':>7}"
    )
    for i, r in enumerate(runs, 1):
        print(
            f"  {i:>3} {r.map_ready_ms:>10.0f} {r.settled_ms:>9.0f} {r.wall_ms:>7.0f}"
            f" {r.bytes_first_view:>11,} {r.n_requests:>5} {r.traces:>6} {r.wheel_ms:>7.0f}"
            f" {r.drag_ms:>7.0f} {len(r.blocked):>7}"
        )
    med_ready = _med([r.map_ready_ms for r in runs])
    med_settled = _med([r.settled_ms for r in runs])
    med_bytes = _med([float(r.bytes_first_view) for r in runs if r.n_requests])
    med_pan = _med([r.wheel_ms for r in runs] + [r.drag_ms for r in runs])
    blocked = sum(len(r.blocked) for r in runs)
    print(
        f"\nmedians over {len(runs)} runs (server: gunicorn {workers} workers × {threads} threads):"
    )
    print(
        f"  navigation → map ready        {med_ready:8.0f} ms   target ≤ 3000 ms "
        f"{'OK' if med_ready <= 3000 else 'MISSED'}"
    )
    print(
        f"  navigation → page settled     {med_settled:8.0f} ms   (every panel answered; the "
        "issue's target is the rendered map)"
    )
    print(
        f"  bytes of the first view  {med_bytes:13,.0f} B    target ≤ 2,000,000 B "
        f"{'OK' if med_bytes <= 2_000_000 else 'MISSED'}"
    )
    moved = _med([r.wheel_moved_ms for r in runs] + [r.drag_moved_ms for r in runs])
    changed = sum(r.wheel_changed for r in runs) + sum(r.drag_changed for r in runs)
    print(
        f"  pan/zoom update               {moved:8.0f} ms   target ≤ 500 ms "
        f"{'OK' if moved <= 500 else 'MISSED'}"
    )
    print(
        f"    (the end of the move → the map redrawn with the new viewport's data; wheel "
        f"{_med([r.wheel_moved_ms for r in runs]):.0f} ms, drag "
        f"{_med([r.drag_moved_ms for r in runs]):.0f} ms; {changed} of {2 * len(runs)} moves "
        "changed the heat or venues drawn)"
    )
    print(
        f"  from the input event: wheel {_med([r.wheel_ms for r in runs]):.0f} ms, drag "
        f"{_med([r.drag_ms for r in runs]):.0f} ms, both {med_pan:.0f} ms (with MapLibre's own "
        "wheel ease and wait, >= 440 ms, and a drag's inertia)"
    )
    print(f"  non-loopback requests blocked {blocked:8d}      (should be 0)")
    for i, r in enumerate(runs, 1):
        if r.failure:
            print(
                f"  run {i} FAILED (its missing figures are left out of the medians): {r.failure}"
            )
    for r in runs:
        for u in r.blocked[:5]:
            print(f"    blocked: {u}")
    print(
        "\ncallbacks of the first view (request → response body read, median ms; status; "
        "response chars):"
    )
    per: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in runs:
        for c in r.callbacks:
            per[c["output"]].append(c)
    for out, cs in sorted(per.items(), key=lambda kv: -_med([c["ms"] for c in kv[1]])):
        statuses = sorted({c["status"] for c in cs})
        chars = int(_med([c["bytes"] for c in cs]))
        print(
            f"  {_med([c['ms'] for c in cs]):7.0f}  {statuses}  {chars:>10,}"
            f"  ×{len(cs) / len(runs):.1f}  {out[:100]}"
        )
    print("\ncallbacks a pan/zoom triggered (last run):")
    print("  wheel: " + ("; ".join(runs[-1].wheel_calls) or "none"))
    print("  drag:  " + ("; ".join(runs[-1].drag_calls) or "none"))
    print("\nbiggest responses of the first view (median bytes on the wire over the runs):")
    sizes: dict[str, list[int]] = defaultdict(list)
    for r in runs:
        for label, b in r.responses:
            sizes[label].append(b)
    top = sorted(sizes.items(), key=lambda kv: -_med([float(b) for b in kv[1]]))[:15]
    for label, bs in top:
        print(f"  {int(_med([float(b) for b in bs])):>11,}  {label}")
    total_cb = _med(
        [
            float(sum(b for lab, b in r.responses if lab.startswith("callback")))
            for r in runs
            if r.n_requests
        ]
    )
    print(
        f"  (callbacks together: {total_cb:,.0f} B; everything else: {med_bytes - total_cb:,.0f} B)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--db-url", default=None)
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    ap.add_argument(
        "--threads", type=int, default=None, help="threads per worker (default: the server's, 2)"
    )
    ap.add_argument("--rev", default=None, help="serve this commit (default: the working tree)")
    ap.add_argument(
        "--gl",
        choices=sorted(GL_ARGS),
        default="swiftshader",
        help="WebGL on the CPU (tests/browser.py: GL_ARGS): Chromium's SwiftShader in its GPU "
        "process (default, as the tests), the same with the GPU process off "
        "(swiftshader-nogpu: software compositing), or Mesa's llvmpipe",
    )
    args = ap.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} not installed: run `make browser`")
    from playwright.sync_api import sync_playwright

    eng = bench_engine(args.db_url)
    (user,) = make_users(eng, ["command"], "bench-browser")
    print(
        f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        f"({os.cpu_count()} cores; other processes on the machine skew the figures)"
    )
    try:
        with (
            served(args.db_url, args.workers, rev=args.rev, threads=args.threads) as base,
            sync_playwright() as pw,
        ):
            print(
                f"server: sitaware serve at {base} (gunicorn, {args.workers} workers × "
                f"{args.threads or 'its default'} threads), {describe(args.rev)}, "
                f"database sitaware_bench, user {user[0]} (role command)"
            )
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), args=chromium_args(args.gl), headless=True
            )
            probe = browser.new_page()
            print(f"WebGL renderer (--gl {args.gl}): {probe.evaluate(RENDERER_JS)}")
            probe.close()
            state = _sign_in(browser, base, user[0], user[1])
            n_relayout = _relayout_callbacks(base, state["cookies"])
            print(f"server callbacks fed by home-moved.data (a pan/zoom): {n_relayout}")
            runs = []
            for i in range(args.runs):
                runs.append(one_run(browser, base, state, n_relayout))
                r = runs[-1]
                print(
                    f"  run {i + 1}: map ready {r.map_ready_ms:.0f} ms, settled "
                    f"{r.settled_ms:.0f} ms, {r.bytes_first_view:,} B, wheel "
                    f"{r.wheel_ms:.0f} ms ({r.wheel_moved_ms:.0f} from its end), drag "
                    f"{r.drag_ms:.0f} ms ({r.drag_moved_ms:.0f}); data changed: wheel "
                    f"{'yes' if r.wheel_changed else 'NO'}, drag "
                    f"{'yes' if r.drag_changed else 'NO'}"
                    + (f" — FAILED: {r.failure}" if r.failure else ""),
                    flush=True,
                )
            browser.close()
    finally:
        remove_users(eng, [user[0]])
        eng.dispose()
    report(runs, args.workers, args.threads or "the server's default")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
