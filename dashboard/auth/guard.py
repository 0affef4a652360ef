"""The one guard every request passes: who is asking, may they, and the response headers.

Order per request: resolve the viewer (bearer token or session cookie), check the Origin of
state-changing requests (CSRF), look up the capability of the route — or, for Dash, of the
callback named in the request body — and refuse with 401/403 unless the viewer holds it.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from typing import Any
from urllib.parse import urlparse

import flask
from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from dashboard.auth import policy
from geodata import accounts, audit
from geodata.db import Bind
from geodata.roles import ANONYMOUS, Cap, Viewer
from geodata.settings import Settings

log = logging.getLogger("sitaware.auth")

SESSION_COOKIE = "sitaware_session"
DASH_UPDATE = "/_dash-update-component"
_UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_PASSWORD_GATE = {"auth.password_page", "auth.password_post", "auth.logout"}


def current_viewer() -> Viewer:
    """The viewer of the current request (anonymous outside a request or before the guard)."""
    if not flask.has_request_context():
        return ANONYMOUS
    viewer = g.get("viewer")
    return viewer if isinstance(viewer, Viewer) else ANONYMOUS


def in_guarded_request() -> bool:
    """True inside a request that the guard has resolved (False while Dash warms up)."""
    return flask.has_request_context() and isinstance(g.get("viewer"), Viewer)


def get_bind() -> Bind:
    """The database bind of this app (an Engine; tests may pass a Connection)."""
    bind: Bind = flask.current_app.config["SITAWARE_BIND"]
    return bind


def app_settings() -> Settings:
    """The settings this app was created with."""
    settings: Settings = flask.current_app.config["SITAWARE_SETTINGS"]
    return settings


def client_ip() -> str | None:
    """The client's address; X-Forwarded-For is honoured only behind a trusted proxy."""
    if app_settings().trust_proxy:
        fwd = request.headers.get("X-Forwarded-For", "")
        if fwd:
            return fwd.split(",")[-1].strip() or request.remote_addr
    return request.remote_addr


def is_https() -> bool:
    """True when the client reached us over TLS (directly or via a trusted proxy)."""
    if request.is_secure:
        return True
    return app_settings().trust_proxy and request.headers.get("X-Forwarded-Proto") == "https"


def wants_html() -> bool:
    """True for a browser page navigation (redirect to the login page rather than 401)."""
    if request.method != "GET" or request.path.startswith(("/api/", "/_dash")):
        return False
    return "text/html" in request.headers.get("Accept", "")


DENIED_HEADER = "X-Sitaware-Denied"


def json_error(status: int, message: str) -> Response:
    """A JSON error body with no internals in it."""
    resp = flask.jsonify({"error": message, "status": status})
    resp.status_code = status
    return resp


def denial(status: int, message: str) -> Response:
    """A refusal by the guard (marked, so tests can tell it from a view's own answer)."""
    resp = json_error(status, message)
    resp.headers[DENIED_HEADER] = "1"
    return resp


def _resolve_viewer() -> Viewer:
    bind, settings, ip = get_bind(), app_settings(), client_ip()
    auth = request.headers.get("Authorization", "")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return ANONYMOUS
        return accounts.resolve_token(bind, token.strip(), client_ip=ip) or ANONYMOUS
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return ANONYMOUS
    state, viewer = accounts.resolve_session(bind, session_id, settings, client_ip=ip)
    if state in (accounts.SessionState.IDLE, accounts.SessionState.EXPIRED):
        g.clear_session_cookie = True
        audit.record(bind, "session.expired", client_ip=ip, detail={"reason": state.value})
    elif state != accounts.SessionState.ACTIVE:
        g.clear_session_cookie = True
    return viewer or ANONYMOUS


def _same_origin(url: str) -> bool:
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}" == request.host_url.rstrip("/") or (
        parsed.netloc == request.host and parsed.scheme in ("http", "https")
    )


def csrf_ok() -> bool:
    """State-changing requests must come from our own pages (Origin, else Referer).

    API clients that authenticate with a bearer token send no cookies, so they cannot be
    forged by another site and need neither header. The login form may be posted by scripts
    without either header; if one is present it must match.
    """
    if request.method not in _UNSAFE_METHODS:
        return True
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin != "null" and _same_origin(origin)
    referer = request.headers.get("Referer")
    if referer is not None:
        return _same_origin(referer)
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return True
    return request.endpoint == "auth.login_post"


def _required_capability() -> Cap | None:
    endpoint = request.endpoint
    if endpoint is None:
        return Cap.PUBLIC  # no such route: Flask answers 404, nothing is served
    pol: policy.Policy = flask.current_app.config["SITAWARE_POLICY"]
    cap = pol.routes.get(endpoint)
    if cap is None:
        return None
    if request.path.endswith(DASH_UPDATE) and request.method == "POST":
        body = request.get_json(silent=True, cache=True)
        key = body.get("output") if isinstance(body, dict) else None
        return pol.callbacks.get(key) if isinstance(key, str) else None
    return cap


def _malformed_callback() -> Response | None:
    """A callback request whose inputs and states do not match the callback's declaration is
    refused with 400 (Dash itself would fail on it with a 500)."""
    if not (request.path.endswith(DASH_UPDATE) and request.method == "POST"):
        return None
    body = request.get_json(silent=True, cache=True)
    if not isinstance(body, dict):
        return json_error(400, "malformed callback request")
    entry = flask.current_app.config.get("SITAWARE_CALLBACK_MAP", {}).get(body.get("output"))
    if entry is None:
        return None
    for part, declared in (("inputs", entry.get("inputs", [])), ("state", entry.get("state", []))):
        sent = body.get(part, [])
        if not isinstance(sent, list) or len(sent) != len(declared):
            return json_error(400, f"malformed callback request: {len(declared)} {part} expected")
    return None


def before_request() -> Response | None:  # noqa: PLR0911 - one exit per refusal reason
    """Authenticate, check CSRF and authorize; a response here ends the request."""
    if request.method == "OPTIONS":
        return json_error(405, "method not allowed")
    try:
        viewer = _resolve_viewer()
    except audit.AuditError:
        return json_error(503, "audit trail unavailable")
    g.viewer = viewer
    if not csrf_ok():
        return denial(403, "cross-site request refused (Origin/Referer check)")
    cap = _required_capability()
    if cap is None:
        return _deny(viewer, "undeclared endpoint or callback")
    if viewer.must_change_password and cap != Cap.PUBLIC and request.endpoint not in _PASSWORD_GATE:
        # a one-time password only opens the page where the user sets their own
        if wants_html():
            return flask.redirect(flask.url_for("auth.password_page"))
        return denial(403, "set your own password first: /password")
    if viewer.can(cap):
        return _malformed_callback()
    if not viewer.signed_in:
        if wants_html():
            resp = flask.redirect(
                flask.url_for("auth.login_page", next=request.full_path.rstrip("?"))
            )
            resp.headers[DENIED_HEADER] = "1"
            return resp
        return denial(401, "sign in required")
    return _deny(viewer, f"needs {cap.value}")


def _deny(viewer: Viewer, reason: str) -> Response:
    if not viewer.signed_in:
        return denial(401, "sign in required")
    try:
        audit.record(
            get_bind(),
            "access.denied",
            viewer=viewer,
            outcome="denied",
            detail={"path": request.path[:200], "reason": reason},
        )
    except audit.AuditError:
        log.exception("audit unavailable while denying %s", request.path)
    return denial(403, "forbidden")


def content_security_policy(script_hashes: list[str], tile_origin: str | None = None) -> str:
    """The CSP sent with every response (see docs/security.md for each exception). A
    configured tile server is the only other origin the page may fetch from."""
    scripts = " ".join(f"'sha256-{h}'" for h in script_hashes)
    extra = f" {tile_origin}" if tile_origin else ""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {scripts}".strip(),
            # Plotly and MapLibre inject <style> elements at run time.
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob:{extra}",
            "font-src 'self' data:",
            f"connect-src 'self'{extra}",
            # MapLibre runs its tile/geometry workers from blob: URLs.
            "worker-src 'self' blob:",
            "child-src 'self' blob:",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def tile_origin(template: str | None) -> str | None:
    """scheme://host[:port] of a tile URL template (what CSP must allow), or None."""
    if not template:
        return None
    parsed = urlparse(template.replace("{z}", "0").replace("{x}", "0").replace("{y}", "0"))
    return f"{parsed.scheme}://{parsed.netloc}" if parsed.scheme and parsed.netloc else None


def inline_script_hash(script: str) -> str:
    """Base64 SHA-256 of an inline script, for CSP."""
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)


def inline_script_hashes(page: str) -> list[str]:
    """CSP hashes of every inline script a page executes (Dash's renderer bootstrap and its
    generated clientside-callback code); JSON data blocks and commented-out scripts are not
    executed and need none."""
    hashes = []
    for m in _INLINE_SCRIPT.finditer(_COMMENT.sub("", page)):
        attrs = m.group("attrs")
        if "src=" in attrs or "application/json" in attrs:
            continue
        hashes.append(inline_script_hash(m.group("body")))
    return sorted(set(hashes))


def after_request(response: Response) -> Response:
    """Security headers on every response, and the session cookie cleared when it died."""
    csp: str = flask.current_app.config["SITAWARE_CSP"]
    response.headers["Content-Security-Policy"] = csp
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), payment=()"
    if is_https():
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.path.startswith(("/api/", "/_dash-update", "/_dash-layout", "/login")):
        response.headers["Cache-Control"] = "no-store"
    if g.get("clear_session_cookie"):
        clear_session_cookie(response)
    return response


def set_session_cookie(response: Response, session_id: str) -> None:
    """Set the session cookie: HttpOnly, SameSite=Strict, Secure unless configured off."""
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        httponly=True,
        secure=app_settings().cookie_secure,
        samesite="Strict",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    """Remove the session cookie from the browser."""
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        secure=app_settings().cookie_secure,
        samesite="Strict",
    )


def handle_error(exc: Exception) -> Any:
    """Errors never show a stack trace: HTTP errors keep their status, the rest are 500."""
    if isinstance(exc, HTTPException):
        return json_error(exc.code or 500, exc.name)
    log.exception("unhandled error on %s", request.path)
    return json_error(500, "internal error")


def install(
    server: Flask, settings: Settings, bind: Bind, pol: policy.Policy, script_hashes: list[str]
) -> None:
    """Attach the guard to ``server``, enforcing ``pol``."""
    server.config["SITAWARE_POLICY"] = pol
    server.config["SITAWARE_SETTINGS"] = settings
    server.config["SITAWARE_BIND"] = bind
    server.config["SITAWARE_CSP"] = content_security_policy(
        script_hashes, tile_origin(settings.basemap_tiles)
    )
    server.before_request(before_request)
    server.after_request(after_request)
    server.register_error_handler(Exception, handle_error)
