"""Callback answers are written by orjson in one pass (dashboard.jsonout), with exactly the text
plotly's serialiser would write: components, patches, numpy values, dates, NaN, escapes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from dash import Patch, dcc, html
from plotly.io.json import to_json_plotly

from dashboard import jsonout


def _answer() -> dict[str, object]:
    patch = Patch()
    patch["data"][3] = {"lon": [100.5, 100.6], "lat": (13.7, 13.8)}
    patch["layout"]["map"]["zoom"] = 11
    return {
        "multi": True,
        "response": {
            "home-tips": {
                "children": [
                    html.Div(["</script><b>", html.Td("ไทย\u2028ข้อความ")], className="sa-card"),
                    dcc.Graph(figure={"data": [{"z": np.array([1.5, 2.0]), "type": "scatter"}]}),
                ]
            },
            "home-map": {
                "figure": patch,
                "day": dt.date(2026, 11, 26),
                "at": dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC),
                "n": np.int64(3),
                "x": np.float32(0.5),
                "missing": float("nan"),
                "ring": ((100.5, 13.7), (100.6, 13.7), (100.5, 13.7)),
            },
        },
    }


def test_same_text_as_plotly() -> None:
    value = _answer()
    text = jsonout.to_json(value)
    assert text == to_json_plotly(value)
    assert "</script>" not in text and "\\u003c/script\\u003e" in text.replace("\\u002f", "/")


def test_what_orjson_cannot_take_goes_through_plotly() -> None:
    value = {"series": pd.Series([1, 2, 3]), "when": pd.Timestamp("2026-11-26")}
    assert jsonout.to_json(value) == to_json_plotly(value)


def test_installed_for_callbacks() -> None:
    import dash._callback

    jsonout.install()
    assert dash._callback.to_json is jsonout.to_json  # type: ignore[attr-defined]
