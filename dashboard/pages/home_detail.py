"""The map page's details panel: a venue or lodging site picked on the map, in full, with the
fields the person's role may see (geodata decides)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, html

from dashboard import data, ids
from dashboard.auth.guard import current_viewer
from dashboard.auth.policy import secure_callback
from dashboard.components.detail import detail_view, picked_place
from dashboard.i18n import language as _lang
from dashboard.i18n import t
from dashboard.pages.home import PAGE_CAPABILITY


def detail_panel() -> html.Div:
    """The panel (filled by ``render_detail``)."""
    return html.Div(
        className="sa-panel",
        children=[html.H2(id=ids.HOME_DETAIL_TITLE), html.Div(id=ids.HOME_DETAIL, role="status")],
    )


@secure_callback(
    PAGE_CAPABILITY,
    Output(ids.HOME_DETAIL_TITLE, "children"),
    Output(ids.HOME_DETAIL, "children"),
    Input(ids.HOME_MAP, "clickData"),
    Input("lang", "value"),
)
def render_detail(click: Any, lang: str) -> tuple[str, Any]:
    """The picked place in full, or how to pick one."""
    lang = _lang(lang)
    title = t("detail_title", lang)
    picked = picked_place(click)
    if picked is None:
        return title, html.P(t("detail_hint", lang), className="sa-note")
    row = data.place_detail(current_viewer(), *picked)
    if row is None:
        return title, html.P(t("detail_gone", lang), className="sa-note")
    return title, detail_view(picked[0], row, lang)
