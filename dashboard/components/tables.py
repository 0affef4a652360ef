"""Pure table builders. Every value is rendered as text (React escapes it): never as HTML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from dash import html

from dashboard.fmt import date_text, datetime_text
from dashboard.i18n import t


def _cell(value: Any, lang: str, be: bool) -> str:
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        return datetime_text(value, lang, be)
    if isinstance(value, dt.date):
        return date_text(value, lang, be)
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(
    columns: Sequence[tuple[str, str]],
    rows: Sequence[dict[str, Any]],
    lang: str,
    empty_key: str,
    *,
    be: bool = False,
) -> html.Div | html.Table:
    """A table with ``columns`` as (row key, i18n label key); ``empty_key`` when no rows; dates
    in ``lang`` (Buddhist Era when ``be``)."""
    if not rows:
        return html.P(t(empty_key, lang), className="sa-note")
    head = html.Tr([html.Th(t(label, lang)) for _, label in columns])
    body = [html.Tr([html.Td(_cell(r.get(key), lang, be)) for key, _ in columns]) for r in rows]
    return html.Table([html.Thead(head), html.Tbody(body)], className="sa-counts")
