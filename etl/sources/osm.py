"""OpenStreetMap extracts (.osm.pbf, read with pyrosm): lodging and sensitive venues, with OSM
tags mapped to sitaware's categories.

- lodging: ``tourism=hotel|guest_house|hostel|motel``
- venues: ``amenity=school|college|university|kindergarten|place_of_worship|cinema|hospital|
  marketplace|townhall|police``, ``shop=mall|department_store``, ``railway=station``,
  ``public_transport=station``, ``amenity=bus_station``, ``aeroway=aerodrome``; places of worship
  by ``religion`` (buddhist → temple, muslim → mosque, christian → church, others → shrine).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

from etl.sources import MAX_FILE_BYTES, SourceError, SourceRow, SourceTable

LODGING_TAGS = {"tourism": ["hotel", "guest_house", "hostel", "motel"]}
VENUE_TAGS = {
    "amenity": [
        "school", "college", "university", "kindergarten", "place_of_worship", "cinema",
        "hospital", "marketplace", "townhall", "police", "bus_station",
    ],
    "shop": ["mall", "department_store"],
    "railway": ["station"],
    "public_transport": ["station"],
    "aeroway": ["aerodrome"],
}  # fmt: skip
RELIGION = {"buddhist": "temple", "muslim": "mosque", "christian": "church"}
VENUE_CATEGORY = {
    "school": "school", "college": "school", "university": "school", "kindergarten": "school",
    "cinema": "cinema", "hospital": "hospital", "marketplace": "market", "townhall": "government",
    "police": "government", "bus_station": "transit", "mall": "mall",
    "department_store": "mall", "station": "transit", "aerodrome": "transit",
}  # fmt: skip
COLUMNS = ["id", "name", "name_en", "category", "osm_tag", "address"]


def _s(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def venue_category(tags: dict[str, str]) -> str | None:
    """sitaware's venue category for one OSM object's tags (None: not a venue)."""
    if tags.get("amenity") == "place_of_worship":
        return RELIGION.get(tags.get("religion", ""), "shrine")
    for key, values in VENUE_TAGS.items():
        v = tags.get(key)
        if v in values:
            return VENUE_CATEGORY.get(v)
    return None


def read_osm(path: Path, kind: str) -> SourceTable:
    """Lodging (``kind='lodging'``) or venues (``kind='venues'``) of an OSM PBF extract."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise SourceError(f"{path}: over the {MAX_FILE_BYTES:,}-byte limit; cut the extract")
    import pyrosm  # heavy; only for OSM files

    tags = LODGING_TAGS if kind == "lodging" else VENUE_TAGS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pyrosm's own deprecation noise
            gdf = pyrosm.OSM(str(path)).get_pois(custom_filter=tags)
    except Exception as exc:  # pyrosm raises assorted errors for damaged files
        raise SourceError(f"{path}: not a readable OSM PBF extract ({exc})") from None
    table = SourceTable(path=path, format="osm.pbf", columns=COLUMNS)
    if gdf is None or gdf.empty:
        return table
    keys = [k for k in ("tourism", "amenity", "shop", "railway", "public_transport",
                        "aeroway", "religion") if k in gdf.columns]  # fmt: skip
    for i, rec in enumerate(gdf.to_dict("records"), start=1):
        t = {k: _s(rec.get(k)) for k in keys}
        if kind == "lodging":
            category, tag = t.get("tourism", ""), f"tourism={t.get('tourism', '')}"
        else:
            category = venue_category(t) or ""
            tag = next((f"{k}={t[k]}" for k in keys if t.get(k) and k != "religion"), "")
        values = {
            "id": f"{_s(rec.get('osm_type')) or 'node'}/{_s(rec.get('id'))}",
            "name": _s(rec.get("name")),
            "name_en": _s(rec.get("name:en")),
            "category": category,
            "osm_tag": tag,
            "address": f"{_s(rec.get('addr:housenumber'))} {_s(rec.get('addr:street'))}".strip(),
        }
        table.rows.append(SourceRow(i, values, geometry=rec.get("geometry")))
    return table


def read_roads(path: Path) -> list[tuple[str, str | None, str | None, str, str]]:
    """Named highways of an OSM extract: (way id, Thai name, English name, highway, WKT)."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise SourceError(f"{path}: over the {MAX_FILE_BYTES:,}-byte limit; cut the extract")
    import pyrosm

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf = pyrosm.OSM(str(path)).get_network(
                network_type="driving", extra_attributes=["name:en", "name:th"]
            )
    except Exception as exc:  # pyrosm raises assorted errors for damaged files
        raise SourceError(f"{path}: not a readable OSM PBF extract ({exc})") from None
    out: list[tuple[str, str | None, str | None, str, str]] = []
    if gdf is None or gdf.empty:
        return out
    for rec in gdf.to_dict("records"):
        name, th, en = _s(rec.get("name")), _s(rec.get("name:th")), _s(rec.get("name:en"))
        if not (name or th or en) or rec.get("geometry") is None:
            continue
        thai = th or (name if any("\u0e00" <= ch <= "\u0e7f" for ch in name) else "")
        english = en or (name if not thai or name != thai else "")
        out.append(
            (f"way/{_s(rec.get('id'))}", thai or None, english or None,
             _s(rec.get("highway"))[:32], rec["geometry"].wkt)
        )  # fmt: skip
    return out
