"""POST /api/v1/tips: token-authenticated intake — validated, geocoded at once, stored; field
reasons for bad input; retries with the same source_id never duplicate; contacts only hashed."""

from __future__ import annotations

from typing import Any

import dash
import pytest
from sqlalchemy import Connection, text

from geodata import accounts
from tests.web import make_user

GOOD = {
    "source_id": "HL-2569-000123",
    "reported_at": "26/11/2569 14.30 น.",
    "category": "บุคคลต้องสงสัย",
    "text": "ชายสวมหมวกดำวนเวียนหน้าโรงเรียน",
    "address": "๑ ถนนหน้าพระลาน แขวงพระบรมมหาราชวัง เขตพระนคร กทม. ๑๐๒๐๐",
    "reliability": "B2",
    "reporter_contact": "+66 81-234-5678",
    "channel": "hotline",
}


@pytest.fixture
def api(app_on_conn: dash.Dash, conn: Connection) -> Any:
    client = app_on_conn.server.test_client()
    tokens: dict[str, str] = {}

    def call(role: str, body: object, **kw: Any) -> Any:
        if role not in tokens:  # one integration account per role, as a hotline system has
            user, _ = make_user(conn, role, prefix="intake")
            tokens[role], _info = accounts.create_token(conn, user)
        token = tokens[role]
        return client.post(
            "/api/v1/tips", json=body, headers={"Authorization": f"Bearer {token}"}, **kw
        )

    return call


def test_tip_is_stored_and_geocoded(api: Any, conn: Connection) -> None:
    resp = api("command", GOOD)
    assert resp.status_code == 201, resp.get_json()
    got = resp.get_json()
    assert got["precision"] == "subdistrict" and got["subdistrict_code"] == "100101"
    assert got["confidence"] > 0.5 and got["source"].startswith("api:")
    assert got["areas"]["subdistrict_th"] == "พระบรมมหาราชวัง"
    assert (
        got["areas"]["district_en"] == "Phra Nakhon"
        and got["areas"]["province_th"] == "กรุงเทพมหานคร"
    )
    row = conn.execute(text("SELECT * FROM tip WHERE id = :i"), {"i": got["id"]}).one()
    assert row.reliability == "B2" and row.channel == "hotline"
    assert row.reported_at.isoformat() == "2026-11-26T07:30:00+00:00"
    assert row.reporter_hash and "5678" not in row.reporter_hash
    # the contact itself is stored nowhere: neither as given nor in any normalised form (the
    # row's other text — hashes, hex geometry — is random, so look for the contact, not "081")
    contact_forms = {"+66 81-234-5678", "081-234-5678", "0812345678", "812345678", "66812345678"}
    stored_text = [v for v in row if isinstance(v, str)]
    assert not [(f, v) for f in contact_forms for v in stored_text if f in v]
    audit = conn.execute(
        text(
            "SELECT count(*) FROM audit_event WHERE action = 'tip.create' AND :i = ANY(object_ids)"
        ),
        {"i": str(got["id"])},
    ).scalar_one()
    assert audit == 1


def test_retry_with_the_same_id_does_not_duplicate(api: Any, conn: Connection) -> None:
    first = api("command", GOOD)
    again = api("command", GOOD)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert again.get_json()["status"] == "unchanged"


def test_coordinates_give_a_point(api: Any) -> None:
    body = {**GOOD, "source_id": "HL-2", "lat": 13.7500, "lon": 100.4913}
    got = api("command", body).get_json()
    assert (got["precision"], got["subdistrict_code"]) == ("point", "100101")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reported_at": "31/02/2569"}, "reported_at"),
        ({"lat": 100.49, "lon": 13.75}, "lat/lon"),
        ({"lat": "NaN", "lon": 100.5}, "lat/lon"),
        ({"reliability": "Z9"}, "reliability"),
        ({"text": '=HYPERLINK("x")'}, "text"),
        ({"address": "", "text": ""}, "lat/lon|address|text"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_gets_field_reasons(api: Any, change: dict[str, Any], field: str) -> None:
    resp = api("command", {**GOOD, **change})
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["fields"][0]["field"] == field and body["fields"][0]["reason"]


def test_not_json_and_too_big(api: Any) -> None:
    assert api("command", ["a list"]).status_code == 400
    assert api("command", {**GOOD, "text": "ก" * 70_000}).status_code == 413


@pytest.mark.parametrize(("role", "status"), [("planner", 403), ("field", 403), ("admin", 201)])
def test_only_intake_roles(api: Any, role: str, status: int) -> None:
    assert api(role, {**GOOD, "source_id": f"R-{role}"}).status_code == status
