"""The geocoder's in-memory gazetteer: admin areas and places, indexed for fast matching.

Built once from ``geodata`` (``Gazetteer.load(bind)``); every lookup afterwards is a dict or a
short list scan, so a batch of addresses never touches the database for names.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import text as sql_text

from etl.geocode.text import key
from geodata.db import Bind, connect
from geodata.geocoding import GazetteerArea, GazetteerPlace, gazetteer_areas, gazetteer_places

_DISTRICT_PREFIXES = ("เขต", "อำเภอ", "กิ่งอำเภอ")
MUEANG = "เมือง"


@dataclass(frozen=True)
class Area:
    """One admin area and the point the geocoder answers with for it.

    ``point_level`` is the level the point really stands for: a subdistrict with no point of its
    own borrows its predecessor's (same level) or its district's (``district``)."""

    code: str
    level: str
    name_th: str
    name_en: str
    lon: float | None
    lat: float | None
    point_level: str
    postcodes: tuple[str, ...] = ()
    official: bool = False
    area_km2: float | None = None  # of the official polygon, when there is one

    @property
    def province(self) -> str:
        """Province code (first two digits)."""
        return self.code[:2]

    @property
    def district(self) -> str | None:
        """District code for a district or subdistrict."""
        return self.code[:4] if len(self.code) >= 4 else None


def district_base_name(name_th: str) -> str:
    """เขตพระนคร → พระนคร, อำเภอเมืองพะเยา → เมืองพะเยา."""
    for p in _DISTRICT_PREFIXES:
        if name_th.startswith(p) and len(name_th) > len(p):
            return name_th[len(p) :]
    return name_th


def name_variants(name: str) -> list[str]:
    """The name, and for "ปอภาร (ปอพาน)" also each part."""
    out = [name]
    if "(" in name:
        head, _, rest = name.partition("(")
        out += [head.strip(), rest.strip(" )")]
    return [v for v in out if v]


@dataclass
class Gazetteer:
    """Admin areas and places with the indexes the matcher needs."""

    areas: dict[str, Area]
    places: list[GazetteerPlace] = field(default_factory=list)
    # Full names to look for in text: (name, code), longest first.
    province_names: list[tuple[str, str]] = field(default_factory=list)
    districts_in: dict[str, list[tuple[str, str]]] = field(
        default_factory=dict
    )  # prov → (key, code)
    subdistricts_in: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # dist → …
    district_names_in: dict[str, list[tuple[str, str]]] = field(
        default_factory=dict
    )  # prov → (name, code)
    subdistrict_names_in: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    by_key: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (level, key) → codes
    by_key_en: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    postcode_subdistricts: dict[str, list[str]] = field(default_factory=dict)
    place_by_key: dict[str, list[GazetteerPlace]] = field(default_factory=dict)
    level_keys: dict[str, list[tuple[str, str]]] = field(
        default_factory=dict
    )  # level → (key, code)
    _finders: dict[str, tuple[re.Pattern[str], dict[str, str]] | None] = field(
        default_factory=dict, repr=False
    )
    _fingerprint: str | None = field(default=None, repr=False)

    @classmethod
    def from_rows(
        cls,
        rows: list[GazetteerArea],
        places: list[GazetteerPlace] | None = None,
        successors: dict[str, list[str]] | None = None,
    ) -> Gazetteer:
        """Index ``rows``. ``successors`` maps an old code to the codes that replaced it: a new
        subdistrict without a point of its own answers with its predecessor's point."""
        by_code = {r.code: r for r in rows}
        predecessors: dict[str, list[str]] = defaultdict(list)
        for old, news in (successors or {}).items():
            for n in news:
                predecessors[n].append(old)
        areas: dict[str, Area] = {}
        for r in rows:
            lon, lat, point_level = r.lon, r.lat, r.level
            if lon is None or lat is None:
                lon = lat = None
                for old in predecessors.get(r.code, []):
                    o = by_code.get(old)
                    if o is not None and o.lon is not None and o.official:
                        lon, lat = o.lon, o.lat
                        break
                if lon is None and r.parent_code and r.parent_code in by_code:
                    parent = by_code[r.parent_code]
                    lon, lat, point_level = parent.lon, parent.lat, parent.level
            areas[r.code] = Area(
                r.code,
                r.level,
                r.name_th,
                r.name_en,
                lon,
                lat,
                point_level,
                r.postcodes,
                r.official,
                r.area_km2,
            )
        g = cls(areas=areas, places=list(places or []))
        g._index()
        return g

    def _index(self) -> None:
        by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
        by_key_en: dict[tuple[str, str], list[str]] = defaultdict(list)
        districts_in: dict[str, list[tuple[str, str]]] = defaultdict(list)
        subdistricts_in: dict[str, list[tuple[str, str]]] = defaultdict(list)
        dnames: dict[str, list[tuple[str, str]]] = defaultdict(list)
        snames: dict[str, list[tuple[str, str]]] = defaultdict(list)
        postcodes: dict[str, list[str]] = defaultdict(list)
        prov_names: list[tuple[str, str]] = []
        for a in self.areas.values():
            base = district_base_name(a.name_th) if a.level == "district" else a.name_th
            for v in name_variants(base):
                by_key[(a.level, key(v))].append(a.code)
                if a.level == "district":
                    districts_in[a.province].append((key(v), a.code))
                    dnames[a.province].append((v, a.code))
                elif a.level == "subdistrict":
                    subdistricts_in[a.code[:4]].append((key(v), a.code))
                    snames[a.code[:4]].append((v, a.code))
                else:
                    prov_names.append((v, a.code))
            for v in name_variants(a.name_en):
                by_key_en[(a.level, key(v))].append(a.code)
                if a.level == "district" and v.startswith("Mueang "):
                    by_key_en[(a.level, key(v[len("Mueang ") :]))].append(a.code)
            if a.level == "province":
                prov_names.append((a.name_en, a.code))
            for pcs in a.postcodes:
                for pc in pcs.split():  # geothai writes "13000 13250" for two postcodes
                    postcodes[pc].append(a.code)
        self.by_key, self.by_key_en = dict(by_key), dict(by_key_en)
        self.level_keys = defaultdict(list)
        for (level, k), codes in self.by_key.items():
            self.level_keys[level] += [(k, c) for c in codes]
        self.districts_in, self.subdistricts_in = dict(districts_in), dict(subdistricts_in)
        # Longest names first, so "บางนาใต้" is found before "บางนา".
        self.district_names_in = {k: sorted(v, key=lambda t: -len(t[0])) for k, v in dnames.items()}
        self.subdistrict_names_in = {
            k: sorted(v, key=lambda t: -len(t[0])) for k, v in snames.items()
        }
        self.province_names = sorted(prov_names, key=lambda t: -len(t[0]))
        self.postcode_subdistricts = dict(postcodes)
        place_by_key: dict[str, list[GazetteerPlace]] = defaultdict(list)
        for p in self.places:
            place_by_key[key(p.name)].append(p)
        self.place_by_key = dict(place_by_key)

    @classmethod
    def load(cls, bind: Bind) -> Gazetteer:
        """Read areas, places and code changes from the database."""
        rows = gazetteer_areas(bind)
        places = gazetteer_places(bind)
        with connect(bind) as conn:
            changes = conn.execute(
                sql_text(
                    "SELECT old_code, new_codes FROM admin_area_change WHERE new_codes <> '{}'"
                )
            ).all()
        successors = {str(c.old_code): list(c.new_codes) for c in changes}
        return cls.from_rows(rows, places, successors)

    def fingerprint(self) -> str:
        """sha256 of the areas and places this gazetteer answers from (computed once)."""
        if self._fingerprint is None:
            h = hashlib.sha256(repr(sorted(self.areas.items())).encode())
            h.update(repr(self.places).encode())
            self._fingerprint = h.hexdigest()
        return self._fingerprint

    def finder(self, group: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
        """A compiled pattern of the names in ``group`` ("province", "d:<province code>" for
        its districts, "s:<district code>" for its subdistricts) and name → code."""
        hit = self._finders.get(group)
        if hit is not None or group in self._finders:
            return hit
        if group == "province":
            names = self.province_names
        elif group.startswith("d:"):
            names = self.district_names_in.get(group[2:], [])
        else:
            names = self.subdistrict_names_in.get(group[2:], [])
        if not names:
            self._finders[group] = None
            return None
        # The name lists are kept longest first (see _index): at one position "บางนาใต้" wins
        # over "บางนา".
        rx = re.compile("|".join(re.escape(n) for n, _ in names))
        self._finders[group] = (rx, {n: c for n, c in reversed(names)})
        return self._finders[group]

    def mueang_of(self, province_code: str) -> str | None:
        """The capital district (อำเภอเมือง…) of a province, whose code ends in 01."""
        code = f"{province_code}01"
        a = self.areas.get(code)
        return code if a is not None and a.name_th.startswith(MUEANG) else None

    def postcode_districts(self, postcode: str) -> set[str]:
        """District codes whose subdistricts use ``postcode``."""
        return {c[:4] for c in self.postcode_subdistricts.get(postcode, ())}
