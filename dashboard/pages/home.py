"""Home page: the loaded admin areas on an offline map, with counts and source attribution.

The live situational map replaces this page's map with layers of tips, venues and units; the
admin layer, the counts and the attribution stay.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, callback, dcc, html

from dashboard import data, ids
from dashboard.components.admin_map import admin_map_figure
from dashboard.components.basemap import style_url
from dashboard.i18n import t

LEVELS = ("province", "district", "subdistrict")


def layout(**_query: Any) -> html.Div:
    """Page layout; filled by the callback (no database work at import)."""
    return html.Div(
        [
            html.Div(
                className="sa-main",
                children=[
                    html.Div(
                        className="sa-panel",
                        children=[
                            html.H2(id=ids.HOME_LEVEL + "-title"),
                            html.Label(
                                id=ids.HOME_LEVEL + "-label",
                                htmlFor=ids.HOME_LEVEL,
                                className="sa-field",
                            ),
                            dcc.RadioItems(
                                id=ids.HOME_LEVEL,
                                value="province",
                                options=[],
                                className="sa-radio",
                            ),
                            html.Label(
                                id=ids.HOME_PROVINCE + "-label",
                                htmlFor=ids.HOME_PROVINCE,
                                className="sa-field",
                            ),
                            dcc.Dropdown(id=ids.HOME_PROVINCE, value="", clearable=False),
                            html.P(id=ids.HOME_LEVEL + "-note", className="sa-note"),
                            html.Div(id=ids.HOME_COUNTS),
                        ],
                    ),
                    html.Div(
                        className="sa-panel",
                        children=[
                            dcc.Loading(
                                dcc.Graph(
                                    id=ids.HOME_MAP,
                                    className="sa-map",
                                    config={"displaylogo": False, "scrollZoom": True},
                                )
                            )
                        ],
                    ),
                ],
            ),
            html.Div(id=ids.HOME_ATTRIBUTION, className="sa-attribution"),
        ]
    )


dash.register_page(__name__, path="/", title="sitaware", name="home", layout=layout)


def counts_table(lang: str) -> html.Table:
    """Per-level counts for the whole country (pure builder over data.admin_summary)."""
    columns = ("count", "official", "approximate")
    head = html.Tr(
        [html.Th(t("level", lang))] + [html.Th(t(c, lang), className="num") for c in columns]
    )
    rows = [
        html.Tr(
            [html.Td(t(s.level, lang))]
            + [html.Td(f"{v:,}", className="num") for v in (s.n, s.n_official, s.n_approximate)]
        )
        for s in data.admin_summary("")
    ]
    return html.Table([html.Thead(head), html.Tbody(rows)], className="sa-counts")


def attribution(lang: str) -> html.Div:
    """Source and licence of every loaded layer."""
    return html.Div(
        [
            html.Strong(t("sources", lang) + ": "),
            html.Ul(
                [
                    html.Li(f"{s.attribution}" + (f" · v{s.version}" if s.version else ""))
                    for s in data.data_sources()
                ]
            ),
        ]
    )


@callback(
    Output(ids.HOME_LEVEL + "-title", "children"),
    Output(ids.HOME_LEVEL + "-label", "children"),
    Output(ids.HOME_LEVEL, "options"),
    Output(ids.HOME_PROVINCE + "-label", "children"),
    Output(ids.HOME_PROVINCE, "options"),
    Output(ids.HOME_COUNTS, "children"),
    Output(ids.HOME_ATTRIBUTION, "children"),
    Input("lang", "value"),
)
def render_labels(lang: str) -> tuple[Any, ...]:
    """Labels, pickers, counts and attribution in the chosen language."""
    lang = lang if lang in ("th", "en") else "th"
    level_opts = [{"label": t(level, lang), "value": level} for level in LEVELS]
    prov_opts = [{"label": t("all_thailand", lang), "value": ""}] + [
        {
            "label": f"{p.name_th} ({p.name_en})" if lang == "th" else f"{p.name_en} ({p.name_th})",
            "value": p.code,
        }
        for p in data.provinces()
    ]
    return (
        t("admin_areas", lang),
        t("level", lang),
        level_opts,
        t("province", lang),
        prov_opts,
        counts_table(lang),
        attribution(lang),
    )


@callback(
    Output(ids.HOME_MAP, "figure"),
    Output(ids.HOME_LEVEL + "-note", "children"),
    Input(ids.HOME_LEVEL, "value"),
    Input(ids.HOME_PROVINCE, "value"),
    Input("lang", "value"),
)
def render_map(level: str, province: str, lang: str) -> tuple[Any, str]:
    """The map for the chosen level and province."""
    lang = lang if lang in ("th", "en") else "th"
    level = level if level in LEVELS else "province"
    province = (
        province if isinstance(province, str) and province.isdigit() and len(province) == 2 else ""
    )
    note = ""
    if level == "subdistrict" and not province:
        note = t("pick_province_for_subdistricts", lang)
        level = "district"
    fc = data.admin_geojson(level, province)
    return admin_map_figure(fc, lang, uirevision=f"{level}:{province}", style=style_url()), note
