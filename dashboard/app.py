"""The Dash app factory: the shell (header, language switch, pages) behind one guard."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import dash
from dash import dcc, html

from dashboard import jsonout
from dashboard.auth import guard, policy
from dashboard.i18n import t
from geodata import accounts, db
from geodata.db import Bind
from geodata.roles import Cap, Viewer
from geodata.settings import Settings, get_settings

HERE = Path(__file__).resolve().parent


def _language(viewer: Viewer) -> str:
    """The signed-in person's language (remembered per user); Thai otherwise."""
    if not viewer.signed_in or not viewer.username or viewer.via_token:
        return "th"
    user = accounts.get_user(guard.get_bind(), viewer.username)
    return user.language if user is not None else "th"


def shell() -> html.Div:
    """The page shell; built per request so the header shows who is signed in."""
    viewer = guard.current_viewer()
    lang = _language(viewer) if guard.in_guarded_request() else "th"
    user_box: list[object] = []
    if viewer.signed_in:
        user_box = [
            html.Nav(
                className="sa-nav",
                children=[dcc.Link(f"{t('nav_map', 'th')} / {t('nav_map', 'en')}", href="/")]
                + (
                    [dcc.Link(f"{t('nav_review', 'th')} / {t('nav_review', 'en')}", href="/review")]
                    if viewer.can(Cap.REVIEW)
                    else []
                ),
            ),
            html.Span(f"{viewer.username} · {viewer.role}", className="sa-user"),
            html.Form(
                action="/logout",
                method="post",
                className="sa-logout",
                children=[
                    html.Button(f"{t('sign_out', 'th')} / {t('sign_out', 'en')}", type="submit")
                ],
            ),
        ]
    return html.Div(
        [
            html.Header(
                className="sa-header",
                children=[
                    html.H1("sitaware"),
                    html.Span("แผนที่สถานการณ์ · Situational map", className="sa-sub"),
                    html.Div(style={"flex": "1"}),
                    *user_box,
                    dcc.RadioItems(
                        id="lang",
                        options=[
                            {"label": "ไทย", "value": "th"},
                            {"label": "English", "value": "en"},
                        ],
                        value=lang,
                        inline=True,
                        className="sa-radio",
                    ),
                    dcc.Store(id="lang-saved"),
                ],
            ),
            dash.page_container,
        ]
    )


def create_app(settings: Settings | None = None, bind: Bind | None = None) -> dash.Dash:
    """A configured Dash app. Refuses to build when any route or callback is undeclared."""
    settings = settings or get_settings()
    bind = bind if bind is not None else db.get_engine(settings)
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
    _serve_partial_plotly()
    jsonout.install()
    _compress(app.server)
    app.server.config["SITAWARE_SETTINGS"] = settings
    app.server.config["SITAWARE_BIND"] = bind
    # Pages register themselves with dash.register_page when imported (after the app exists).
    from dashboard import (
        language,  # noqa: F401 - registers the callback that remembers it
        mapstyle,
    )
    from dashboard.api import v1
    from dashboard.auth import views
    from dashboard.pages import home, home_detail, home_panels, review  # noqa: F401

    app.server.register_blueprint(views.bp)
    app.server.register_blueprint(v1.bp)
    app.server.register_blueprint(mapstyle.bp)
    app.layout = shell
    # Let Dash finish its lazy set-up (callback map, pages router) before anything is served,
    # so that every callback exists when the policy is verified below.
    with app.server.test_request_context("/"):
        for hook in list(app.server.before_request_funcs.get(None, [])):
            hook()
        index_page = app.index()
    pol = policy.verify(app)
    guard.install(app.server, settings, bind, pol, guard.inline_script_hashes(index_page))
    # the guard checks each callback request's shape against its declaration
    app.server.config["SITAWARE_CALLBACK_MAP"] = app.callback_map
    _warm(bind)
    return app


PLOTLY_BUNDLE = "vendor/plotly-sitaware.min.js"


def _serve_partial_plotly() -> None:
    """Serve the partial plotly.js bundle (the core, scatter and the three map traces: 2.9 MB,
    0.9 MB gzipped; tools/plotly-bundle) in place of the full one Dash registers (4.8 MB, 1.4 MB
    gzipped): less to download and to parse before the map can draw. It is a plain script of
    the page, so it downloads beside the others and ``window.Plotly`` exists before the first
    graph mounts (dcc.Graph then uses it instead of fetching its own)."""
    entry = {"relative_package_path": PLOTLY_BUNDLE, "namespace": "dashboard"}
    # Dash adds the full bundle to dcc's script list each time an app is created
    dcc._js_dist[:] = [  # type: ignore[attr-defined]
        entry if d.get("relative_package_path") == "package_data/plotly.min.js" else d
        for d in dcc._js_dist  # type: ignore[attr-defined]
        if d != entry
    ]


class _BundleCache:
    """flask-compress's cache: the compressed JavaScript bundles (component suites), kept for
    the life of the process, so a bundle is compressed once, not on every page load. Other
    responses (callbacks, pages) are never stored."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._store.get(key)

    def set(self, key: str, value: bytes) -> None:
        # flask-compress calls set after every response, a hit included: a kept bundle is not
        # compressed again (the plotly bundle: 150-400 ms of a worker per page load)
        if key in self._store:
            return
        if key.split(";", 1)[-1].startswith("/_dash-component-suites/") and len(self._store) < 64:
            self._store[key] = _recompressed(value)


def _recompressed(value: bytes) -> bytes:
    """A kept bundle, gzipped again at the highest level: callbacks are compressed at a fast
    level on every request, a bundle once per process (the plotly bundle: ~0.3 s at level 9,
    then every first view is smaller). Anything that is not gzip data is kept as it is."""
    try:
        return gzip.compress(gzip.decompress(value), 9)
    except (OSError, EOFError):
        return value


def _compress_key(request: Any) -> str:
    return str(request.full_path if request.method == "GET" else "")


def _compress(server: Any) -> None:
    """gzip what the app builds (bundles, callback responses; brotli only over https). Not the
    files of /assets (small, and fonts are compressed already): streaming them through the
    compressor leaves their file handles open. Callback answers at level 1, not zlib's default
    6: on a 350 kB map answer it is ~9x faster (2 ms, not 19) for ~25 % more bytes, and under
    50 users compression was an eighth of the server's CPU; the bundles are kept at level 9
    (``_BundleCache``)."""
    import flask_compress

    server.config.update(
        COMPRESS_STREAMS=False,
        COMPRESS_ALGORITHM=["gzip"],
        COMPRESS_LEVEL=1,
        COMPRESS_CACHE_KEY=_compress_key,
        COMPRESS_CACHE_BACKEND=_BundleCache,
    )
    flask_compress.Compress(server)


def _warm(bind: Bind) -> None:
    """Read the geocoder's gazetteer and outline index in the background, so the first tip
    posted to the intake API (or the first address typed) does not wait for them."""
    import threading

    from dashboard import intake

    def run() -> None:
        try:
            intake.gazetteer(bind)
            intake.reverse_index(bind)
        except Exception:  # a cold cache is filled on first use instead
            return

    threading.Thread(target=run, name="sitaware-warm", daemon=True).start()
