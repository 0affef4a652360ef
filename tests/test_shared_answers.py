"""Answers shared between people (``dashboard.data.shared``): who shares a key and who never
does, what the key ignores (the drawing) and what it keeps (the question, the data's version),
and how many answers a process keeps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import flask
import pytest
from sqlalchemy import Connection

from dashboard import data
from dashboard.components import filters
from geodata.errors import ForbiddenError
from geodata.roles import Cap, Viewer
from tests.web import insert_tip

NOW = dt.datetime(2026, 11, 26, 5, 30, tzinfo=dt.UTC)
COMMAND, PLANNER, FIELD = (Viewer.for_role(r, r) for r in ("command", "planner", "field"))


@pytest.fixture
def app_ctx(conn: Connection) -> Iterator[None]:
    app = flask.Flask(__name__)
    app.config["SITAWARE_BIND"] = conn
    data.clear_caches()
    with app.app_context():
        yield
    data.clear_caches()


def _probe(*shaping: Cap, needs: Cap) -> tuple[Any, list[str]]:
    """A shared function that records who made it compute, and refuses (as geodata does)
    a viewer without ``needs``."""
    calls: list[str] = []

    @data.shared(*shaping)
    def probe(viewer: Viewer, q: filters.MapQuery) -> int:
        if not viewer.can(needs):
            raise ForbiddenError(f"{viewer.role} lacks {needs.value}")
        calls.append(viewer.role or "")
        return len(calls)

    return probe, calls


def test_roles_holding_the_same_shaping_capabilities_share(app_ctx: None) -> None:
    probe, calls = _probe(Cap.TIPS_AGGREGATE, needs=Cap.TIPS_AGGREGATE)
    q = filters.query(province_value="10", now=NOW)
    assert probe(COMMAND, q) == 1
    assert probe(PLANNER, q) == 1  # the same counts for both: computed once
    assert probe(FIELD, q) == 1
    assert calls == ["command"]


def test_a_role_without_the_capability_never_reads_anothers_answer(app_ctx: None) -> None:
    probe, calls = _probe(Cap.TIPS_RECORDS, Cap.TIPS_TEXT, needs=Cap.TIPS_RECORDS)
    q = filters.query(province_value="10", now=NOW)
    assert probe(PLANNER, q) == 1
    with pytest.raises(ForbiddenError):
        probe(FIELD, q)  # its own key: computed for it, and refused
    assert probe(COMMAND, q) == 2  # tips.text changes the shape: not the planner's answer
    assert calls == ["planner", "command"]


def test_the_drawing_does_not_split_the_key_but_the_question_does(app_ctx: None) -> None:
    probe, calls = _probe(Cap.TIPS_AGGREGATE, needs=Cap.TIPS_AGGREGATE)
    base = filters.query(province_value="10", now=NOW)
    for same in (
        filters.query(province_value="10", level_value="district", now=NOW),
        filters.query(province_value="10", layer_values=["heat"], era=["be"], now=NOW),
        filters.query(province_value="10", now=NOW + dt.timedelta(minutes=20)),  # same hour
    ):
        probe(COMMAND, base)
        assert probe(COMMAND, same) == 1
    for other in (
        filters.query(province_value="50", now=NOW),
        filters.query(province_value="10", window="7d", now=NOW),
        filters.query(province_value="10", category_values=["ลักทรัพย์"], now=NOW),
        filters.query(province_value="10", now=NOW + dt.timedelta(hours=1)),  # next step
    ):
        n = len(calls)
        probe(COMMAND, other)
        assert len(calls) == n + 1


def test_a_new_tip_ends_every_shared_answer(app_ctx: None, conn: Connection) -> None:
    probe, _ = _probe(Cap.TIPS_AGGREGATE, needs=Cap.TIPS_AGGREGATE)
    q = filters.query(now=NOW)
    assert probe(COMMAND, q) == 1 and probe(COMMAND, q) == 1
    insert_tip(conn, text_="shared", reporter_hash="x")
    assert probe(COMMAND, q) == 2


def test_a_process_keeps_a_bounded_number_of_answers(
    app_ctx: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(data, "SHARED_MAX", 3)
    probe, calls = _probe(Cap.TIPS_AGGREGATE, needs=Cap.TIPS_AGGREGATE)
    areas = ["10", "11", "12", "13"]
    for area in areas:
        probe(COMMAND, filters.query(province_value=area, now=NOW))
    assert len(data._shared) == 3
    probe(COMMAND, filters.query(province_value="13", now=NOW))  # the newest is kept
    assert len(calls) == 4
    probe(COMMAND, filters.query(province_value="10", now=NOW))  # the oldest went first
    assert len(calls) == 5
