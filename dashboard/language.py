"""The language switch in the header is remembered per person (``app_user.language``), so a
command-centre console and a field officer's phone open in the language each person chose."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output

from dashboard.auth.guard import current_viewer, get_bind
from dashboard.auth.policy import secure_callback
from geodata import accounts
from geodata.roles import Cap


@secure_callback(
    Cap.SIGNED_IN, Output("lang-saved", "data"), Input("lang", "value"), prevent_initial_call=True
)
def remember_language(lang: Any) -> Any:
    """Store the chosen language for the signed-in person (not for API tokens)."""
    viewer = current_viewer()
    if lang not in ("th", "en") or not viewer.username or viewer.via_token:
        return dash.no_update
    accounts.set_language(get_bind(), viewer.username, lang)
    return lang
