"""Load benchmark: 50 concurrent simulated users of the map page against the production server
(``sitaware serve``: gunicorn, 2 workers × 2 threads by default) on the bench database
(1,000,000 tips and 100,000 venues of bench/map.py), loopback only, for a bounded time.

    .venv/bin/python bench/users.py [--users 50] [--duration 60] [--workers 2] [--threads 2]
                                    [--poll]
                                    [--seed 1] [--db-url URL] [--rev HEAD]

50 users of roles command / planner / field are created for the run, each signs in through
``POST /login`` (its own session cookie), and all are removed at the end. Each simulated user
then loops over actions, with a think time of 0.5–2 s (uniform; ``--think 3,10`` for a calmer
room) between them:

* **map**: pick another province (any of the 77, or the whole country) — or, one time in
  five, another level (province / district / subdistrict);
* **time**: pick another time window (1 h, 24 h, 7 days, 30 days, all);
* **proximity**: click a random point of Bangkok (where the bench rows are) — or, one time in
  three once a centre is set, another radius;
* **pan**: a pan/zoom of the map, one time in ten: the view the page's script writes into
  ``home-moved.data`` at the end of a move (centre, zoom and the corners of a 938 × 810 px
  map at that zoom, as MapLibre reports them).

An action is played as dash-renderer plays it: the callbacks whose inputs changed are found in
the live app's ``GET /_dash-dependencies`` (nothing here lists them by hand), sent together
(``POST /_dash-update-component``), and the callbacks fed by their outputs follow, wave after
wave. As in dash-renderer (``getReadyCallbacks``), a fired callback that reads (as an input or a
state) a prop another pending callback will write waits for it and is then sent once with both
changes: the page's panels read the map's key, so they go after the map, once. (Until
2026-11-26 this bench sent them with the map and again after it: about five requests per
action that no browser sends.) Each request's latency (send → body read) is recorded; an error
is a status other than 200/204, a 200 whose body is not a Dash response, or a timeout (120 s).
The kind of a request is taken from its callback's outputs (``KIND_BY_OUTPUT``). Clientside
callbacks (the controls' store, the proximity and trend filters) run here as ports of their
JavaScript (``CLIENTSIDE``), without a request, as a browser runs them.

``--poll`` adds what an open page also does: the live poll (``GET /api/v1/tips/marker``, a
plain request from the page's script) once a second per user, and the redraws a changed
marker triggers. Without it the load is the interactive mix only.

The load generator runs on the same machine (2 cores) as the server and PostgreSQL: its CPU
time is printed beside the machine's.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import Engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._serve import bench_engine, describe, make_users, remove_users, served  # noqa: E402

ROLES = ("command", "planner", "field")
# Which callbacks count as which kind, by the outputs they write (a substring of the callback's
# output key; first match wins). Anything else is "other" (venue list, labels, drill-down, poll).
KIND_BY_OUTPUT: dict[str, tuple[str, ...]] = {
    "map": ("home-map.figure", "home-view.data"),
    "proximity": ("home-near.data", "home-near-result.children"),
    "time-filter": ("home-tips.children", "home-trend.figure", "home-hotspots.children"),
}
KINDS = (*KIND_BY_OUTPUT, "other")
# The inputs each action changes (component id and property as the page declares them)
PROVINCE, LEVEL, WINDOW = "home-province.value", "home-level.value", "home-window.value"
# a pan/zoom: the view the page's script writes at the end of a move
CLICK, RADIUS, RELAYOUT = "home-map.clickData", "home-near-radius.value", "home-moved.data"
# the live poll: a plain GET from the page's script (not a Dash callback); when the marker
# changes, the script writes it into this prop and the callbacks reading it follow
POLL_URL, MARKER = "/api/v1/tips/marker", "home-marker.data"
WINDOWS = ("1h", "24h", "7d", "30d", "all")
LEVELS = ("province", "district", "subdistrict")
ACTION_WEIGHTS = {"map": 3, "time": 3, "proximity": 3, "pan": 1}
BANGKOK = (100.35, 13.55, 100.85, 13.95)  # min lon, min lat, max lon, max lat of the bench rows
THINK_S = [0.5, 2.0]  # seconds between a user's actions (uniform); --think changes it
TIMEOUT_S = 120
MAX_WAVES = 4


def kind_of(output: str) -> str:
    """The kind of a callback from its output key."""
    for kind, outputs in KIND_BY_OUTPUT.items():
        if any(o in output for o in outputs):
            return kind
    return "other"


@dataclass
class Sample:
    """One callback request."""

    output: str
    kind: str
    action: str
    t_start: float
    ms: float
    status: int
    error: str | None
    size: int
    retried: bool = False


@dataclass
class Log:
    """Every request and action of the run, shared by the user threads."""

    samples: list[Sample] = field(default_factory=list)
    actions: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, s: Sample) -> None:
        with self.lock:
            self.samples.append(s)

    def action(self, name: str, ms: float) -> None:
        with self.lock:
            self.actions[name].append(ms)


def _collect(values: list[Any]) -> list[Any]:
    """dashboard/assets/sitaware-map.js ``collect``: the map page's controls in one store."""
    level, province, win, start, end, play, cats, layers, era, statuses, grades = values
    store = {
        "level": level, "province": province, "window": win, "start": start, "end": end,
        "play": play, "categories": cats, "layers": layers, "era": era, "statuses": statuses,
        "grades": grades,
    }  # fmt: skip
    return [store, {"display": "block" if win == "custom" else "none"}]


def _moved(values: list[Any]) -> list[Any]:
    """``moved``, in revisions before 2026-11-26 (session 7; ``--rev``): a relayout that carries
    a zoom, else nothing. The page's script now writes ``home-moved.data`` itself."""
    relayout = values[0]
    return [relayout if isinstance(relayout, dict) and "map.zoom" in relayout else NO_UPDATE]


def _near_query(values: list[Any]) -> list[Any]:
    """``nearQuery``: the page's query for the proximity list, only while a centre is set."""
    query, near = values
    return [query if isinstance(near, dict) else NO_UPDATE]


def _trend_range(values: list[Any]) -> list[Any]:
    """``trendRange``: a drag across the trend chart's days, else nothing."""
    relayout = values[0]
    return [relayout if isinstance(relayout, dict) and "xaxis.range[0]" in relayout else NO_UPDATE]


def _shown(values: list[Any]) -> list[Any]:
    """``shown``: the map's key once the page's first map is drawn (a simulated page draws
    nothing: at once)."""
    return [values[0]]


NO_UPDATE = object()
MAP_PX = (938, 810)  # the map's canvas on a 1400 × 1000 window (bench/browser.py)


def map_view(lon: float, lat: float, zoom: float) -> dict[str, Any]:
    """What ``dashboard/assets/sitaware-map.js`` (``viewOf``) writes for a map centred at
    ``lon, lat`` at MapLibre zoom ``zoom``: centre, zoom and the corners (Web Mercator, 512 px
    tiles), in the shape of plotly's relayout."""
    scale = 512 * 2**zoom
    cx = (lon + 180) / 360 * scale
    cy = 1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi
    cy *= scale / 2

    def lonlat(x: float, y: float) -> list[float]:
        lat_ = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / scale))))
        return [x / scale * 360 - 180, lat_]

    w, h = MAP_PX[0] / 2, MAP_PX[1] / 2
    west_north, east_south = lonlat(cx - w, cy - h), lonlat(cx + w, cy + h)
    corners = [
        west_north,
        [east_south[0], west_north[1]],
        east_south,
        [west_north[0], east_south[1]],
    ]
    return {
        "map.center": {"lon": lon, "lat": lat},
        "map.zoom": zoom,
        "map._derived": {"coordinates": corners},
    }


# The page's clientside callbacks, ported: a browser runs them without a request, and their
# outputs fire server callbacks. One without a port stops the bench (it would miss requests).
CLIENTSIDE: dict[str, Any] = {
    "moved": _moved,
    "collect": _collect,
    "nearQuery": _near_query,
    "trendRange": _trend_range,
    "shown": _shown,
}


def _unported(dep: dict[str, Any]) -> bool:
    fn = dep.get("clientside_function")
    return bool(fn) and fn.get("function_name") not in CLIENTSIDE


class Callbacks:
    """The app's callbacks (``GET /_dash-dependencies``), indexed by the inputs that fire them."""

    def __init__(self, deps: list[dict[str, Any]]) -> None:
        self.by_input: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.read: set[str] = set()  # every prop a callback reads (input or state)
        unported = [d for d in deps if _unported(d)]
        deps = [d for d in deps if not _unported(d)]
        for d in deps:
            for i in d["inputs"]:
                self.by_input[f"{i['id']}.{i['property']}"].append(d)
            for i in [*d["inputs"], *d.get("state", [])]:
                self.read.add(f"{i['id']}.{i['property']}")
        for d in unported:  # e.g. Dash's own page-title callback: harmless unless it feeds ours
            if any(p in self.read for p in _props_of(d["output"])):
                sys.exit(f"clientside callback {d['output']} feeds server callbacks and has no "
                         "port in bench/users.py CLIENTSIDE")  # fmt: skip

    def fired_by(self, props: list[str]) -> list[dict[str, Any]]:
        """Callbacks that any of ``props`` triggers, each once."""
        seen: dict[str, dict[str, Any]] = {}
        for p in props:
            for d in self.by_input.get(p, []):
                seen.setdefault(d["output"], d)
        return list(seen.values())

    def ready(self, pending: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The pending callbacks dash-renderer sends now: those that read (as an input or a
        state) no prop that another pending callback writes. (Its ``getReadyCallbacks``; all of
        them when every one waits for another, which a valid app never does.)"""
        writes = {id(d): set(_props_of(d["output"])) for d in pending}
        ready = [
            d
            for d in pending
            if not any(
                f"{i['id']}.{i['property']}" in w
                for other, w in writes.items()
                if other != id(d)
                for i in [*d["inputs"], *d.get("state", [])]
            )
        ]
        return ready or pending

    def has_input(self, prop: str) -> bool:
        return prop in self.by_input

    def is_read(self, prop: str) -> bool:
        """Read by some callback, as an input or a state (a browser keeps it for the next)."""
        return prop in self.read


def _props_of(key: str) -> list[str]:
    """The ``id.property`` keys a callback writes, from its output key."""
    return [f"{cid}.{prop}" for cid, prop in _outputs(key)]


def _outputs(key: str) -> list[tuple[str, str]]:
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    return [tuple(p.rsplit(".", 1)) for p in parts]  # type: ignore[misc]


def payload(dep: dict[str, Any], state: dict[str, Any], changed: list[str]) -> dict[str, Any]:
    """The request body dash-renderer sends for callback ``dep`` with the page's ``state``."""

    def entry(i: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": i["id"],
            "property": i["property"],
            "value": state.get(f"{i['id']}.{i['property']}"),
        }

    outs = [{"id": o, "property": p} for o, p in _outputs(dep["output"])]
    return {
        "output": dep["output"],
        "outputs": outs if dep["output"].startswith("..") else outs[0],
        "inputs": [entry(i) for i in dep["inputs"]],
        "state": [entry(s) for s in dep.get("state", [])],
        "changedPropIds": [
            p for p in changed if any(f"{i['id']}.{i['property']}" == p for i in dep["inputs"])
        ],
    }


@dataclass
class User:
    """One simulated person: a signed-in session and the values of the page's components."""

    name: str
    role: str
    session: requests.Session
    state: dict[str, Any]
    rng: random.Random
    fetched: set[str] = field(default_factory=set)  # outline files the page holds


class Simulation:
    """Plays the users' actions against the server and records every request."""

    def __init__(self, base: str, callbacks: Callbacks, provinces: list[str], log: Log) -> None:
        self.base = base
        self.cb = callbacks
        self.provinces = provinces
        self.log = log
        self.pool = ThreadPoolExecutor(max_workers=400)
        self.stop = threading.Event()

    def call(
        self, user: User, dep: dict[str, Any], changed: list[str], action: str
    ) -> dict[str, Any]:
        """One callback request; returns the props it set (only those other callbacks read)."""
        body = payload(dep, user.state, changed)
        t0 = time.perf_counter()
        status, error, size = 0, None, 0
        updates: dict[str, Any] = {}
        outlines: list[str] = []
        retried = False
        try:
            try:
                r = self._post(user, body)
            except requests.ConnectionError:
                # gunicorn closes an idle keep-alive connection (2 s) as the next request goes
                # out on it; a browser then sends the request again on a new connection: so do we
                # (counted; a second failure is an error)
                retried = True
                r = self._post(user, body)
            status, size = r.status_code, len(r.content)
            if status == 200:
                try:
                    resp = r.json()["response"]
                except (ValueError, KeyError, TypeError):
                    error = "200 without a Dash response: " + r.text[:120]
                else:
                    updates = self._updates(resp)
                    outlines = self._outline_urls(user, resp)
            elif status != 204:  # 204: the callback chose not to update (PreventUpdate)
                error = f"HTTP {status}: {r.text[:160]!r}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"[:200]
        ms = (time.perf_counter() - t0) * 1000
        kind = kind_of(dep["output"])
        self.log.add(Sample(dep["output"], kind, action, t0, ms, status, error, size, retried))
        for url in outlines:
            self.get_outline(user, url, action)
        return updates

    def _outline_urls(self, user: User, resp: dict[str, Any]) -> list[str]:
        """The admin outline files a map figure names by URL that this page has not fetched
        yet: plotly fetches each once per page (and the browser keeps it)."""
        fig = resp.get("home-map", {}).get("figure")
        if not isinstance(fig, dict) or not isinstance(fig.get("data"), list):
            return []  # a Patch, or no map
        urls = [tr["geojson"] for tr in fig["data"] if isinstance(tr.get("geojson"), str)]
        return [u for u in dict.fromkeys(urls) if u not in user.fetched]

    def get_outline(self, user: User, url: str, action: str) -> None:
        """One outline file, as plotly fetches it (recorded as a "map" request)."""
        t0 = time.perf_counter()
        status, error, size, retried = 0, None, 0, False
        try:
            r, retried = self._get(user, url)
            status, size = r.status_code, len(r.content)
            if status == 200:
                user.fetched.add(url)
            else:
                error = f"HTTP {status}: {r.text[:160]!r}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"[:200]
        ms = (time.perf_counter() - t0) * 1000
        self.log.add(
            Sample("map outlines (GET)", "map", action, t0, ms, status, error, size, retried)
        )

    def _get(self, user: User, path: str) -> tuple[requests.Response, bool]:
        """A GET, sent once more on a new connection when the kept-alive one was reset (as a
        browser does for a request that changes nothing); (response, whether it was resent)."""
        try:
            return user.session.get(self.base + path, timeout=TIMEOUT_S), False
        except requests.ConnectionError:
            return user.session.get(self.base + path, timeout=TIMEOUT_S), True

    def _post(self, user: User, body: dict[str, Any]) -> requests.Response:
        return user.session.post(
            self.base + "/_dash-update-component",
            json=body,
            headers={"Origin": self.base},
            timeout=TIMEOUT_S,
        )

    def _updates(self, resp: dict[str, Any]) -> dict[str, Any]:
        """The props of a Dash response that callbacks read as inputs or states (the map's
        figure is dropped: nothing reads it)."""
        return {
            f"{cid}.{prop}": value
            for cid, props in resp.items()
            for prop, value in props.items()
            if self.cb.is_read(f"{cid}.{prop}")
        }

    def play(self, user: User, action: str, changed: dict[str, Any]) -> None:
        """Set ``changed`` and send the callbacks it fires, then those their outputs fire, in
        the order dash-renderer sends them: a fired callback waits while another pending one
        will write a prop it reads (an input or a state), and is then sent once, with the
        changes of both (``Callbacks.ready``)."""
        t0 = time.perf_counter()
        user.state.update(changed)
        pending: dict[str, tuple[dict[str, Any], list[str]]] = {}
        self._fire(pending, list(changed))
        for _ in range(MAX_WAVES):
            if not pending:
                break
            wave = self.cb.ready([d for d, _ in pending.values()])
            sent = [(d, pending.pop(d["output"])[1]) for d in wave]
            futures = [
                self.pool.submit(self.call, user, d, props, action)
                for d, props in sent
                if not d.get("clientside_function")
            ]
            updates: dict[str, Any] = {}
            for d, _ in sent:  # in the browser: no request
                if d.get("clientside_function"):
                    updates.update(self._run_clientside(user, d))
            for f in futures:
                updates.update(f.result())
            updates = {k: v for k, v in updates.items() if user.state.get(k) != v}
            user.state.update(updates)
            self._fire(pending, [k for k in updates if self.cb.has_input(k)])
        self.log.action(action, (time.perf_counter() - t0) * 1000)

    def _run_clientside(self, user: User, dep: dict[str, Any]) -> dict[str, Any]:
        """What a clientside callback sets, computed by its port."""
        port = CLIENTSIDE[dep["clientside_function"]["function_name"]]
        deps = [*dep["inputs"], *dep.get("state", [])]
        values = [user.state.get(f"{i['id']}.{i['property']}") for i in deps]
        keys = _props_of(dep["output"])
        return {k: v for k, v in zip(keys, port(values), strict=True) if v is not NO_UPDATE}

    def _fire(self, pending: dict[str, tuple[dict[str, Any], list[str]]], props: list[str]) -> None:
        """Add the callbacks ``props`` fire to ``pending`` (one already waiting gets the new
        changes as well, as dash-renderer merges them)."""
        for d in self.cb.fired_by(props):
            _, had = pending.get(d["output"], (d, []))
            pending[d["output"]] = (d, [*had, *(p for p in props if p not in had)])

    def next_action(self, user: User) -> tuple[str, dict[str, Any]]:
        rng = user.rng
        while True:
            action = rng.choices(list(ACTION_WEIGHTS), weights=list(ACTION_WEIGHTS.values()))[0]
            if action == "map":
                if rng.random() < 0.2:
                    return action, {LEVEL: rng.choice(LEVELS)}
                return action, {PROVINCE: rng.choice(["", *self.provinces])}
            if action == "time":
                return action, {WINDOW: rng.choice(WINDOWS)}
            if action == "proximity":
                if user.state.get("home-near.data") and rng.random() < 1 / 3:
                    return action, {RADIUS: rng.randrange(100, 5001, 100)}
                lon = rng.uniform(BANGKOK[0], BANGKOK[2])
                lat = rng.uniform(BANGKOK[1], BANGKOK[3])
                click = {"points": [{"curveNumber": 0, "pointNumber": 0, "lon": lon, "lat": lat}]}
                return action, {CLICK: click}
            if action == "pan" and self.cb.has_input(RELAYOUT):
                zoom = rng.uniform(6, 14)
                lon, lat = rng.uniform(99, 102), rng.uniform(12.5, 15)
                return action, {RELAYOUT: map_view(lon, lat, zoom)}

    def user_loop(self, user: User, deadline: float) -> None:
        rng = user.rng
        time.sleep(rng.uniform(0, THINK_S[1]))  # people do not all click at once
        while time.perf_counter() < deadline and not self.stop.is_set():
            action, changed = self.next_action(user)
            self.play(user, action, changed)
            time.sleep(rng.uniform(*THINK_S))

    def poll_loop(self, user: User, deadline: float) -> None:
        """The live poll of an open page (``assets/sitaware-map.js``: ``live``): a GET once a
        second, and, when the marker changed, the redraws it triggers."""
        time.sleep(user.rng.uniform(0, 1))
        while time.perf_counter() < deadline and not self.stop.is_set():
            t0 = time.perf_counter()
            marker = self.poll(user)
            if user.state.get(MARKER) is None:
                user.state[MARKER] = marker
            elif marker is not None and marker != user.state.get(MARKER):
                self.play(user, "live poll", {MARKER: marker})
            time.sleep(max(0.0, 1.0 - (time.perf_counter() - t0)))

    def poll(self, user: User) -> str | None:
        """One GET of the marker, recorded as a request of kind "other"."""
        t0 = time.perf_counter()
        status, error, size, marker, retried = 0, None, 0, None, False
        try:
            r, retried = self._get(user, POLL_URL)
            status, size = r.status_code, len(r.content)
            if status == 200:
                marker = r.json().get("marker")
            else:
                error = f"HTTP {status}: {r.text[:160]!r}"
        except (requests.RequestException, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:200]
        ms = (time.perf_counter() - t0) * 1000
        self.log.add(Sample(POLL_URL, "other", "live poll", t0, ms, status, error, size, retried))
        return str(marker) if marker is not None else None


def sign_in(base: str, name: str, password: str, role: str, seed: int) -> User:
    """A session through ``POST /login``, as the login form sends it."""
    s = requests.Session()
    s.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=8))
    r = s.post(
        base + "/login",
        data={"username": name, "password": password, "next": "/"},
        headers={"Origin": base},
        allow_redirects=False,
        timeout=60,
    )
    if r.status_code != 303 or not s.cookies:
        sys.exit(f"sign-in of {name} failed: HTTP {r.status_code} {r.text[:200]!r}")
    rng = random.Random(seed)  # noqa: S311 - a simulation, not a secret
    state = {
        "lang.value": rng.choice(["th", "en"]),
        "_pages_location.pathname": "/",
        "_pages_location.search": "",
        LEVEL: "province",
        PROVINCE: "10",
        WINDOW: "30d",
        RADIUS: 500,
        "home-near-go.n_clicks": 0,
        MARKER: None,  # the page's first view holds the marker; the first poll reads it
    }
    return User(name, role, s, state, rng)


def provinces(eng: Engine) -> list[str]:
    with eng.connect() as c:
        rows = c.execute(text("SELECT code FROM admin_area WHERE level = 'province' ORDER BY code"))
        return [r[0] for r in rows]


def _cpu_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine since boot."""
    with open("/proc/stat") as f:
        vals = [float(v) for v in f.readline().split()[1:]]
    idle = vals[3] + vals[4]
    return sum(vals) - idle, sum(vals)


def pct(xs: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, int(-(-q * len(s) // 100)) - 1))]


def _row(label: str, xs: list[float], errors: int, width: int = 28) -> str:
    return (
        f"  {label:<{width}} {len(xs):>6} {pct(xs, 50):>8.0f} {pct(xs, 95):>8.0f} "
        f"{pct(xs, 99):>8.0f} {max(xs) if xs else float('nan'):>8.0f} {errors:>6}"
    )


def report(log: Log, elapsed_s: float, args: argparse.Namespace, cpu: dict[str, float]) -> None:
    """Per-kind, per-callback and per-action latency, request rate and errors."""
    samples = log.samples
    head = f"  {'':<28} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'errors':>6}"
    print(f"\nlatency per request, ms (send → body read), by kind of callback ({KIND_BY_OUTPUT}):")
    print(head)
    for kind in KINDS:
        ks = [s for s in samples if s.kind == kind]
        if ks:
            print(_row(kind, [s.ms for s in ks], sum(s.error is not None for s in ks)))
    all_ms = [s.ms for s in samples]
    n_err = sum(s.error is not None for s in samples)
    print(_row("overall", all_ms, n_err))
    print("\nby callback (output):")
    print(head)
    per: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        per[s.output].append(s)
    for out, ss in sorted(per.items(), key=lambda kv: -pct([s.ms for s in kv[1]], 95)):
        label = out.strip(".").split("...")[0][:28]
        print(_row(label, [s.ms for s in ss], sum(s.error is not None for s in ss)))
    print("\nper action (the whole cascade of callbacks a user's change sends), ms:")
    print(f"  {'':<28} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}")
    for action, ms in sorted(log.actions.items()):
        print(_row(action, ms, 0)[:-7])
    sizes = [s.size for s in samples if s.kind == "map" and "home-map.figure" in s.output]
    if sizes:
        med = statistics.median(sizes)
        print(f"\nmap figure responses: median {med:,.0f} B, max {max(sizes):,} B")
    rate = len(samples) / elapsed_s
    n_actions = sum(len(v) for v in log.actions.values())
    print(
        f"\n{len(samples)} requests in {elapsed_s:.1f} s: {rate:.1f} requests/s "
        f"({n_actions} actions); errors: {n_err}"
    )
    n_retried = sum(s.retried for s in samples)
    n_again = sum(s.retried and s.error is not None for s in samples)
    print(
        f"connection resets retried once on a new connection (as a browser does): {n_retried}"
        f", of which failed again (errors): {n_again}"
    )
    for s in [s for s in samples if s.error][:8]:
        print(f"  error: {s.output[:60]} after {s.ms:.0f} ms: {s.error}")
    p95 = pct(all_ms, 95)
    print(
        f"target: p95 ≤ 300 ms and 0 errors with {args.users} users: p95 {p95:.0f} ms, "
        f"{n_err} errors → {'OK' if p95 <= 300 and n_err == 0 else 'MISSED'}"
    )
    print(
        f"CPU: the machine ({os.cpu_count()} cores) was {cpu['machine']:.0%} busy during the run; "
        f"this load generator used {cpu['client_s']:.1f} CPU-s ({cpu['client']:.0%} of the "
        f"machine). It shares the cores with gunicorn, PostgreSQL and anything else running."
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    ap.add_argument(
        "--threads", type=int, default=None, help="threads per worker (default: the server's, 2)"
    )
    ap.add_argument("--poll", action="store_true", help="also the live poll, 1/s per user")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--think",
        default="0.5,2",
        help="think time between a user's actions, 'min,max' seconds (default 0.5,2)",
    )
    ap.add_argument("--db-url", default=None)
    ap.add_argument("--rev", default=None, help="serve this commit (default: the working tree)")
    args = ap.parse_args()
    THINK_S[:] = [float(v) for v in args.think.split(",", 1)]

    eng = bench_engine(args.db_url)
    made = make_users(eng, [ROLES[i % len(ROLES)] for i in range(args.users)], "bench-users")
    print(
        f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        f"({os.cpu_count()} cores; other processes on the machine skew the figures)"
    )
    log = Log()
    try:
        with served(args.db_url, args.workers, rev=args.rev, threads=args.threads) as base:
            print(
                f"server: sitaware serve at {base} (gunicorn, {args.workers} workers × "
                f"{args.threads or 'its default'} threads), "
                f"{describe(args.rev)}, database sitaware_bench"
            )
            users = [
                sign_in(base, n, p, r, args.seed * 1000 + i) for i, (n, p, r) in enumerate(made)
            ]
            deps = users[0].session.get(base + "/_dash-dependencies", timeout=60).json()
            cb = Callbacks(deps)
            for prop in (PROVINCE, WINDOW, CLICK):
                if not cb.has_input(prop):
                    sys.exit(f"no callback takes {prop} any more: update bench/users.py")
            sim = Simulation(base, cb, provinces(eng), log)
            by_role = ", ".join(f"{sum(u.role == r for u in users)} {r}" for r in ROLES)
            print(
                f"{len(users)} users signed in ({by_role}); "
                f"{len(deps)} callbacks in /_dash-dependencies; {args.duration:.0f} s of load"
                + (" with the live poll" if args.poll else ""),
                flush=True,
            )
            busy0, total0 = _cpu_busy()
            client0 = sum(os.times()[:2])
            t0 = time.perf_counter()
            deadline = t0 + args.duration
            threads = [threading.Thread(target=sim.user_loop, args=(u, deadline)) for u in users]
            if args.poll:
                threads += [
                    threading.Thread(target=sim.poll_loop, args=(u, deadline)) for u in users
                ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - t0
            busy1, total1 = _cpu_busy()
            client_s = sum(os.times()[:2]) - client0
            sim.pool.shutdown()
    finally:
        remove_users(eng, [n for n, _, _ in made])
        eng.dispose()
    cores = os.cpu_count() or 1
    cpu = {
        "machine": (busy1 - busy0) / max(1.0, total1 - total0),
        "client_s": client_s,
        "client": client_s / (elapsed * cores),
    }
    print(
        f"run ended after {elapsed:.1f} s (the actions started in the first "
        f"{args.duration:.0f} s ran to their end)"
    )
    report(log, elapsed, args, cpu)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
