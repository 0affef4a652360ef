"""Pure builders for the proximity panel and the circle drawn on the map."""

from __future__ import annotations

import math
from typing import Any
from zoneinfo import ZoneInfo

from dash import html

from dashboard.components.layers import trace
from dashboard.i18n import category_label, t

BANGKOK = ZoneInfo("Asia/Bangkok")
_COMPASS_EN = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
_COMPASS_TH = ("เหนือ", "ตอ.เฉียงเหนือ", "ตะวันออก", "ตอ.เฉียงใต้", "ใต้", "ตต.เฉียงใต้", "ตะวันตก",
               "ตต.เฉียงเหนือ")  # fmt: skip


def compass(bearing: float | None, lang: str) -> str:
    """Bearing in degrees → one of eight directions, in ``lang``."""
    if bearing is None or math.isnan(bearing):
        return "–"
    names = _COMPASS_TH if lang == "th" else _COMPASS_EN
    return names[int(((bearing % 360) + 22.5) // 45) % 8]


def metres(m: float, lang: str) -> str:
    """1,234 m / 1.2 km."""
    unit_m, unit_km = ("ม.", "กม.") if lang == "th" else ("m", "km")
    return f"{m:,.0f} {unit_m}" if m < 1000 else f"{m / 1000:,.1f} {unit_km}"


def circle_traces(lon: float, lat: float, radius_m: float, lang: str) -> list[dict[str, Any]]:
    """The search circle and its centre."""
    pts = 72
    dlat = radius_m / 110_540
    dlon = radius_m / (111_320 * math.cos(math.radians(lat)))
    ring_lon = [lon + dlon * math.cos(2 * math.pi * i / pts) for i in range(pts + 1)]
    ring_lat = [lat + dlat * math.sin(2 * math.pi * i / pts) for i in range(pts + 1)]
    label = t("near_title", lang)
    return [
        trace("scattermap",
            lon=ring_lon, lat=ring_lat, mode="lines", line={"width": 2, "color": "#1d4ed8"},
            fill="toself", fillcolor="rgba(29,78,216,0.08)", name=label, hoverinfo="skip",
        ),
        trace("scattermap",
            lon=[lon], lat=[lat], mode="markers", marker={"size": 12, "color": "#1d4ed8"},
            name=t("near_centre", lang), hovertemplate="%{lat:.5f}, %{lon:.5f}<extra></extra>",
        ),
    ]  # fmt: skip


def _rows(items: list[dict[str, Any]], lang: str) -> html.Table:
    name_key, other = ("name_th", "name_en") if lang == "th" else ("name_en", "name_th")
    head = [
        html.Th(t("name", lang)),
        html.Th(t("distance", lang), className="num"),
        html.Th(t("direction", lang)),
    ]
    body = []
    for r in items:
        # Dash renders text, never HTML: names from data files need no escaping here
        name = str(r.get(name_key) or r.get(other) or "")
        cells = [
            html.Td([name, html.Br(), html.Small(category_label(r.get("category"), lang))]),
            html.Td(metres(float(r["metres"]), lang), className="num"),
            html.Td(compass(r.get("bearing"), lang)),
        ]
        body.append(html.Tr(cells))
    return html.Table([html.Thead(html.Tr(head)), html.Tbody(body)], className="sa-counts")


def panel(result: dict[str, Any], label: str, lang: str) -> list[Any]:
    """The lists under the search box."""
    out: list[Any] = [html.P(f"{t('near_centre', lang)}: {label} · {t('radius_m', lang)} "
                             f"{result['radius_m']:,.0f}", className="sa-note")]  # fmt: skip
    for key, title in (("venues", "near_venues"), ("lodging", "near_lodging")):
        out.append(html.H3(t(title, lang)))
        out.append(_rows(result[key], lang) if result[key] else html.P(t("none_here", lang)))
    out.append(html.H3(f"{t('near_tips', lang)}: {result['tips_total']:,}"))
    if result["tips"]:
        tips = [
            {
                "name_th": f"{r['reported_at'].astimezone(BANGKOK):%Y-%m-%d %H:%M}",
                "name_en": None,
                **r,
            }
            for r in result["tips"]
        ]
        out.append(_rows(tips, lang))
    return out
