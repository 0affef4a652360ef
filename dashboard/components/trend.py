"""Pure builder: tips per day for the most frequent categories (a small line chart)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from functools import lru_cache
from html import escape
from typing import Any

import plotly.io as pio

from dashboard.components.basemap import FONT_FAMILY
from dashboard.components.layers import trace
from dashboard.fmt import date_text
from dashboard.i18n import t

TOP = 5
MAX_DAYS = 92


# the parts of plotly's default template a line chart uses (its 3D, polar, map, colour-scale
# and other traces' defaults are nine tenths of it, and every answer carried them)
_TEMPLATE_LAYOUT = ("autotypenumbers", "colorway", "font", "hoverlabel", "hovermode",
                    "paper_bgcolor", "plot_bgcolor", "title", "xaxis", "yaxis")  # fmt: skip


@lru_cache(maxsize=1)
def _template() -> dict[str, Any]:
    """plotly's default look (what ``go.Figure()`` gives a line chart), as a dict, once per
    process."""
    full = pio.templates["plotly"].to_plotly_json()
    return {
        "layout": {k: full["layout"][k] for k in _TEMPLATE_LAYOUT if k in full["layout"]},
        "data": {"scatter": full["data"]["scatter"]},
    }


def trend_figure(
    rows: list[tuple[dt.date, str, int]], lang: str, be: bool = False
) -> dict[str, Any]:
    """One line per category (the five most frequent), zero-filled over the days shown; each
    point carries its category (a click filters the map by it); dates in ``lang`` (Buddhist
    Era years when ``be``). A figure dict with plotly's default template, built without
    ``plotly.graph_objects`` (their validation cost ~20 ms a chart; tests/test_map_traces.py
    validates it instead)."""
    data: list[dict[str, Any]] = []
    totals: Counter[str] = Counter()
    for _, cat, n in rows:
        totals[cat] += n
    days = sorted({d for d, _, _ in rows})
    if days and (days[-1] - days[0]).days > MAX_DAYS:  # a per-day chart shows the latest days
        first = days[-1] - dt.timedelta(days=MAX_DAYS)
        rows = [r for r in rows if r[0] >= first]
        days = [d for d in days if d >= first]
        totals = Counter()
        for _, cat, n in rows:
            totals[cat] += n
    if days:
        span = [days[0] + dt.timedelta(days=i) for i in range((days[-1] - days[0]).days + 1)]
        by_cat: dict[str, dict[dt.date, int]] = defaultdict(dict)
        for d, cat, n in rows:
            by_cat[cat][d] = n
        for cat, _ in totals.most_common(TOP):
            data.append(
                trace(
                    "scatter",
                    x=[d.isoformat() for d in span], y=[by_cat[cat].get(d, 0) for d in span],
                    mode="lines+markers", marker={"size": 4}, name=cat,
                    customdata=[cat] * len(span), text=[date_text(d, lang, be) for d in span],
                    hovertemplate="%{text} · %{y}<extra>" + escape(cat) + "</extra>",
                )
            )  # fmt: skip
    layout = dict(
        template=_template(),
        height=300,
        margin={"l": 30, "r": 10, "t": 10, "b": 30},
        font={"family": FONT_FAMILY, "size": 12},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        # beside the plot: under it, plotly let it cover the dates in this narrow panel
        legend={"orientation": "v", "x": 1.0, "xanchor": "left", "y": 1, "font": {"size": 11}},
        yaxis={"title": None, "rangemode": "tozero"},
        xaxis={"title": None, **_ticks(days, lang, be)},
        plot_bgcolor="#ffffff",
        annotations=[]
        if days
        else [{"text": t("no_tips", lang), "showarrow": False, "xref": "paper", "yref": "paper"}],
    )
    return {"data": data, "layout": layout}


def _ticks(days: list[dt.date], lang: str, be: bool) -> dict[str, object]:
    """About six date ticks written in ``lang`` (plotly's own labels are English and CE)."""
    if not days:
        return {}
    span = (days[-1] - days[0]).days + 1
    step = max(1, span // 6)
    ticks = [days[0] + dt.timedelta(days=i) for i in range(0, span, step)]
    return {
        "tickmode": "array",
        "tickvals": [d.isoformat() for d in ticks],
        "ticktext": [date_text(d, lang, be, year=False) for d in ticks],
    }
