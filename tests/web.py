"""Helpers for HTTP-level tests: users per role, signing in, calling Dash callbacks."""

from __future__ import annotations

import secrets
from typing import Any

import dash
from flask.testing import FlaskClient
from sqlalchemy import Connection, text

from geodata import accounts

ORIGIN = {"Origin": "http://localhost"}
ROLES = ("admin", "command", "planner", "field")


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
    app: dash.Dash, key: str, values: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A request body for the callback ``key`` with plausible input values."""
    entry = app.callback_map[key]
    values = values or {}
    defaults = {
        "lang": "th",
        "home-province": "10",
        "home-level": "district",
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
        "changedPropIds": [],
    }


def post_callback(
    client: FlaskClient, app: dash.Dash, key: str, values: dict[str, Any] | None = None
) -> Any:
    """Call a Dash callback over HTTP as the browser does."""
    return client.post(
        "/_dash-update-component", json=callback_payload(app, key, values), headers=ORIGIN
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
