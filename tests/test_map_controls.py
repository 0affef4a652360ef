"""The map page's controls parsed into one query (forged values fall back), playback steps, and
dates per language with the Buddhist Era."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dashboard.components import filters
from dashboard.fmt import BANGKOK, date_text, datetime_text

NOW = dt.datetime(2026, 11, 26, 5, 30, tzinfo=dt.UTC)  # 12:30 in Bangkok
# the 30-day window starts 30 days before the hour under way (its start moves in steps)
SINCE_30D = dt.datetime(2026, 10, 27, 5, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "forged",
    [None, 12, "'; DROP TABLE tip; --", ["10"], {"x": 1}, "9" * 500, "1001", "๑๐"],
)
def test_forged_values_fall_back(forged: Any) -> None:
    q = filters.query(
        level_value=forged, province_value=forged, window=forged, play=str(forged),
        category_values=forged, layer_values=forged, era=forged, now=NOW,
    )  # fmt: skip
    assert q.level == "province" and q.area == "" and q.window == "30d"
    assert q.since == SINCE_30D and q.until is None
    assert q.be is False
    assert q.layers == frozenset(filters.DEFAULT_LAYERS) or q.layers == frozenset()


def test_layers_and_categories_are_allow_listed() -> None:
    q = filters.query(
        layer_values=["heat", "venues", "admin_users", 3], category_values=["ลักทรัพย์", 5, "", "x" * 500],
        now=NOW,
    )  # fmt: skip
    assert q.layers == {"heat", "venues"}
    assert q.categories == ("ลักทรัพย์",)


@pytest.mark.parametrize(
    ("window", "step_s"), [("1h", 5), ("24h", 120), ("7d", 840), ("30d", 3600)]
)
def test_rolling_windows_start_in_steps(window: str, step_s: int) -> None:
    """People who open the same window within one step ask the same question (shared answers);
    the window never reaches back more than 1/720 of its length further, and stays open."""
    hours = filters.WINDOWS[window]
    assert hours is not None
    length = dt.timedelta(hours=hours)
    starts = set()
    base = dt.datetime.fromtimestamp(int(NOW.timestamp()) // step_s * step_s, dt.UTC)
    for s in range(0, 2 * step_s, max(1, step_s // 10)):
        now = base + dt.timedelta(seconds=s)
        key, since, until = filters.window_span(window, now=now)
        assert key == window and until is None and since is not None
        assert now - length - dt.timedelta(seconds=step_s) < since <= now - length
        assert int(since.timestamp()) % step_s == 0
        starts.add(since)
    assert len(starts) == 2  # two steps in 2 × step_s seconds


def test_custom_range_is_bangkok_days_both_included() -> None:
    q = filters.query(window="custom", start="2026-11-20", end="2026-11-10", now=NOW)
    assert q.window == "custom"
    assert q.since == dt.datetime(2026, 11, 10, tzinfo=BANGKOK)
    assert q.until == dt.datetime(2026, 11, 21, tzinfo=BANGKOK)
    wide = filters.query(window="custom", start="2020-01-01", end="2026-11-20", now=NOW)
    assert wide.until is not None and wide.since is not None
    assert (wide.until - wide.since).days == filters.CUSTOM_MAX_DAYS
    broken = filters.query(window="custom", start="yesterday", end=None, now=NOW)
    assert broken.window == "30d"


def test_playback_steps_hours_or_days() -> None:
    hours = filters.play_steps(NOW - dt.timedelta(hours=24), None, now=NOW)
    assert len(hours) == 25  # the partial first hour, 23 whole ones, the hour under way
    assert hours[0][0] == NOW - dt.timedelta(hours=24) and hours[-1][1] == NOW
    assert all(b - a <= dt.timedelta(hours=1) for a, b in hours)
    days = filters.play_steps(NOW - dt.timedelta(days=30), None, now=NOW)
    assert len(days) == 31 and days[-1][1] == NOW
    assert all(a.astimezone(BANGKOK).hour == 0 for a, _ in days[1:])  # Bangkok midnights
    assert filters.play_steps(None, None, now=NOW) == []
    q = filters.query(window="30d", play=31, now=NOW)
    assert (q.since, q.until) == days[-1]
    for odd in (999, -1, True, "3", 2.0):
        assert filters.query(window="30d", play=odd, now=NOW).since == SINCE_30D


def test_step_labels_follow_language_and_era() -> None:
    day = (dt.datetime(2026, 11, 20, tzinfo=BANGKOK), dt.datetime(2026, 11, 21, tzinfo=BANGKOK))
    assert filters.step_label(day, "th", True) == "20 พ.ย. 2569"
    assert filters.step_label(day, "en", False) == "20 Nov 2026"
    hour = (dt.datetime(2026, 11, 20, 14, tzinfo=BANGKOK),) * 2
    assert filters.step_label((hour[0], hour[0] + dt.timedelta(hours=1)), "en", False) == (
        "20 Nov 14:00"
    )


def test_dates_per_language() -> None:
    d = dt.date(2026, 2, 3)
    assert date_text(d, "th") == "3 ก.พ. 2026"
    assert date_text(d, "th", be=True) == "3 ก.พ. 2569"
    assert date_text(d, "en", be=True) == "3 Feb 2569 BE"
    when = dt.datetime(2026, 2, 3, 17, 5, tzinfo=dt.UTC)  # 00:05 the next day in Bangkok
    assert datetime_text(when, "th", be=True) == "4 ก.พ. 2569 00:05 น."
    assert datetime_text(when, "en") == "4 Feb 2026 00:05"


def test_statuses_and_grades_are_parsed_never_trusted() -> None:
    q = filters.query(
        status_values=["new", "เสร็จสิ้น", 5, "", "x" * 500, "a\nb", "new", None],
        grade_values=["B", "A", "A1", "Z", "-", None, "b", {"x": 1}, "B"],
        now=NOW,
    )  # fmt: skip
    assert q.statuses == ("new", "เสร็จสิ้น")
    assert q.grades == ("A", "B", "-")  # letters A–F and "not graded", in that order
    many = filters.query(status_values=[f"s{i}" for i in range(50)], now=NOW)
    assert len(many.statuses) == 20
    every = filters.query(grade_values=list("FEDCBA-"), now=NOW)
    assert every.grades == ()  # all seven keep every tip, as none does
    for forged in (None, 12, "new", "'; DROP TABLE tip; --", {"x": 1}, True):
        q = filters.query(status_values=forged, grade_values=forged, now=NOW)
        assert q.statuses == () and q.grades == ()
    assert filters.query(now=NOW).statuses == () and filters.query(now=NOW).grades == ()


def test_the_page_store_carries_statuses_and_grades() -> None:
    from dashboard.pages import home

    assert home.query_of(home.DEFAULT_QUERY).statuses == ()
    raw = {**home.DEFAULT_QUERY, "statuses": ["รอรับเรื่อง"], "grades": ["C", "A"]}
    q = home.query_of(raw)
    assert (q.statuses, q.grades) == (("รอรับเรื่อง",), ("A", "C"))
    spec = filters.spec(q)
    assert spec["tip_statuses"] == ["รอรับเรื่อง"] and spec["tip_grades"] == ["A", "C"]
    assert hash(q) != hash(home.query_of(home.DEFAULT_QUERY))  # the shared cache's key differs
