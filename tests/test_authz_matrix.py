"""The role matrix: every route and every callback, for every role and anonymous, is allowed or
refused exactly as the declarative table (geodata.roles) says; no tip text, reporter field or
tip record reaches a role that may not see it."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import dash
import pytest
from sqlalchemy import Connection

from dashboard.auth import policy
from dashboard.auth.guard import DENIED_HEADER
from geodata.roles import ROLE_CAPABILITIES, Cap, Viewer
from tests.web import (
    ORIGIN,
    ROLES,
    all_probes,
    callback_payload,
    insert_tip,
    login,
    make_user,
    policy_of,
    send,
)


@dataclass(frozen=True)
class Secrets:
    tip_id: int
    text: str
    reporter_hash: str


@pytest.fixture
def secret_tip(conn: Connection) -> Secrets:
    text = f"SECRET-TIP-TEXT-{secrets.token_hex(6)}"
    reporter = f"REPORTER-HASH-{secrets.token_hex(6)}"
    tip_id = insert_tip(conn, text_=text, reporter_hash=reporter)
    return Secrets(tip_id, text, reporter)


@pytest.fixture
def clients(app_on_conn: dash.Dash, conn: Connection) -> dict[str, Any]:
    out: dict[str, Any] = {"anonymous": app_on_conn.server.test_client()}
    for role in ROLES:
        c = app_on_conn.server.test_client()
        user, password = make_user(conn, role)
        assert login(c, user, password).status_code == 303
        out[role] = c
    return out


def test_declared_table_is_complete() -> None:
    assert set(ROLE_CAPABILITIES) == set(ROLES)
    for caps in ROLE_CAPABILITIES.values():
        assert Cap.SIGNED_IN in caps and Cap.MAP_VIEW in caps
    assert Cap.TIPS_TEXT not in ROLE_CAPABILITIES["field"] | ROLE_CAPABILITIES["planner"]
    assert Cap.TIPS_RECORDS not in ROLE_CAPABILITIES["field"]


def test_no_undeclared_endpoints(dash_app: dash.Dash) -> None:
    rules = {r.endpoint for r in dash_app.server.url_map.iter_rules()}
    assert rules == set(policy_of(dash_app).routes)
    server_callbacks = {k for k, e in dash_app.callback_map.items() if "callback" in e}
    assert server_callbacks == set(policy_of(dash_app).callbacks)


def test_an_undeclared_callback_refuses_to_start() -> None:
    app = dash.Dash(__name__)
    app.layout = dash.html.Div([dash.html.Div(id="a"), dash.html.Div(id="b")])

    @app.callback(dash.Output("b", "children"), dash.Input("a", "children"))
    def undeclared(value: Any) -> Any:
        return value

    with pytest.raises(policy.UndeclaredEndpointError, match=r"callback b\.children"):
        policy.verify(app)


def test_role_matrix(app_on_conn: dash.Dash, clients: dict[str, Any], secret_tip: Secrets) -> None:
    probes = all_probes(app_on_conn, clients["admin"], secret_tip.tip_id)
    assert len(probes) > 15
    failures: list[str] = []
    for who, client in clients.items():
        viewer = Viewer.for_role(who, who) if who in ROLES else Viewer()
        for probe in probes:
            resp = send(client, probe)
            body = resp.get_data().decode("utf-8", "replace")
            resp.close()
            allowed = probe.cap is not None and viewer.can(probe.cap)
            denied = resp.headers.get(DENIED_HEADER) == "1"
            if allowed == denied:
                failures.append(
                    f"{who}: {probe.label} -> {resp.status_code} (expected "
                    f"{'allowed' if allowed else 'denied'})"
                )
            if denied and resp.status_code not in (401, 403):
                failures.append(f"{who}: {probe.label} denied with {resp.status_code}")
            if denied and ("Traceback" in body or secret_tip.text in body):
                failures.append(f"{who}: {probe.label} leaked in a refusal")
            if secret_tip.reporter_hash in body:
                failures.append(f"{who}: {probe.label} leaked a reporter field")
            if not viewer.can(Cap.TIPS_TEXT) and secret_tip.text in body:
                failures.append(f"{who}: {probe.label} leaked tip text")
            if not viewer.can(Cap.TIPS_RECORDS) and re.search(
                rf'"id"\s*:\s*{secret_tip.tip_id}\b', body
            ):
                failures.append(f"{who}: {probe.label} leaked a tip record")
            if resp.status_code >= 500:
                failures.append(f"{who}: {probe.label} -> {resp.status_code}")
    assert failures == []


def test_tip_endpoints_per_role(clients: dict[str, Any], secret_tip: Secrets) -> None:
    """The same tip through each endpoint: what each role receives."""
    list_url, detail_url = "/api/v1/tips?area=10", f"/api/v1/tips/{secret_tip.tip_id}"
    for who in ("anonymous", "field"):
        for url in (list_url, detail_url):
            resp = clients[who].get(url)
            assert resp.status_code == (401 if who == "anonymous" else 403)
            assert secret_tip.text not in resp.get_data(as_text=True)
        counts = clients[who].get("/api/v1/tips/counts?area=10")
        assert counts.status_code == (401 if who == "anonymous" else 200)
    field_counts = clients["field"].get("/api/v1/tips/counts?area=10").get_json()["counts"]
    assert {"category": "suspicious_object", "n": 1} in field_counts

    planner = clients["planner"].get(list_url).get_json()["tips"]
    mine = [t for t in planner if t["id"] == secret_tip.tip_id]
    assert mine and "text" not in mine[0] and "reporter_hash" not in mine[0]
    assert clients["planner"].get(detail_url).status_code == 403

    command = clients["command"].get(list_url).get_json()["tips"]
    assert any(t["text"] == secret_tip.text for t in command)
    detail = clients["command"].get(detail_url).get_json()
    assert detail["text"] == secret_tip.text
    assert "reporter_hash" not in detail


def test_field_home_tips_panel_shows_counts_only(
    app_on_conn: dash.Dash, clients: dict[str, Any], secret_tip: Secrets
) -> None:
    key = next(k for k in app_on_conn.callback_map if "home-tips" in k)
    field = clients["field"].post(
        "/_dash-update-component", json=callback_payload(app_on_conn, key), headers=ORIGIN
    )
    assert field.status_code == 200
    body = field.get_data(as_text=True)
    assert "suspicious_object" in body and secret_tip.text not in body
    command = clients["command"].post(
        "/_dash-update-component", json=callback_payload(app_on_conn, key), headers=ORIGIN
    )
    assert secret_tip.text in command.get_data(as_text=True)


@pytest.mark.parametrize("forged_area", ["'; SELECT 1; --", "10%", ["10"], {"x": 1}, "9" * 500])
def test_forged_callback_inputs_are_shaped_not_trusted(
    app_on_conn: dash.Dash, clients: dict[str, Any], secret_tip: Secrets, forged_area: Any
) -> None:
    key = next(k for k in app_on_conn.callback_map if "home-tips" in k)
    resp = clients["field"].post(
        "/_dash-update-component",
        json=callback_payload(app_on_conn, key, {"home-query": {"province": forged_area}}),
        headers=ORIGIN,
    )
    assert resp.status_code == 200
    assert secret_tip.text not in resp.get_data(as_text=True)


def test_cross_site_posts_are_refused(app_on_conn: dash.Dash, clients: dict[str, Any]) -> None:
    key = next(k for k in app_on_conn.callback_map if "home-tips" in k)
    payload = callback_payload(app_on_conn, key)
    for headers in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/x"}, {}):
        resp = clients["command"].post("/_dash-update-component", json=payload, headers=headers)
        assert resp.status_code == 403
        assert resp.headers.get(DENIED_HEADER) == "1"
    ok = clients["command"].post(
        "/_dash-update-component", json=payload, headers={"Referer": "http://localhost/"}
    )
    assert ok.status_code == 200


def test_bearer_tokens_act_with_the_users_role(
    app_on_conn: dash.Dash, conn: Connection, secret_tip: Secrets
) -> None:
    from geodata import accounts

    client = app_on_conn.server.test_client()
    user, _ = make_user(conn, "field")
    token, _info = accounts.create_token(conn, user)
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=auth).get_json()["role"] == "field"
    assert client.get("/api/v1/tips?area=10", headers=auth).status_code == 403
    assert client.get("/api/v1/tips/counts?area=10", headers=auth).status_code == 200
    accounts.revoke_token(conn, token)
    assert client.get("/api/v1/me", headers=auth).status_code == 401
    assert (
        client.get("/api/v1/me", headers={"Authorization": "Bearer sat_forged"}).status_code == 401
    )
    assert client.get("/api/v1/me", headers={"Authorization": "Basic eDp5"}).status_code == 401
