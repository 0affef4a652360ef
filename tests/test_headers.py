"""Every response of every route, signed in or not, carries the security headers."""

from __future__ import annotations

from typing import Any

import dash
from sqlalchemy import Connection

from tests.web import ORIGIN, all_probes, insert_tip, login, make_user

REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _check(resp: Any, label: str, https: bool) -> list[str]:
    problems = []
    for name, value in REQUIRED.items():
        if resp.headers.get(name) != value:
            problems.append(f"{label}: {name}={resp.headers.get(name)!r}")
    csp = resp.headers.get("Content-Security-Policy", "")
    for directive in (
        "default-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ):
        if directive not in csp:
            problems.append(f"{label}: CSP lacks {directive}")
    if "script-src" not in csp or "'unsafe-inline'" in csp.split("script-src")[1].split(";")[0]:
        problems.append(f"{label}: script-src missing or allows inline scripts")
    hsts = resp.headers.get("Strict-Transport-Security")
    if https and not (hsts and "max-age=" in hsts):
        problems.append(f"{label}: no HSTS over https")
    if not https and hsts:
        problems.append(f"{label}: HSTS over plain http")
    return problems


def test_headers_on_every_route(app_on_conn: dash.Dash, conn: Connection) -> None:
    tip_id = insert_tip(conn, text_="x", reporter_hash="y")
    problems: list[str] = []
    for https in (False, True):
        base = "https://localhost" if https else "http://localhost"
        anonymous = app_on_conn.server.test_client()
        signed = app_on_conn.server.test_client()
        user, password = make_user(conn, "admin")
        signed.post(
            "/login",
            data={"username": user, "password": password},
            headers={"Origin": base},
            base_url=base,
        )
        probes = all_probes(app_on_conn, signed, tip_id)
        for who, client in (("anonymous", anonymous), ("admin", signed)):
            for probe in probes:
                resp = client.open(
                    probe.path,
                    method=probe.method,
                    json=probe.json,
                    data=probe.data,
                    headers={"Origin": base},
                    base_url=base,
                )
                problems += _check(resp, f"{who} {probe.label} https={https}", https)
                resp.close()
        # errors too: 404, 405
        for path, method in (("/api/v1/nope", "GET"), ("/login", "PUT")):
            resp = anonymous.open(path, method=method, headers=ORIGIN, base_url=base)
            problems += _check(resp, f"{method} {path}", https)
    assert problems == []


def test_behind_a_trusted_proxy_https_is_recognised(app_on_conn: dash.Dash) -> None:
    from geodata.settings import Settings

    config = app_on_conn.server.config
    config["SITAWARE_SETTINGS"] = Settings(database_url="postgresql://unused/x", trust_proxy=True)
    resp = app_on_conn.server.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "max-age" in resp.headers["Strict-Transport-Security"]


def test_untrusted_forwarded_proto_is_ignored(app_on_conn: dash.Dash) -> None:
    resp = app_on_conn.server.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in resp.headers


def test_data_responses_are_not_cached(client: Any, conn: Connection) -> None:
    user, password = make_user(conn, "command")
    login(client, user, password)
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"
