"""Pure builder: one venue or lodging site in full, for the map's details panel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dash import html

from dashboard.components.mapfig import first_point
from dashboard.fmt import date_text, datetime_text
from dashboard.i18n import category_label, t

PLACE_LAYERS = ("venue", "lodging")


def picked_place(click: Any) -> tuple[str, int] | None:
    """(layer, id) of the venue or lodging point a map click picked (its last two custom data),
    or None for anything else (an area, a cluster, a tip cell, a malformed event)."""
    custom = first_point(click).get("customdata")
    if not isinstance(custom, list) or len(custom) < 2:
        return None
    layer, place_id = custom[-2], custom[-1]
    if layer not in PLACE_LAYERS or isinstance(place_id, bool) or not isinstance(place_id, int):
        return None
    return (layer, place_id) if place_id > 0 else None


def detail_view(layer: str, row: dict[str, Any], lang: str) -> html.Div:
    """The place's fields that ``row`` holds (the role decided which), as a definition list;
    values from data files are text children (Dash escapes them)."""
    own, other = ("name_th", "name_en") if lang == "th" else ("name_en", "name_th")
    name = row.get(own) or row.get(other) or "—"
    items: list[tuple[str, Any]] = []
    if layer == "venue":
        category = category_label(str(row.get("category") or "other"), lang)
        items.append((t("category", lang), category))
        items.append((t("sensitivity", lang), f"{row.get('sensitivity')} / 5"))
    else:
        items.append((t("lodging_type", lang), row.get("lodging_type")))
        items.append((t("rooms", lang), row.get("rooms")))
    items.append((t("address", lang), row.get("address_raw")))
    suffix = "_th" if lang == "th" else "_en"
    area = [row.get(f"{lvl}{suffix}") for lvl in ("subdistrict", "district", "province")]
    items.append((t("place", lang), " · ".join(a for a in area if a) or None))
    if row.get("lat") is not None and row.get("lon") is not None:
        where = f"{float(row['lat']):.5f}, {float(row['lon']):.5f}"
        items.append((t("position", lang), f"{where} ({row.get('geo_precision') or '—'})"))
    for key, label in (("contact", "contact"), ("licence_no", "licence")):
        if key in row:
            items.append((t(label, lang), row.get(key)))
    if "licence_expires" in row:
        expires = row.get("licence_expires")
        shown = date_text(expires, lang) if isinstance(expires, dt.date) else None
        items.append((t("licence_expires", lang), shown))
    items.append((t("data_source", lang), row.get("source")))
    if "source_id" in row:
        items.append((t("source_record", lang), row.get("source_id")))
    updated = row.get("updated_at")
    if isinstance(updated, dt.datetime):
        items.append((t("updated", lang), datetime_text(updated, lang)))
    other_name = row.get(other)
    return html.Div(
        [
            html.H3(name),
            html.P(other_name, className="sa-note") if other_name and other_name != name else None,
            html.Dl(
                className="sa-fields",
                children=[
                    part
                    for label, value in items
                    for part in (html.Dt(label), html.Dd("—" if value in (None, "") else value))
                ],
            ),
        ]
    )
