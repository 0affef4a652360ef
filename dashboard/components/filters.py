"""What the map page shows, from the values the browser sends: one parse for every callback, so a
forged or malformed value falls back to a default instead of reaching a query.

A ``MapQuery`` holds the area, the time span (a preset window, a custom date range, and the step
of the playback slider inside it), the tip categories, statuses and source grades kept and the
layers switched on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dashboard.fmt import BANGKOK, date_text, local
from geodata.codes import is_area_code
from geodata.tipfilter import GRADE_VALUES, MAX_STATUS_CHARS, MAX_STATUSES

LEVELS = ("province", "district", "subdistrict")
WINDOWS: dict[str, int | None] = {  # hours; "custom" takes the date pickers
    "1h": 1,
    "24h": 24,
    "7d": 7 * 24,
    "30d": 30 * 24,
    "custom": None,
    "all": None,
}
LAYERS = ("boundaries", "venues", "lodging", "heat", "hotspots", "units")
DEFAULT_LAYERS = ("boundaries", "venues", "heat", "hotspots", "units")
MAX_CATEGORIES = 20
MAX_STEPS = 92  # playback: at most this many steps (the latest ones)
CUSTOM_MAX_DAYS = 366


@dataclass(frozen=True)
class MapQuery:
    """The validated state of the map page."""

    level: str = "province"
    area: str = ""  # '' = the whole country, else a DOPA code prefix
    window: str = "30d"
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # tip statuses as the source wrote them; () keeps all
    grades: tuple[str, ...] = ()  # source letters A–F and "-" (not graded); () keeps all
    layers: frozenset[str] = field(default_factory=lambda: frozenset(DEFAULT_LAYERS))
    be: bool = False

    def shows(self, layer: str) -> bool:
        return layer in self.layers


def province(value: Any) -> str:
    """A forged or malformed picker value falls back to the whole country."""
    return value if is_area_code(value, (2,)) else ""


def level(value: Any) -> str:
    return value if value in LEVELS else "province"


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def window_span(
    window: Any, start: Any = None, end: Any = None, now: dt.datetime | None = None
) -> tuple[str, dt.datetime | None, dt.datetime | None]:
    """(window, since, until) for a preset, or a custom range of Bangkok days (both ends
    included, at most a year; a reversed range is put right)."""
    now = now or dt.datetime.now(dt.UTC)
    if window == "custom":
        a, b = _date(start), _date(end)
        if a is None or b is None:
            return window_span("30d", now=now)
        a, b = min(a, b), max(a, b)
        a = max(a, b - dt.timedelta(days=CUSTOM_MAX_DAYS - 1))
        since = dt.datetime.combine(a, dt.time(), BANGKOK)
        until = dt.datetime.combine(b + dt.timedelta(days=1), dt.time(), BANGKOK)
        return "custom", since, until
    if window == "all":
        return "all", None, None
    key = window if isinstance(window, str) and WINDOWS.get(window) else "30d"
    hours = WINDOWS[key]
    assert hours is not None
    return key, _settle(now, hours) - dt.timedelta(hours=hours), None


def _settle(now: dt.datetime, hours: int) -> dt.datetime:
    """``now`` taken down to a step of 1/720 of the window (30 days: the hour; 7 days: 14 min;
    24 hours: 2 min; 1 hour: 5 s). A rolling window's start then moves in steps, so everyone
    who opens the same window in the same step asks the same question and shares its answer
    (``dashboard.data.shared``). The window reaches back at most 0.14 % further; its end stays
    open, so a tip that has just come in is always in it."""
    step = hours * 3600 // 720
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % step, dt.UTC)


def play_steps(
    since: dt.datetime | None, until: dt.datetime | None, now: dt.datetime | None = None
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The playback steps of a span: hours for two days or less, else Bangkok days (the latest
    ``MAX_STEPS``). None when the span is open-ended ('all')."""
    if since is None:
        return []
    end = until or (now or dt.datetime.now(dt.UTC))
    if end - since <= dt.timedelta(hours=48):
        start = local(since).replace(minute=0, second=0, microsecond=0)
        step = dt.timedelta(hours=1)
    else:
        start = dt.datetime.combine(local(since).date(), dt.time(), BANGKOK)
        step = dt.timedelta(days=1)
    steps = []
    t = start
    while t < end:
        steps.append((max(t, since), min(t + step, end)))
        t += step
    return steps[-MAX_STEPS:]


def step_label(step: tuple[dt.datetime, dt.datetime], lang: str, be: bool) -> str:
    """A playback step for people: the day, or the day and hour."""
    a, b = local(step[0]), local(step[1])
    if b - a <= dt.timedelta(hours=1):
        return f"{date_text(a.date(), lang, be, year=False)} {a:%H}:00"
    return date_text(a.date(), lang, be)


def categories(value: Any) -> tuple[str, ...]:
    """Tip categories to keep: short strings only, at most ``MAX_CATEGORIES``."""
    if not isinstance(value, list):
        return ()
    out = [v for v in value if isinstance(v, str) and 0 < len(v) <= 120]
    return tuple(dict.fromkeys(out))[:MAX_CATEGORIES]


def statuses(value: Any) -> tuple[str, ...]:
    """Tip statuses to keep: short strings without control characters, at most
    ``MAX_STATUSES`` (the rest is dropped)."""
    if not isinstance(value, list):
        return ()
    out = [
        v
        for v in value
        if isinstance(v, str)
        and 0 < len(v) <= MAX_STATUS_CHARS
        and not any(ord(ch) < 32 or ord(ch) == 127 for ch in v)
    ]
    return tuple(dict.fromkeys(out))[:MAX_STATUSES]


def grades(value: Any) -> tuple[str, ...]:
    """Source grades to keep: the letters A–F and "-" (not graded), in that order; anything
    else is dropped, and all seven keep every tip, as none does."""
    if not isinstance(value, list):
        return ()
    kept = tuple(g for g in GRADE_VALUES if g in value)
    return () if len(kept) == len(GRADE_VALUES) else kept


def layers(value: Any) -> frozenset[str]:
    if not isinstance(value, list):
        return frozenset(DEFAULT_LAYERS)
    return frozenset(v for v in value if v in LAYERS)


def query(  # noqa: PLR0917 - one parameter per control of the page
    level_value: Any = "province",
    province_value: Any = "",
    window: Any = "30d",
    start: Any = None,
    end: Any = None,
    play: Any = 0,
    category_values: Any = None,
    layer_values: Any = None,
    era: Any = None,
    now: dt.datetime | None = None,
    status_values: Any = None,
    grade_values: Any = None,
) -> MapQuery:
    """The page's controls → a ``MapQuery`` (playback step ``play`` = 0 means the whole span)."""
    key, since, until = window_span(window, start, end, now)
    if isinstance(play, int) and not isinstance(play, bool) and play > 0:
        steps = play_steps(since, until, now)
        if play <= len(steps):
            since, until = steps[play - 1]
    return MapQuery(
        level=level(level_value),
        area=province(province_value),
        window=key,
        since=since,
        until=until,
        categories=categories(category_values),
        statuses=statuses(status_values),
        grades=grades(grade_values),
        layers=layers(layer_values),
        be=isinstance(era, list) and "be" in era,
    )


def spec(q: MapQuery) -> dict[str, Any]:
    """The query's tip filters as a saved-view spec (``geodata.views``): the window (a custom
    one with its first and last Bangkok day), categories, statuses and source grades."""
    out: dict[str, Any] = {
        "window": q.window,
        "tip_categories": list(q.categories),
        "tip_statuses": list(q.statuses),
        "tip_grades": list(q.grades),
    }
    if q.window == "custom" and q.since is not None and q.until is not None:
        out["start"] = local(q.since).date().isoformat()
        out["end"] = (local(q.until).date() - dt.timedelta(days=1)).isoformat()
    return out
