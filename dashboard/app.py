"""The Dash app factory: builds the shell (header, language switch, pages) and nothing else."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import dcc, html

from dashboard import data
from geodata import db
from geodata.settings import Settings, get_settings

HERE = Path(__file__).resolve().parent


def create_app(settings: Settings | None = None) -> dash.Dash:
    """A configured Dash app; pages register themselves when imported here."""
    settings = settings or get_settings()
    data.use_engine(db.get_engine(settings))
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(HERE / "assets"),
        title="sitaware",
        update_title=None,
        serve_locally=True,
        suppress_callback_exceptions=False,
    )
    # Pages register themselves with dash.register_page when imported (after the app exists).
    from dashboard.pages import home  # noqa: F401

    app.layout = html.Div(
        [
            html.Header(
                className="sa-header",
                children=[
                    html.H1("sitaware"),
                    html.Span("แผนที่สถานการณ์ · Situational map", className="sa-sub"),
                    html.Div(style={"flex": "1"}),
                    dcc.RadioItems(
                        id="lang",
                        options=[
                            {"label": "ไทย", "value": "th"},
                            {"label": "English", "value": "en"},
                        ],
                        value="th",
                        inline=True,
                        className="sa-radio",
                        persistence=True,
                        persistence_type="local",
                    ),
                ],
            ),
            dash.page_container,
        ]
    )
    return app
