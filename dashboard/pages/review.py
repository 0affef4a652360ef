"""Review page (``review.edit``: administrators): the geocoder's low-confidence answers — accept,
move the pin (a coordinate in any form, or an address), or reject with a reason — and the rows
a load refused, with a retry. Every decision is audited in geodata."""

from __future__ import annotations

import json
from typing import Any

import dash
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html

from dashboard import data
from dashboard.auth.guard import current_viewer, in_guarded_request
from dashboard.auth.policy import secure_callback
from dashboard.components.admin_map import admin_map_figure
from dashboard.components.basemap import style_url
from dashboard.i18n import language as _lang
from dashboard.i18n import t
from geodata.errors import SitawareError
from geodata.roles import Cap

PAGE_CAPABILITY = Cap.REVIEW
P = "review-"  # component-id prefix


def layout(**_query: Any) -> html.Div:
    """Page layout; filled by callbacks."""
    if in_guarded_request() and not current_viewer().can(PAGE_CAPABILITY):
        return html.Div(html.P(t("forbidden_page", "th") + " / " + t("forbidden_page", "en")))
    return html.Div(
        className="sa-main",
        children=[
            html.Div(
                className="sa-side",
                children=[
                    html.Div(
                        className="sa-panel",
                        children=[
                            html.H2(id=P + "title"),
                            dcc.Dropdown(id=P + "pick", clearable=True),
                            html.Div(id=P + "detail"),
                            html.Button(id=P + "accept", n_clicks=0, className="sa-button"),
                            html.Label(
                                id=P + "move-label", htmlFor=P + "move-to", className="sa-field"
                            ),
                            dcc.Input(
                                id=P + "move-to", type="text", maxLength=300, className="sa-input"
                            ),
                            html.Button(id=P + "move", n_clicks=0, className="sa-button"),
                            html.Label(
                                id=P + "reject-label", htmlFor=P + "reason", className="sa-field"
                            ),
                            dcc.Input(
                                id=P + "reason", type="text", maxLength=300, className="sa-input"
                            ),
                            html.Button(id=P + "reject", n_clicks=0, className="sa-button"),
                            html.P(id=P + "message", className="sa-note", role="status"),
                            dcc.Store(id=P + "refresh", data=0),
                        ],
                    ),
                    html.Div(
                        className="sa-panel",
                        children=[
                            html.H2(id=P + "q-title"),
                            dcc.Dropdown(id=P + "batch", clearable=True),
                            html.Div(id=P + "rows"),
                            html.Button(id=P + "retry", n_clicks=0, className="sa-button"),
                            html.P(id=P + "retry-message", className="sa-note", role="status"),
                        ],
                    ),
                ],
            ),
            html.Div(
                className="sa-panel",
                children=[
                    dcc.Graph(id=P + "map", className="sa-map", config={"displaylogo": False})
                ],
            ),
        ],
    )


dash.register_page(
    __name__, path="/review", title="sitaware · review", name="review", layout=layout
)


@secure_callback(
    PAGE_CAPABILITY,
    Output(P + "title", "children"),
    Output(P + "pick", "placeholder"),
    Output(P + "accept", "children"),
    Output(P + "move-label", "children"),
    Output(P + "move-to", "placeholder"),
    Output(P + "move", "children"),
    Output(P + "reject-label", "children"),
    Output(P + "reason", "placeholder"),
    Output(P + "reject", "children"),
    Output(P + "q-title", "children"),
    Output(P + "batch", "placeholder"),
    Output(P + "retry", "children"),
    Input("lang", "value"),
)
def labels(lang: str) -> tuple[str, ...]:
    """Labels in the chosen language."""
    lang = _lang(lang)
    return (
        t("review_title", lang), t("review_pick", lang), t("review_accept", lang),
        t("review_move", lang), t("review_move_hint", lang), t("review_move", lang),
        t("review_reject", lang), t("review_reason", lang), t("review_reject", lang),
        t("quarantine_title", lang), t("quarantine_pick", lang), t("retry", lang),
    )  # fmt: skip


@secure_callback(
    PAGE_CAPABILITY,
    Output(P + "pick", "options"),
    Input(P + "refresh", "data"),
    Input("lang", "value"),
)
def queue(_refresh: Any, lang: str) -> list[dict[str, str]]:
    """The answers waiting for a person, least confident first."""
    return [
        {"label": f"{a.confidence:.2f} · {a.precision} · {a.query[:70]}", "value": a.key}
        for a in data.review_queue(current_viewer())
    ]


def _pin_figure(lon: float | None, lat: float | None, lang: str, province: str | None) -> Any:
    """The pin on its province's district outlines (the country's provinces when none)."""
    level, prefix = ("district", province) if province else ("province", "")
    fig = admin_map_figure(data.admin_geojson(level, prefix), lang, style=style_url())
    if lon is not None and lat is not None:
        fig["data"].append(
            go.Scattermap(lon=[lon], lat=[lat], mode="markers",
                          marker={"size": 16, "color": "#b91c1c"}, name=t("review_pin", lang))
            .to_plotly_json()
        )  # fmt: skip
        fig["layout"]["map"].update(center={"lon": lon, "lat": lat}, zoom=11)
    return fig


@secure_callback(
    PAGE_CAPABILITY,
    Output(P + "detail", "children"),
    Output(P + "map", "figure"),
    Input(P + "pick", "value"),
    Input(P + "refresh", "data"),
    Input("lang", "value"),
)
def detail(key: Any, _refresh: Any, lang: str) -> tuple[Any, Any]:
    """The picked answer and its pin."""
    lang = _lang(lang)
    answer = next((a for a in data.review_queue(current_viewer()) if a.key == key), None)
    if answer is None:
        empty = _pin_figure(None, None, lang, None)
        return html.P(t("review_empty", lang), className="sa-note"), empty
    rows = [
        (t("query", lang), answer.query),
        (t("precision", lang), answer.precision),
        (t("confidence", lang), f"{answer.confidence:.2f}"),
        ("DOPA", answer.subdistrict_code or answer.district_code or answer.province_code or "–"),
    ]
    fields: list[Any] = []
    for k, v in rows:
        fields += [html.Dt(k), html.Dd(v)]
    return html.Dl(fields, className="sa-fields"), _pin_figure(
        answer.lon, answer.lat, lang, answer.province_code
    )


@secure_callback(
    PAGE_CAPABILITY,
    Output(P + "message", "children"),
    Output(P + "refresh", "data"),
    Input(P + "accept", "n_clicks"),
    Input(P + "move", "n_clicks"),
    Input(P + "reject", "n_clicks"),
    State(P + "pick", "value"),
    State(P + "move-to", "value"),
    State(P + "reason", "value"),
    State(P + "refresh", "data"),
    State("lang", "value"),
)
def decide(
    _a: Any, _m: Any, _r: Any, key: Any, move_to: Any, reason: Any, refresh: Any, lang: str
) -> tuple[str, Any]:
    """Apply the reviewer's decision (audited in geodata)."""
    lang = _lang(lang)
    trigger = dash.ctx.triggered_id
    if not isinstance(key, str) or trigger is None:
        return dash.no_update, dash.no_update
    decision = {P + "accept": "accept", P + "move": "move", P + "reject": "reject"}.get(trigger)
    if decision is None:
        return dash.no_update, dash.no_update
    value = str(move_to if decision == "move" else reason or "")[:300]
    try:
        data.review_decide(current_viewer(), key, decision, value)
    except (SitawareError, ValueError) as exc:
        return str(exc), dash.no_update
    return t("review_done", lang), (refresh or 0) + 1


@secure_callback(
    PAGE_CAPABILITY,
    Output(P + "batch", "options"),
    Input(P + "refresh", "data"),
    Input(P + "retry-message", "children"),
)
def batches(_refresh: Any, _msg: Any) -> list[dict[str, Any]]:
    """Recent load batches that refused rows."""
    return [
        {
            "label": f"#{b.id} · {b.started_at:%Y-%m-%d %H:%M} · {b.kind} · {b.source} · "
            f"{b.file_name or ''} · {b.n_quarantined:,}",
            "value": b.id,
        }
        for b in data.quarantine_batches()
    ]


@secure_callback(
    PAGE_CAPABILITY,
    Output(P + "rows", "children"),
    Input(P + "batch", "value"),
    Input(P + "retry-message", "children"),
    Input("lang", "value"),
)
def rows(batch: Any, _msg: Any, lang: str) -> Any:
    """The refused rows of a batch: row number, reason, and the raw values."""
    lang = _lang(lang)
    if not isinstance(batch, int):
        return None
    items = data.quarantined(batch)[:200]
    head = html.Tr([html.Th(t("row", lang)), html.Th(t("reason", lang)), html.Th(t("raw", lang))])
    body = [
        html.Tr(
            [
                html.Td(str(q.row_number), className="num"),
                html.Td([html.Strong(q.reason_code), html.Br(), q.message]),
                html.Td(html.Code(json.dumps(q.raw, ensure_ascii=False)[:300])),
            ]
        )
        for q in items
    ]
    return html.Table([html.Thead(head), html.Tbody(body)], className="sa-counts")


@secure_callback(
    PAGE_CAPABILITY,
    Output(P + "retry-message", "children"),
    Input(P + "retry", "n_clicks"),
    State(P + "batch", "value"),
    State("lang", "value"),
)
def retry(clicks: Any, batch: Any, lang: str) -> Any:
    """Run the batch's refused rows through the ETL again."""
    lang = _lang(lang)
    if not clicks or not isinstance(batch, int):
        return dash.no_update
    try:
        r = data.retry_batch(current_viewer(), batch)
    except (SitawareError, ValueError) as exc:
        return str(exc)
    loaded = (r.loaded.inserted + r.loaded.updated + r.loaded.unchanged) if r.loaded else 0
    return (
        f"#{batch}: {r.retried} {t('retried', lang)}, {loaded} {t('loaded', lang)}, "
        f"{r.still_quarantined} {t('still_refused', lang)}"
    )
