"""The declarations the guard enforces: which capability every route and callback needs.

Deny by default: a Flask endpoint or Dash callback that declares no capability makes
``verify`` raise, and the app refuses to start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import dash

from geodata.roles import Cap

F = TypeVar("F", bound=Callable[..., Any])
_ATTR = "__sitaware_capability__"


class UndeclaredEndpointError(RuntimeError):
    """A route or callback has no declared capability; the app must not start."""


# Endpoints that Flask and Dash create themselves.
BUILTIN_ROUTES: dict[str, Cap] = {
    "static": Cap.PUBLIC,  # Flask's /static (unused, empty)
    "_dash_assets.static": Cap.PUBLIC,  # CSS, fonts, the offline map style
    "/_favicon.ico": Cap.PUBLIC,
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": Cap.SIGNED_IN,
    "/_dash-layout": Cap.SIGNED_IN,
    "/_dash-dependencies": Cap.SIGNED_IN,
    "/_dash-update-component": Cap.SIGNED_IN,  # then per callback, see CALLBACKS
    "/_reload-hash": Cap.SIGNED_IN,
    "/": Cap.SIGNED_IN,
    "/<path:path>": Cap.SIGNED_IN,
}

# Callbacks Dash registers itself: the pages router.
BUILTIN_CALLBACK_MARKERS: dict[str, Cap] = {
    "_pages_content.children": Cap.SIGNED_IN,
}


@dataclass(frozen=True)
class Policy:
    """What one app's routes (Flask endpoint → capability) and server-side callbacks (Dash
    output key → capability) need; built and checked by ``verify``."""

    routes: dict[str, Cap] = field(default_factory=dict)
    callbacks: dict[str, Cap] = field(default_factory=dict)


def requires(cap: Cap) -> Callable[[F], F]:
    """Declare the capability a Flask view needs."""

    def deco(fn: F) -> F:
        setattr(fn, _ATTR, cap)
        return fn

    return deco


def secure_callback(cap: Cap, *args: Any, **kwargs: Any) -> Callable[[F], F]:
    """``dash.callback`` with the capability it needs; the only way pages add callbacks."""

    def deco(fn: F) -> F:
        setattr(fn, _ATTR, cap)
        return dash.callback(*args, **kwargs)(fn)  # type: ignore[no-any-return]

    return deco


def capability_of(fn: Any) -> Cap | None:
    """The capability declared on ``fn`` or on any function it wraps."""
    seen = 0
    while fn is not None and seen < 10:
        cap = getattr(fn, _ATTR, None)
        if cap is not None:
            return Cap(cap)
        fn = getattr(fn, "__wrapped__", None)
        seen += 1
    return None


def verify(app: dash.Dash) -> Policy:
    """The policy of ``app``; raises UndeclaredEndpointError when anything is undeclared."""
    server = app.server
    undeclared: list[str] = []
    policy = Policy()
    for rule in server.url_map.iter_rules():
        cap = capability_of(server.view_functions.get(rule.endpoint)) or BUILTIN_ROUTES.get(
            rule.endpoint
        )
        if cap is None:
            undeclared.append(f"route {rule.rule} ({rule.endpoint})")
        else:
            policy.routes[rule.endpoint] = cap
    for key, entry in app.callback_map.items():
        if "callback" not in entry:
            continue  # clientside: runs in the browser; the guard refuses it on the server
        cap = capability_of(entry.get("callback"))
        if cap is None:
            cap = next((c for m, c in BUILTIN_CALLBACK_MARKERS.items() if m in key), None)
        if cap is None:
            undeclared.append(f"callback {key}")
        else:
            policy.callbacks[key] = cap
    if undeclared:
        raise UndeclaredEndpointError(
            "every route and callback must declare a capability (dashboard/auth/policy.py); "
            "undeclared: " + "; ".join(undeclared)
        )
    return policy
