"""The audit trail: a scripted run of 200 mixed actions leaves exactly the expected rows; the
trail is append-only; a failed audit write stops the sensitive action (fail closed)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

import dash
import pytest
from sqlalchemy import Connection, Engine, text

from geodata import audit
from geodata.settings import PROJECT_ROOT
from tests.web import ORIGIN, insert_tip, login, make_user


@dataclass
class Actor:
    username: str
    password: str
    role: str
    client: Any
    ip: str
    signed_in: bool = False
    failures: int = 0


@dataclass
class Script:
    expected: list[tuple[Any, ...]] = field(default_factory=list)

    def expect(
        self, action: str, actor: Actor, outcome: str = "ok", ids: list[str] | None = None
    ) -> None:
        self.expected.append((actor.username, actor.role, action, ids, outcome, actor.ip))


def test_two_hundred_mixed_actions(app_on_conn: dash.Dash, conn: Connection) -> None:
    rng = random.Random(20261125)
    tips = [
        insert_tip(conn, text_=f"tip {i}", reporter_hash=f"r{i}", subdistrict="100101")
        for i in range(3)
    ]
    actors = []
    for i, role in enumerate(("admin", "command", "planner", "field", "command", "field")):
        user, password = make_user(conn, role, prefix="audit")
        client = app_on_conn.server.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.20.0.{i + 1}"
        actors.append(Actor(user, password, role, client, ip=f"10.20.0.{i + 1}"))
    script = Script()
    n_actions = 0
    while n_actions < 200:
        a = rng.choice(actors)
        choice = rng.choice(["login", "fail", "logout", "view", "list", "denied"])
        if choice == "login":
            assert login(a.client, a.username, a.password).status_code == 303
            a.signed_in, a.failures = True, 0
            script.expect("login.ok", a)
        elif choice == "fail" and a.failures < 4:
            assert login(a.client, a.username, "not-the-password").status_code == 401
            a.failures += 1
            script.expect("login.failed", a, "denied")
        elif choice == "logout" and a.signed_in:
            assert a.client.post("/logout", headers=ORIGIN).status_code == 303
            a.signed_in = False
            script.expect("logout", a)
        elif choice == "view" and a.signed_in and a.role in ("admin", "command"):
            tip_id = rng.choice(tips)
            assert a.client.get(f"/api/v1/tips/{tip_id}").status_code == 200
            script.expect("tip.view", a, ids=[str(tip_id)])
        elif choice == "list" and a.signed_in and a.role != "field":
            resp = a.client.get("/api/v1/tips?area=100101")
            assert resp.status_code == 200
            ids = [str(t["id"]) for t in resp.get_json()["tips"]]
            assert set(map(str, tips)) <= set(ids)
            script.expect("tip.list", a, ids=ids)
        elif choice == "denied" and a.signed_in and a.role in ("field", "planner"):
            assert a.client.get(f"/api/v1/tips/{tips[0]}").status_code == 403
            script.expect("access.denied", a, "denied")
        else:
            continue
        n_actions += 1

    names = {a.username for a in actors}
    rows = [e for e in audit.events(conn) if e.username in names]
    actual = [(e.username, e.role, e.action, e.object_ids, e.outcome, e.client_ip) for e in rows]
    assert len(script.expected) == 200
    assert actual == script.expected
    assert all(e.at is not None for e in rows)
    assert {e.action for e in rows} >= {
        "login.ok",
        "login.failed",
        "logout",
        "tip.view",
        "tip.list",
        "access.denied",
    }


def test_app_cannot_change_or_delete_audit_rows(conn: Connection) -> None:
    audit.record(conn, "login.ok", username="someone", role="field", client_ip="10.0.0.1")
    for stmt in (
        "UPDATE audit_event SET outcome = 'forged'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
    ):
        with pytest.raises(Exception, match="append-only"), conn.begin_nested():
            conn.execute(text(stmt))


def test_failed_audit_write_refuses_the_tip(app_on_conn: dash.Dash, conn: Connection) -> None:
    tip_id = insert_tip(conn, text_="FAIL-CLOSED-SECRET", reporter_hash="r")
    client = app_on_conn.server.test_client()
    user, password = make_user(conn, "command")
    login(client, user, password)
    conn.execute(
        text(
            "ALTER TABLE audit_event ADD CONSTRAINT test_block_tip_view"
            " CHECK (action NOT IN ('tip.view', 'tip.list')) NOT VALID"
        )
    )
    for url in (f"/api/v1/tips/{tip_id}", "/api/v1/tips?area=10"):
        resp = client.get(url)
        assert resp.status_code == 503
        assert "FAIL-CLOSED-SECRET" not in resp.get_data(as_text=True)


def test_failed_audit_write_refuses_sign_in(app_on_conn: dash.Dash, conn: Connection) -> None:
    client = app_on_conn.server.test_client()
    user, password = make_user(conn, "planner")
    conn.execute(
        text(
            "ALTER TABLE audit_event ADD CONSTRAINT test_block_login"
            " CHECK (action <> 'login.ok') NOT VALID"
        )
    )
    resp = login(client, user, password)
    assert resp.status_code == 503
    assert client.get_cookie("sitaware_session") is None


def test_unknown_actions_are_refused(conn: Connection) -> None:
    with pytest.raises(audit.AuditError):
        audit.record(conn, "made.up", username="x")


def test_cli_user_admin_and_audit_commands(engine: Engine, test_db_url: str) -> None:
    env = {**os.environ, "SITAWARE_DATABASE_URL": test_db_url}
    name = f"cli-{os.getpid()}-{random.randint(0, 10**6)}"

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "etl.cli", *args],
            input=stdin,
            env=env,
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            timeout=120,
            check=False,
        )

    add = run(
        "user",
        "add",
        name,
        "--role",
        "planner",
        "--password-stdin",
        stdin="a-long-enough-password\n",
    )
    assert add.returncode == 0, add.stderr
    assert (
        run(
            "user",
            "add",
            name,
            "--role",
            "planner",
            "--password-stdin",
            stdin="a-long-enough-password\n",
        ).returncode
        == 1
    )
    assert (
        run(
            "user",
            "add",
            name + "x",
            "--role",
            "boss",
            "--password-stdin",
            stdin="a-long-enough-password\n",
        ).returncode
        == 1
    )
    assert run("user", "set-role", name, "--role", "command").returncode == 0
    token = run("token", "create", name)
    assert token.returncode == 0
    secret = token.stdout.strip().splitlines()[-1]
    assert secret.startswith("sat_") and len(secret) > 40
    assert run("token", "revoke", secret[:12]).returncode == 0
    assert (
        run(
            "user", "reset-password", name, "--password-stdin", stdin="another-long-password\n"
        ).returncode
        == 0
    )
    assert run("user", "disable", name).returncode == 0
    tail = run("audit", "tail", "-n", "50")
    assert tail.returncode == 0
    for action in (
        "user.add",
        "user.set_role",
        "token.create",
        "token.revoke",
        "user.reset_password",
        "user.disable",
    ):
        assert action in tail.stdout
    export = run("audit", "export", "--since", "2020-01-01")
    assert export.returncode == 0 and export.stdout.startswith("id,at,username,role,action")
    with engine.connect() as c:
        stored = c.execute(
            text(
                "SELECT token_hash FROM api_token t JOIN app_user u"
                " ON u.id = t.user_id WHERE u.username = :u"
            ),
            {"u": name},
        ).scalar_one()
        pw = c.execute(
            text("SELECT password_hash FROM app_user WHERE username = :u"), {"u": name}
        ).scalar_one()
    assert stored != secret and len(stored) == 64
    assert pw.startswith("$argon2id$")
