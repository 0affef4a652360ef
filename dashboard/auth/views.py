"""Sign-in and sign-out: ``GET /login`` (page), ``POST /login`` (form), ``POST /logout``."""

from __future__ import annotations

import flask
from flask import Blueprint, Response, render_template_string, request

from dashboard.auth.guard import (
    SESSION_COOKIE,
    app_settings,
    clear_session_cookie,
    client_ip,
    current_viewer,
    get_bind,
    json_error,
    set_session_cookie,
)
from dashboard.auth.policy import requires
from dashboard.i18n import t
from geodata import accounts, audit
from geodata.roles import Cap

bp = Blueprint("auth", __name__)

# The sign-in and set-password pages share this frame (plain HTML: they work before Dash).
_HEAD = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>sitaware · {{ title }}</title>
  <link rel="stylesheet" href="{{ css }}">
</head>
<body class="sa-login-body">
  <main class="sa-login">
"""
_TAIL = """    <p class="sa-lang"><a href="?lang=th">ไทย</a> · <a href="?lang=en">English</a></p>
  </main>
</body>
</html>"""

_PAGE = (
    _HEAD
    + """    <h1>sitaware</h1>
    <p class="sa-sub">{{ subtitle }}</p>
    <form method="post" action="{{ action }}">
      <input type="hidden" name="next" value="{{ next }}">
      <label for="username">{{ username_label }}</label>
      <input id="username" name="username" autocomplete="username" required autofocus
             value="{{ username }}" maxlength="64">
      <label for="password">{{ password_label }}</label>
      <input id="password" name="password" type="password" autocomplete="current-password"
             required maxlength="1024">
      {% if message %}<p class="sa-error" role="alert">{{ message }}</p>{% endif %}
      <button type="submit">{{ submit }}</button>
    </form>
"""
    + _TAIL
)


def _lang() -> str:
    lang = request.args.get("lang") or request.form.get("lang") or ""
    if lang in ("th", "en"):
        return lang
    return "en" if request.accept_languages.best_match(["th", "en"]) == "en" else "th"


def _safe_next(target: str | None) -> str:
    """Only same-site paths: ``/…`` but never ``//host`` or a scheme."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _render(status: int = 200, message_key: str | None = None, username: str = "") -> Response:
    lang = _lang()
    html = render_template_string(
        _PAGE,
        lang=lang,
        title=t("sign_in", lang),
        subtitle=t("app_subtitle", lang),
        css=flask.url_for("_dash_assets.static", filename="sitaware.css"),
        action=flask.url_for("auth.login_post", lang=lang),
        next=_safe_next(request.values.get("next")),
        username_label=t("username", lang),
        password_label=t("password", lang),
        submit=t("sign_in", lang),
        message=t(message_key, lang) if message_key else "",
        username=username,
    )
    return Response(html, status=status, mimetype="text/html")


@bp.get("/login")
@requires(Cap.PUBLIC)
def login_page() -> Response:
    """The sign-in page (Thai or English)."""
    return _render()


@bp.post("/login")
@requires(Cap.PUBLIC)
def login_post() -> Response:
    """Check the form's ``username`` and ``password``; on success start a new session."""
    bind, settings, ip = get_bind(), app_settings(), client_ip()
    username = (request.form.get("username") or "").strip()[:64]
    password = request.form.get("password") or ""
    try:
        if (
            ip
            and audit.failed_logins_from(bind, ip, settings.ip_window_minutes)
            >= settings.ip_max_failures
        ):
            audit.record(
                bind, "login.rate_limited", username=username, client_ip=ip, outcome="denied"
            )
            return _render(429, "too_many_attempts", username)
        result, user = accounts.authenticate(bind, username, password, settings)
        if result != accounts.LoginResult.OK or user is None:
            role = user.role if user is not None else None
            audit.record(
                bind,
                "login.failed",
                username=username,
                role=role,
                client_ip=ip,
                outcome="denied",
                detail={"reason": result.value},
            )
            if result == accounts.LoginResult.LOCKED:
                audit.record(
                    bind,
                    "login.locked",
                    username=username,
                    role=role,
                    client_ip=ip,
                    outcome="denied",
                )
                return _render(423, "account_locked", username)
            return _render(401, "bad_credentials", username)
        old = request.cookies.get(SESSION_COOKIE)
        if old:
            accounts.revoke_session(bind, old)  # never keep a pre-login session id
        audit.record(bind, "login.ok", username=user.username, role=user.role, client_ip=ip)
        session_id = accounts.create_session(
            bind, user, settings, client_ip=ip, user_agent=request.headers.get("User-Agent")
        )
    except audit.AuditError:
        return _render(503, "audit_unavailable", username)
    resp = flask.redirect(_safe_next(request.form.get("next")), code=303)
    set_session_cookie(resp, session_id)
    return resp


@bp.post("/logout")
@requires(Cap.SIGNED_IN)
def logout() -> Response:
    """End the session server-side and clear the cookie."""
    viewer = current_viewer()
    session_id = request.cookies.get(SESSION_COOKIE)
    bind = get_bind()
    if session_id:
        accounts.revoke_session(bind, session_id)
    try:
        audit.record(bind, "logout", viewer=viewer)
    except audit.AuditError:
        return json_error(503, "audit trail unavailable")
    resp = flask.redirect(flask.url_for("auth.login_page"), code=303)
    clear_session_cookie(resp)
    return resp


_SET_PW_TEMPLATE = (
    _HEAD
    + """    <h1>{{ title }}</h1>
    <p class="sa-sub">{{ hint }}</p>
    <form method="post" action="{{ action }}">
      <label for="current">{{ current_label }}</label>
      <input id="current" name="current" type="password" autocomplete="current-password" required>
      <label for="new">{{ new_label }}</label>
      <input id="new" name="new" type="password" autocomplete="new-password" required
             minlength="12">
      <label for="confirm">{{ confirm_label }}</label>
      <input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
      {% if message %}<p class="sa-error" role="alert">{{ message }}</p>{% endif %}
      <button type="submit">{{ title }}</button>
    </form>
"""
    + _TAIL
)


def _render_password(status: int = 200, message: str = "") -> Response:
    lang = _lang()
    html = render_template_string(
        _SET_PW_TEMPLATE,
        lang=lang,
        title=t("set_password", lang),
        hint=t("set_password_hint", lang),
        css=flask.url_for("_dash_assets.static", filename="sitaware.css"),
        action=flask.url_for("auth.password_post", lang=lang),
        current_label=t("current_password", lang),
        new_label=t("new_password", lang),
        confirm_label=t("confirm_password", lang),
        message=message,
    )
    return Response(html, status=status, mimetype="text/html")


@bp.get("/password")
@requires(Cap.SIGNED_IN)
def password_page() -> Response:
    """Set one's own password (required after a one-time password)."""
    return _render_password()


@bp.post("/password")
@requires(Cap.SIGNED_IN)
def password_post() -> Response:
    """Check the current password and store the new one."""
    viewer = current_viewer()
    lang = _lang()
    current = request.form.get("current") or ""
    new = request.form.get("new") or ""
    if new != (request.form.get("confirm") or ""):
        return _render_password(400, t("passwords_differ", lang))
    if viewer.via_token or viewer.username is None:
        return json_error(403, "only a signed-in person can change their password")
    try:
        ok = accounts.change_own_password(get_bind(), viewer.username, current, new)
    except accounts.AccountError as exc:
        return _render_password(400, str(exc))
    if not ok:
        audit.record(get_bind(), "password.change", viewer=viewer, outcome="denied")
        return _render_password(401, t("bad_credentials", lang))
    try:
        audit.record(get_bind(), "password.change", viewer=viewer)
    except audit.AuditError:
        return json_error(503, "audit trail unavailable")
    return flask.redirect("/", code=303)
