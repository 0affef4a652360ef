"""Sessions: idle and absolute time-outs, logout kills the session server-side, the id
changes at sign-in, lock after 5 failures (audited), per-address rate limit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash
import pytest
from sqlalchemy import Connection, text

from geodata import accounts, audit
from geodata.settings import Settings
from tests.web import ORIGIN, login, make_user, session_cookie


def _me(client: Any) -> int:
    return int(client.get("/api/v1/me").status_code)


@pytest.fixture
def user(conn: Connection) -> tuple[str, str]:
    return make_user(conn, "command")


def test_sign_in_sets_a_hardened_cookie(client: Any, user: tuple[str, str]) -> None:
    resp = login(client, *user)
    assert resp.status_code == 303
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert _me(client) == 200


def test_secure_flag_when_configured(app_on_conn: dash.Dash, user: tuple[str, str]) -> None:
    config = app_on_conn.server.config
    config["SITAWARE_SETTINGS"] = Settings(database_url="postgresql://unused/x", cookie_secure=True)
    resp = login(app_on_conn.server.test_client(), *user)
    assert "Secure" in resp.headers["Set-Cookie"]


def test_session_id_changes_at_every_sign_in(
    client: Any, conn: Connection, user: tuple[str, str]
) -> None:
    login(client, *user)
    first = session_cookie(client)
    login(client, *user)
    second = session_cookie(client)
    assert first and second and first != second
    # the pre-login session was revoked server-side, so replaying it fails
    other = client.application.test_client()
    other.set_cookie("sitaware_session", first)
    assert _me(other) == 401


def test_idle_timeout(client: Any, conn: Connection, user: tuple[str, str]) -> None:
    login(client, *user)
    assert _me(client) == 200
    conn.execute(
        text(
            "UPDATE app_session SET last_seen_at = now() - interval '31 minutes' WHERE id_hash = :h"
        ),
        {"h": accounts.sha256_hex(session_cookie(client) or "")},
    )
    resp = client.get("/api/v1/me")
    assert resp.status_code == 401
    assert "sitaware_session=;" in resp.headers.get("Set-Cookie", "")
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_idle_just_under_the_limit_is_fine(
    client: Any, conn: Connection, user: tuple[str, str]
) -> None:
    login(client, *user)
    conn.execute(
        text(
            "UPDATE app_session SET last_seen_at = now() - interval '29 minutes' WHERE id_hash = :h"
        ),
        {"h": accounts.sha256_hex(session_cookie(client) or "")},
    )
    assert _me(client) == 200


def test_absolute_timeout(client: Any, conn: Connection, user: tuple[str, str]) -> None:
    login(client, *user)
    conn.execute(
        text(
            "UPDATE app_session SET expires_at = now() - interval '1 second',"
            " created_at = now() - interval '12 hours' WHERE id_hash = :h"
        ),
        {"h": accounts.sha256_hex(session_cookie(client) or "")},
    )
    assert _me(client) == 401


def test_logout_kills_the_session_server_side(client: Any, user: tuple[str, str]) -> None:
    login(client, *user)
    cookie = session_cookie(client)
    resp = client.post("/logout", headers=ORIGIN)
    assert resp.status_code == 303
    replay = client.application.test_client()
    replay.set_cookie("sitaware_session", cookie or "")
    assert _me(replay) == 401


def test_logout_needs_a_same_origin_post(client: Any, user: tuple[str, str]) -> None:
    login(client, *user)
    client.get("/logout")  # a GET (e.g. an <img src>) reaches the page shell, never logout
    assert _me(client) == 200
    assert client.post("/logout", headers={"Origin": "https://evil.example"}).status_code == 403
    assert _me(client) == 200


def test_lock_after_five_failures_is_audited(
    client: Any, conn: Connection, user: tuple[str, str]
) -> None:
    username, password = user
    statuses = [login(client, username, "wrong-password-123").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 423]
    assert login(client, username, password).status_code == 423  # right password, still locked
    rows = [e for e in audit.events(conn, username=username)]
    actions = [e.action for e in rows]
    assert actions.count("login.failed") == 6
    assert actions.count("login.locked") == 2
    assert all(e.client_ip == "127.0.0.1" and e.role == "command" for e in rows)
    # after the lock expires the right password works again
    conn.execute(
        text("UPDATE app_user SET locked_until = now() - interval '1 second' WHERE username = :u"),
        {"u": username},
    )
    assert login(client, username, password).status_code == 303


def test_unknown_user_and_disabled_user(
    client: Any, conn: Connection, user: tuple[str, str]
) -> None:
    assert login(client, "no-such-user", "whatever-password").status_code == 401
    accounts.disable_user(conn, user[0])
    assert login(client, *user).status_code == 401


def test_rate_limit_per_address(app_on_conn: dash.Dash, conn: Connection) -> None:
    config = app_on_conn.server.config
    config["SITAWARE_SETTINGS"] = Settings(
        database_url="postgresql://unused/x", cookie_secure=False, ip_max_failures=3
    )
    client = app_on_conn.server.test_client()
    env = {"REMOTE_ADDR": "10.9.8.7"}
    codes = [
        client.post(
            "/login",
            data={"username": f"x{i}", "password": "y" * 12},
            headers=ORIGIN,
            environ_base=env,
        ).status_code
        for i in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    assert [e.action for e in audit.events(conn) if e.client_ip == "10.9.8.7"][
        -1
    ] == "login.rate_limited"
    # another address is not affected
    other = client.post(
        "/login",
        data={"username": "x", "password": "y" * 12},
        headers=ORIGIN,
        environ_base={"REMOTE_ADDR": "10.9.8.8"},
    )
    assert other.status_code == 401


def test_open_redirect_is_refused(client: Any, user: tuple[str, str]) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        resp = client.post(
            "/login",
            data={"username": user[0], "password": user[1], "next": target},
            headers=ORIGIN,
        )
        assert resp.headers["Location"] == "/"


def test_session_helpers_with_an_injected_clock(conn: Connection, user: tuple[str, str]) -> None:
    settings = Settings(database_url="postgresql://unused/x")
    u = accounts.get_user(conn, user[0])
    assert u is not None
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    sid = accounts.create_session(conn, u, settings, now=t0)
    state, viewer = accounts.resolve_session(conn, sid, settings, now=t0 + dt.timedelta(minutes=29))
    assert state == accounts.SessionState.ACTIVE and viewer is not None and viewer.role == "command"
    state, _ = accounts.resolve_session(conn, sid, settings, now=t0 + dt.timedelta(minutes=60))
    assert state == accounts.SessionState.IDLE


def test_one_time_password_must_be_replaced(client: Any, conn: Connection) -> None:
    accounts.add_user(
        conn, "first-admin-x", "admin", "one-time-pass-123", must_change_password=True
    )
    assert login(client, "first-admin-x", "one-time-pass-123").status_code == 303
    assert client.get("/api/v1/me").status_code == 403
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 302 and page.headers["Location"].endswith("/password")
    assert client.get("/password").status_code == 200
    bad = client.post(
        "/password",
        data={"current": "one-time-pass-123", "new": "short", "confirm": "short"},
        headers=ORIGIN,
    )
    assert bad.status_code == 400
    wrong = client.post(
        "/password",
        data={
            "current": "nope-nope-nope",
            "new": "my-own-password-1",
            "confirm": "my-own-password-1",
        },
        headers=ORIGIN,
    )
    assert wrong.status_code == 401
    ok = client.post(
        "/password",
        data={
            "current": "one-time-pass-123",
            "new": "my-own-password-1",
            "confirm": "my-own-password-1",
        },
        headers=ORIGIN,
    )
    assert ok.status_code == 303
    assert client.get("/api/v1/me").status_code == 200
    changes = [
        e.outcome
        for e in audit.events(conn, username="first-admin-x")
        if e.action == "password.change"
    ]
    assert changes == ["denied", "ok"]


def test_a_token_records_its_use_at_most_every_30_s(conn: Connection) -> None:
    user, _ = make_user(conn, "field")
    token, _info = accounts.create_token(conn, user)

    def last_used() -> Any:
        return conn.execute(
            text("SELECT last_used_at FROM api_token WHERE token_hash = :h"),
            {"h": accounts.sha256_hex(token)},
        ).scalar()

    assert last_used() is None
    assert accounts.resolve_token(conn, token) is not None
    first = last_used()
    assert first is not None
    assert accounts.resolve_token(conn, token) is not None
    assert last_used() == first  # not written again within 30 s
    conn.execute(
        text("UPDATE api_token SET last_used_at = now() - interval '31 seconds'"
             " WHERE token_hash = :h"),
        {"h": accounts.sha256_hex(token)},
    )  # fmt: skip
    assert last_used() == first - dt.timedelta(seconds=31)
    assert accounts.resolve_token(conn, token) is not None
    assert last_used() == first  # written again (now() is the test transaction's start)
    assert accounts.resolve_token(conn, "sat_forged") is None
