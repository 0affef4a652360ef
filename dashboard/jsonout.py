"""Callback responses serialised in one pass of orjson.

Dash writes every callback answer with plotly's ``to_json_plotly``. With orjson installed that
tries ``orjson.dumps`` first, but an answer that holds a Dash component (a panel's children, an
``html.Div``) is refused, and plotly then walks the whole answer in Python
(``clean_to_json_compatible``) before dumping it: under load that walk cost ~12 % of the
server's CPU. Here orjson calls back for the objects it does not know (components, figures,
``Patch``: whatever has ``to_plotly_json``), so the answer is written in one native pass.
Anything orjson still cannot take (pandas objects, say) goes through plotly's function, as
before, and the same characters are escaped as plotly escapes them (``<``, ``>``, ``/``,
U+2028, U+2029), so the text can never close a script element.
"""

from __future__ import annotations

from typing import Any

import orjson
from plotly.io._json import _safe, _swap_orjson  # type: ignore[import-untyped]
from plotly.io.json import to_json_plotly  # type: ignore[import-untyped]

OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def _plotly_json(obj: Any) -> Any:
    to_plotly_json = getattr(obj, "to_plotly_json", None)
    if to_plotly_json is None:
        raise TypeError(type(obj).__name__)
    return to_plotly_json()


def to_json(value: Any) -> str:
    """``value`` as JSON text, as ``plotly.io.json.to_json_plotly`` writes it."""
    try:
        text = orjson.dumps(value, default=_plotly_json, option=OPTIONS).decode("utf8")
    except TypeError:
        return str(to_json_plotly(value))
    return str(_safe(text, _swap_orjson))


def install() -> None:
    """Make Dash's callback dispatch write its answers with ``to_json``."""
    import dash._callback

    dash._callback.to_json = to_json  # type: ignore[attr-defined]
