"""The review page: an administrator accepts, moves or rejects a geocoder answer and retries
refused rows — through the page's callbacks, audited; other roles are refused."""

from __future__ import annotations

from typing import Any

import dash
import pytest
from sqlalchemy import Connection, text

from etl.geocode.gazetteer import Gazetteer
from etl.geocode.geocoder import Geocoder
from tests.web import ORIGIN, login, make_user

LOW = "2 ซอย เสรีไทย 68 แยก 1 เขตมีนบุรี กรุงเทพมหานคร 10510"


def _call(  # noqa: PLR0917 - a callback request has these parts
    client: Any,
    app: dash.Dash,
    output_marker: str,
    inputs: list[tuple[str, str, Any]],
    state: list[tuple[str, str, Any]],
    changed: str | None = None,
) -> Any:
    key = next(k for k in app.callback_map if output_marker in k)
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")
    ]
    resp = client.post(
        "/_dash-update-component",
        json={
            "output": key,
            "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": [changed or f"{inputs[0][0]}.{inputs[0][1]}"],
        },
        headers=ORIGIN,
    )
    return resp


@pytest.fixture
def pending(gazetteer: Gazetteer, conn: Connection) -> str:
    (r,) = Geocoder(gazetteer, conn, review_below=0.5).batch("address", [LOW])
    assert r.review_status == "pending"
    return r.key


def _client(app: dash.Dash, conn: Connection, role: str) -> Any:
    c = app.server.test_client()
    user, password = make_user(conn, role)
    assert login(c, user, password).status_code == 303
    return c


def test_move_the_pin(app_on_conn: dash.Dash, conn: Connection, pending: str) -> None:
    admin = _client(app_on_conn, conn, "admin")
    resp = _call(
        admin, app_on_conn, "review-message.children",
        [("review-accept", "n_clicks", 0), ("review-move", "n_clicks", 1),
         ("review-reject", "n_clicks", 0)],
        [("review-pick", "value", pending), ("review-move-to", "value", "13.8140, 100.7285"),
         ("review-reason", "value", None), ("review-refresh", "data", 0), ("lang", "value", "en")],
        "review-move.n_clicks",
    )  # fmt: skip
    assert resp.status_code == 200, resp.data[:300]
    out = resp.get_json()["response"]
    assert out["review-message"]["children"] == "Saved" and out["review-refresh"]["data"] == 1
    row = conn.execute(
        text(
            "SELECT review_status, precision, ST_Y(geom) AS lat FROM geocode_cache WHERE key = :k"
        ),
        {"k": pending},
    ).one()
    assert (row.review_status, row.precision, round(row.lat, 4)) == ("moved", "point", 13.814)
    n = conn.execute(
        text(
            "SELECT count(*) FROM audit_event WHERE action = 'geocode.review' AND :k = ANY(object_ids)"
        ),
        {"k": pending},
    ).scalar_one()
    assert n == 1


def test_reject_needs_a_reason(app_on_conn: dash.Dash, conn: Connection, pending: str) -> None:
    admin = _client(app_on_conn, conn, "admin")
    args = [("review-accept", "n_clicks", 0), ("review-move", "n_clicks", 0),
            ("review-reject", "n_clicks", 1)]  # fmt: skip
    state = [("review-pick", "value", pending), ("review-move-to", "value", None),
             ("review-reason", "value", "  "), ("review-refresh", "data", 0), ("lang", "value", "th")]  # fmt: skip
    ch = "review-reject.n_clicks"
    out = _call(admin, app_on_conn, "review-message.children", args, state, ch).get_json()[
        "response"
    ]
    assert "reason" in out["review-message"]["children"]
    state[2] = ("review-reason", "value", "ที่อยู่ไม่มีจริง")
    out = _call(admin, app_on_conn, "review-message.children", args, state, ch).get_json()[
        "response"
    ]
    assert out["review-message"]["children"] == "บันทึกแล้ว"


@pytest.mark.parametrize("role", ["command", "planner", "field"])
def test_other_roles_are_refused(
    app_on_conn: dash.Dash, conn: Connection, pending: str, role: str
) -> None:
    c = _client(app_on_conn, conn, role)
    resp = _call(
        c,
        app_on_conn,
        "review-pick.options",
        [("review-refresh", "data", 0), ("lang", "value", "th")],
        [],
    )
    assert resp.status_code == 403
    page = c.get("/review")
    assert "review-pick" not in page.get_data(as_text=True) or page.status_code in (200, 403)
