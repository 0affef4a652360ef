"""Helpers for HTTP-level tests: users per role, signing in, calling Dash callbacks."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import dash
from flask.testing import FlaskClient
from sqlalchemy import Connection, text

from dashboard.auth import policy
from geodata import accounts
from geodata.roles import Cap

ORIGIN = {"Origin": "http://localhost"}
ROLES = ("admin", "command", "planner", "field")
SKIP_METHODS = {"HEAD", "OPTIONS"}


def make_user(bind: Any, role: str, prefix: str = "t") -> tuple[str, str]:
    """A new user with ``role``; returns (username, password)."""
    username = f"{prefix}-{role}-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    accounts.add_user(bind, username, role, password)
    return username, password


def login(client: FlaskClient, username: str, password: str, **headers: str) -> Any:
    """POST /login like the form does; returns the response."""
    return client.post(
        "/login",
        data={"username": username, "password": password, "next": "/"},
        headers={**ORIGIN, **headers},
    )


def session_cookie(client: FlaskClient) -> str | None:
    """The session cookie the client holds, if any."""
    cookie = client.get_cookie("sitaware_session")
    return cookie.value if cookie is not None else None


def callback_payload(
    app: dash.Dash, key: str, values: dict[str, Any] | None = None, changed: str | None = None
) -> dict[str, Any]:
    """A request body for the callback ``key`` with plausible input values (``values`` by
    component id); ``changed`` ("id.property") is the input that triggered it."""
    entry = app.callback_map[key]
    values = values or {}
    defaults = {
        "lang": "th",
        "home-province": "10",
        "home-level": "district",
        "home-query": {"level": "district", "province": "10", "window": "30d"},
        "_pages_location": "/",
    }

    def _input(i: dict[str, Any]) -> dict[str, Any]:
        cid = i["id"]
        value = values.get(cid, defaults.get(cid) if isinstance(cid, str) else None)
        if cid == "_pages_location" and i["property"] == "search":
            value = ""
        return {"id": cid, "property": i["property"], "value": value}

    outputs = key.strip(".").split("...") if key.startswith("..") else [key]
    return {
        "output": key,
        "outputs": [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]} for o in outputs]
        if key.startswith("..")
        else {"id": key.rsplit(".", 1)[0], "property": key.rsplit(".", 1)[1]},
        "inputs": [_input(i) for i in entry["inputs"]],
        "state": [_input(s) for s in entry.get("state", [])],
        "changedPropIds": [changed] if changed else [],
    }


def post_callback(
    client: FlaskClient,
    app: dash.Dash,
    key: str,
    values: dict[str, Any] | None = None,
    changed: str | None = None,
) -> Any:
    """Call a Dash callback over HTTP as the browser does."""
    return client.post(
        "/_dash-update-component",
        json=callback_payload(app, key, values, changed),
        headers=ORIGIN,
    )


def callback_key(app: dash.Dash, marker: str) -> str:
    """The callback_map key that contains ``marker``."""
    return next(k for k in app.callback_map if marker in k)


def insert_tip(
    conn: Connection,
    *,
    text_: str,
    reporter_hash: str,
    subdistrict: str = "100101",
    lon: float = 100.4913,
    lat: float = 13.7500,
    category: str = "suspicious_object",
) -> int:
    """A tip in the test transaction; returns its id."""
    return int(
        conn.execute(
            text(
                "INSERT INTO tip (source, source_id, geom, geo_precision, geo_confidence,"
                " province_code, district_code, subdistrict_code, reported_at, channel, category,"
                " text, reliability, reporter_hash)"
                " VALUES ('test', :sid, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'point', 1,"
                " left(:sub, 2), left(:sub, 4), :sub, now(), 'hotline', :cat, :txt, 'B2', :rh)"
                " RETURNING id"
            ),
            {
                "sid": secrets.token_hex(6),
                "lon": lon,
                "lat": lat,
                "sub": subdistrict,
                "cat": category,
                "txt": text_,
                "rh": reporter_hash,
            },
        ).scalar_one()
    )


@dataclass(frozen=True)
class Probe:
    """One request of the matrix."""

    label: str
    method: str
    path: str
    cap: Cap | None  # None: must be refused for everyone
    json: dict[str, Any] | None = None
    data: dict[str, str] | None = None


def policy_of(app: dash.Dash) -> policy.Policy:
    pol: policy.Policy = app.server.config["SITAWARE_POLICY"]
    return pol


def component_suite_path(client: Any) -> str:
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'src="(/_dash-component-suites/[^"]+)"', html)
    assert match, "no component suite script in the index page"
    return match.group(1)


def all_probes(app: dash.Dash, admin_client: Any, tip_id: int) -> list[Probe]:
    """One request per route and method, and one per callback, plus a forged callback."""
    samples = {
        "filename": "sitaware.css", "path": "some/page", "tip_id": str(tip_id),
        "level": "province", "prefix": "all", "group": "outline_reference",
    }  # fmt: skip
    suite = component_suite_path(admin_client)
    probes: list[Probe] = []
    for rule in app.server.url_map.iter_rules():
        cap = policy_of(app).routes[rule.endpoint]
        if rule.endpoint.startswith("/_dash-component-suites"):
            path = suite
        else:
            path = rule.rule
            for arg in rule.arguments:
                path = re.sub(rf"<(?:[a-z]+:)?{arg}>", samples[arg], path)
        for method in sorted(rule.methods - SKIP_METHODS):
            if rule.rule == "/_dash-update-component":
                continue  # probed per callback below
            data = (
                {"username": "nobody", "password": "x"}
                if rule.endpoint == "auth.login_post"
                else None
            )
            probes.append(Probe(f"{method} {rule.rule}", method, path, cap, data=data))
    for key in app.callback_map:
        probes.append(
            Probe(
                f"callback {key}",
                "POST",
                "/_dash-update-component",
                policy_of(app).callbacks.get(key),
                json=callback_payload(app, key),
            )
        )
    forged = callback_payload(app, next(iter(policy_of(app).callbacks)))
    forged["output"] = "no-such-component.children"
    probes.append(
        Probe("callback forged output", "POST", "/_dash-update-component", None, json=forged)
    )
    # logout ends the session: probe it last
    probes.sort(key=lambda p: p.path == "/logout")
    return probes


def send(client: Any, probe: Probe) -> Any:
    return client.open(
        probe.path, method=probe.method, json=probe.json, data=probe.data, headers=ORIGIN
    )
