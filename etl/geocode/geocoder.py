"""The geocoder: coordinates, Thai addresses and free text → a point with precision, a calibrated
confidence and admin codes, or a reason. Batch calls are deduplicated, cached in PostGIS
(``geocode_cache``) and reverse-geocoded in one indexed query.

Precision says what the point stands for: ``point`` (a coordinate or a Plus Code in the input),
``subdistrict`` / ``district`` / ``province`` (that area's centre), ``place`` (a GeoNames place
or a named point), ``none``. Confidence estimates the chance that the point lies in the right
subdistrict; docs/geocoder.md gives the calibration table measured on real Bangkok reports.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from openlocationcode import openlocationcode as olc

from etl.geocode import coords
from etl.geocode.address import AddressParts, parse
from etl.geocode.gazetteer import Area, Gazetteer
from etl.geocode.matcher import Match, match_address
from etl.geocode.mentions import MentionIndex, best
from etl.geocode.online import OnlineGeocoder
from etl.geocode.reverse import ReverseIndex
from etl.geocode.streets import StreetIndex
from etl.geocode.text import MAX_TEXT, clean
from geodata.db import Bind
from geodata.extent import in_thailand
from geodata.geocoding import (
    CachedAnswer,
    Codes,
    cache_get,
    cache_put,
    data_stamp,
    named_points,
)
from geodata.settings import Settings

Kind = Literal["address", "text", "coords"]
NEAR_KM = 15.0  # a decoded Plus Code this close to the named district agrees with it


@dataclass(frozen=True)
class GeoResult:
    """One geocoder answer."""

    lon: float | None
    lat: float | None
    precision: str
    confidence: float
    province_code: str | None = None
    district_code: str | None = None
    subdistrict_code: str | None = None
    reason: str | None = None
    source: str = ""  # coords | plus_code | address | text | place | online | cache | review
    review_status: str = "auto"
    key: str = ""

    @property
    def ok(self) -> bool:
        """True when there is a point."""
        return self.lon is not None and self.lat is not None


NONE = GeoResult(None, None, "none", 0.0)


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)


def query_key(kind: str, value: str) -> str:
    """Cache key of a normalised query."""
    return hashlib.sha256(f"{kind}\x1f{value}".encode()).hexdigest()


# --- confidence ----------------------------------------------------------------------------
# Each answer's confidence is the share of answers with the same evidence that landed in the
# right subdistrict on the calibration set (docs/geocoder.md). The evidence is coarse on
# purpose: a handful of classes, each with enough examples to estimate.

_SUBDISTRICT_BASE = {
    "exact": 0.89,
    "variant": 0.85,
    "scan": 0.87,
    "fuzzy": 0.8,
    "exact-other-district": 0.55,
    "postcode-scan": 0.75,
    "prefix": 0.8,
}
SMALL_KM2 = 2.5  # subdistricts smaller than this are mostly boundary: answers miss more often


def _address_confidence(m: Match, parts: AddressParts, area: Area) -> float:
    if m.subdistrict:
        c = _SUBDISTRICT_BASE.get(m.how.get("subdistrict", ""), 0.7)
        if m.how.get("district") in ("fuzzy", "postcode", "scan", "prefix"):
            c -= 0.03
        if area.area_km2 is not None and area.area_km2 < SMALL_KM2:
            c -= 0.08
        if parts.soi:
            c += 0.04  # a soi lies inside a subdistrict more often than a main road does
        elif parts.road:
            c -= 0.02  # main roads are often the boundary between two subdistricts
        if m.postcode_agrees is False:
            c -= 0.03
        c -= 0.15 * len(m.conflicts)
        if len({x.name for x in parts.mentions if x.level == "subdistrict"}) > 1:
            c -= 0.1
        if area.point_level != "subdistrict":
            c = min(c, 0.3)
        return max(0.05, min(0.99, c))
    if m.district:
        return 0.25 if m.how.get("district") != "postcode" else 0.15
    if m.province:
        return 0.05
    return 0.0


class Geocoder:
    """Geocode addresses, coordinates and free text against a gazetteer.

    ``bind`` (optional) gives the cache, the review queue and reverse geocoding of points;
    without it, answers are computed in memory and points keep the codes the text gave."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        bind: Bind | None = None,
        *,
        review_below: float = 0.5,
        use_cache: bool = True,
        online: OnlineGeocoder | None = None,
        reverse_index: ReverseIndex | None = None,
    ) -> None:
        self.g = gazetteer
        self.bind = bind
        self.review_below = review_below
        self.use_cache = use_cache and bind is not None
        self.online = online
        self._mentions: MentionIndex | None = None
        # a long-lived process (the intake API) passes one index for all its requests
        self._reverse_index: ReverseIndex | None = reverse_index
        self._streets: StreetIndex | None = None

    @classmethod
    def load(cls, bind: Bind, settings: Settings, *, use_cache: bool = True) -> Geocoder:
        """A geocoder over the database's gazetteer, configured by ``settings``."""
        online = OnlineGeocoder.from_settings(settings)
        return cls(
            Gazetteer.load(bind),
            bind,
            review_below=settings.geocode_review_below,
            use_cache=use_cache,
            online=online,
        )

    def fingerprint(self) -> str:
        """What decides this geocoder's answers besides the query and its code: the gazetteer
        in memory, the data it reads from the database (outlines, roads, reviewed answers) and
        the online service. The ETL re-processes rows it would skip as unchanged when this
        changes (``etl.rawhash``)."""
        parts = [
            self.g.fingerprint(),
            self.online.url if self.online is not None else "offline",
            data_stamp(self.bind) if self.bind is not None else "no database",
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    # --- single answers, computed in memory --------------------------------------------------

    def names(self, r: GeoResult) -> dict[str, str | None]:
        """Thai and English names of an answer's province, district and subdistrict."""
        out: dict[str, str | None] = {}
        for level, code in (
            ("province", r.province_code),
            ("district", r.district_code),
            ("subdistrict", r.subdistrict_code),
        ):
            a = self.g.areas.get(code or "")
            out[f"{level}_th"] = a.name_th if a else None
            out[f"{level}_en"] = a.name_en if a else None
        return out

    def _area_result(self, code: str | None, confidence: float, source: str) -> GeoResult:
        if code is None:
            return NONE
        a = self.g.areas[code]
        if a.lon is None or a.lat is None:
            return replace(NONE, reason=f"{a.level} {code} has no location in the gazetteer")
        return GeoResult(
            a.lon,
            a.lat,
            a.point_level,
            round(confidence, 3),
            code[:2],
            code[:4] if len(code) >= 4 else None,
            code if len(code) == 6 else None,
            None,
            source,
        )

    def _plus_code(self, parts: AddressParts, m: Match) -> GeoResult | None:
        for written in reversed(parts.plus_codes):
            code = written.upper()
            if not olc.isValid(code):
                continue
            if olc.isShort(code):
                ref = self.g.areas.get(m.code or "")
                if ref is None or ref.lon is None or ref.lat is None:
                    continue
                code = olc.recoverNearest(code, ref.lat, ref.lon)
            if not olc.isFull(code):
                continue
            area = olc.decode(code)
            lon, lat = float(area.longitudeCenter), float(area.latitudeCenter)
            if not in_thailand(lon, lat):
                continue
            return self._point(lon, lat, m, "plus_code")
        return None

    def _point(self, lon: float, lat: float, m: Match | None, source: str) -> GeoResult:
        """A point from the input; codes come from the text until reverse geocoding replaces
        them. A point far from the district the text names is less certain."""
        conf = 0.97
        if m is not None and m.district:
            d = self.g.areas[m.district]
            if d.lon is not None and d.lat is not None and _km(lon, lat, d.lon, d.lat) > NEAR_KM:
                conf = 0.8
        return GeoResult(
            lon,
            lat,
            "point",
            conf,
            m.province if m else None,
            m.district if m else None,
            m.subdistrict if m else None,
            None,
            source,
        )

    def geocode_address(self, value: object) -> GeoResult:  # noqa: PLR0911 - one exit per level
        """One address line (Thai or romanised) → answer."""
        parts = parse(value)
        if not parts.text:
            return replace(NONE, reason="empty address")
        m = match_address(parts, self.g)
        if parts.plus_codes and (r := self._plus_code(parts, m)) is not None:
            return r
        if parts.coordinate is not None and parts.coordinate.ok:
            c = parts.coordinate
            assert c.lon is not None
            assert c.lat is not None
            return self._point(c.lon, c.lat, m, "coords")
        if m.code is not None:
            area = self.g.areas[m.code]
            result = self._area_result(m.code, _address_confidence(m, parts, area), "address")
            if result.ok and m.subdistrict and (parts.soi or parts.road):
                street = self._street(m.subdistrict, [x for x in (parts.soi, parts.road) if x])
                if street is not None:
                    return replace(result, lon=street[0], lat=street[1], precision="street")
            if result.ok:
                return result
        place = self._place(parts.text)
        if place is not None:
            return place
        return replace(NONE, reason=self._why_not(parts))

    def _why_not(self, parts: AddressParts) -> str:
        if parts.truncated:
            return f"no Thai place name found (text cut at {MAX_TEXT} characters)"
        if not any(ch.isalpha() for ch in parts.text):
            return "no words in the address"
        if parts.mentions:
            names = ", ".join(f"{x.level} {x.name!r}" for x in parts.mentions[-3:])
            return f"no gazetteer match for {names}"
        return "no Thai place name found"

    def _place(self, text: str) -> GeoResult | None:
        index = self.mentions()
        for f in best(index.find(text)):
            if f.level == "place":
                pid = int(f.ref.split(":")[1])
                p = next(p for p in self.g.places if p.id == pid)
                return GeoResult(
                    p.lon, p.lat, "place", 0.2, p.province_code, None, None, None, "place"
                )
            if f.level == "poi":
                _, lon, lat = index.pois[int(f.ref.split(":")[1])]
                return GeoResult(lon, lat, "place", 0.6, None, None, None, None, "place")
        return None

    def mentions(self) -> MentionIndex:
        """The free-text name index (built on first use): admin areas, GeoNames places and the
        named venues and lodging sites in the database."""
        if self._mentions is None:
            pois = named_points(self.bind) if self.bind is not None else []
            self._mentions = MentionIndex(self.g, pois)
        return self._mentions

    def geocode_text(self, value: object) -> GeoResult:
        """Free text (a tip) → the most specific place it mentions: a coordinate or Plus Code
        first, then areas named with their marker (แขวง…, เขต…), then any area or place name."""
        text = clean(value)[:MAX_TEXT]
        if not text:
            return replace(NONE, reason="empty text", source="text")
        parts = parse(text)
        m = match_address(parts, self.g)
        if parts.plus_codes or (parts.coordinate is not None and parts.coordinate.ok):
            r = self.geocode_address(text)
            if r.precision == "point":
                return replace(r, source="text")
        if m.code is not None and (
            any(x.level != "province" for x in parts.mentions)
            or m.how.get("subdistrict") == "postcode-scan"
        ):
            area = self.g.areas[m.code]
            conf = _address_confidence(m, parts, area) * 0.9  # a sentence is not an address
            r = self._area_result(m.code, conf, "text")
            if r.ok:
                return r
        found = best(self.mentions().find(text))
        for f in found:
            if f.level in ("subdistrict", "district", "province"):
                strong = f.marked or any(o.ref != f.ref and f.ref.startswith(o.ref) for o in found)
                conf = {"subdistrict": 0.75, "district": 0.25, "province": 0.05}[f.level]
                if not strong:
                    conf *= 0.5
                return self._area_result(f.ref, conf, "text")
            if f.level in ("place", "poi"):
                placed = self._place(f.name)
                if placed is not None:
                    return replace(placed, source="text")
        return replace(NONE, reason="no place name found in the text", source="text")

    def geocode_coords(self, value: object) -> GeoResult:
        """A coordinate in any accepted form → a point (admin codes by reverse geocoding)."""
        c = coords.parse(value)
        if not c.ok:
            return replace(NONE, reason=c.reason, source="coords")
        assert c.lon is not None
        assert c.lat is not None
        return GeoResult(c.lon, c.lat, "point", 0.99, source="coords")

    def geocode_lat_lon(self, lat: object, lon: object) -> GeoResult:
        """Separate latitude / longitude values → a point."""
        try:
            la, lo = float(clean(lat) or "nan"), float(clean(lon) or "nan")
        except ValueError:
            return replace(
                NONE,
                reason=f"latitude {lat!r} / longitude {lon!r} are not numbers",
                source="coords",
            )
        c = coords.from_lat_lon(la, lo)
        if not c.ok:
            return replace(NONE, reason=c.reason, source="coords")
        assert c.lon is not None
        assert c.lat is not None
        return GeoResult(c.lon, c.lat, "point", 0.99, source="coords")

    def _one(self, kind: Kind, value: str) -> GeoResult:
        if kind == "address":
            return self.geocode_address(value)
        if kind == "text":
            return self.geocode_text(value)
        return self.geocode_coords(value)

    # --- batches, with the cache and reverse geocoding ---------------------------------------

    def batch(self, kind: Kind, values: Sequence[object]) -> list[GeoResult]:
        """Geocode many values of one kind: each distinct value once, cached answers reused,
        points reverse-geocoded in one query, new answers cached."""
        normalised = [clean(v)[:MAX_TEXT] for v in values]
        distinct = list(dict.fromkeys(normalised))
        keys = {v: query_key(kind, v) for v in distinct}
        cached: dict[str, CachedAnswer] = {}
        use_cache = self.use_cache and kind != "coords"  # a point needs no cache
        if use_cache and self.bind is not None:
            cached = cache_get(self.bind, [keys[v] for v in distinct if v])
        answers: dict[str, GeoResult] = {}
        fresh: list[str] = []
        for v in distinct:
            k = keys[v]
            if k in cached:
                answers[v] = _from_cache(cached[k])
                continue
            answers[v] = replace(self._one(kind, v), key=k)
            fresh.append(v)
        # Points and places (GeoNames, named venues) get their codes from the outlines.
        self._reverse(
            [v for v in fresh if answers[v].precision in ("point", "place")],
            answers,
            keep_precision=True,
        )
        if self.online is not None:
            for v in fresh:
                if answers[v].precision == "none" and v and kind != "coords":
                    got = self.online.geocode(v)
                    if got is not None:
                        answers[v] = replace(
                            answers[v],
                            lon=got[0],
                            lat=got[1],
                            precision="place",
                            confidence=0.3,
                            reason=None,
                            source="online",
                        )
                        self._reverse([v], answers, keep_precision=True)
        for v in fresh:
            a = answers[v]
            status = "pending" if a.ok and a.confidence < self.review_below else "auto"
            answers[v] = replace(a, review_status=status)
        if use_cache and self.bind is not None:
            cache_put(
                self.bind,
                [_to_cache(answers[v], _cache_query(kind, v)) for v in fresh if v],
            )
        return [answers[v] for v in normalised]

    def points(self, pts: Sequence[tuple[float, float]]) -> list[GeoResult]:
        """Points already validated (lon, lat) → answers with admin codes, reverse-geocoded
        through the in-memory outline index (an STRtree; about 600,000 points a second)."""
        outside = replace(
            NONE, reason="the point lies outside every Thai province", source="coords"
        )
        out: list[GeoResult] = []
        for (lon, lat), (sub, dist, prov) in zip(pts, self._codes(pts), strict=True):
            if prov is None and self.bind is not None:
                out.append(outside)
            else:
                out.append(GeoResult(lon, lat, "point", 0.99, prov, dist, sub, None, "coords"))
        return out

    def _street(self, subdistrict: str, names: list[str]) -> tuple[float, float] | None:
        """The named street's point inside ``subdistrict`` (street index and outline needed)."""
        if self.bind is None:
            return None
        if self._streets is None:
            self._streets = StreetIndex(self.bind)
        if self._streets.empty:
            return None
        index = self.reverse_index()
        area = index.outline(subdistrict) if index is not None else None
        a = self.g.areas.get(subdistrict)
        if area is None or a is None or a.lon is None or a.lat is None:
            return None
        return self._streets.locate(subdistrict[:4], area, (a.lon, a.lat), names)

    def reverse_index(self) -> ReverseIndex | None:
        """The in-memory outline index (built from the database on first use)."""
        if self._reverse_index is None and self.bind is not None:
            self._reverse_index = ReverseIndex(self.bind)
        return self._reverse_index

    def _codes(self, pts: Sequence[tuple[float, float]]) -> list[Codes]:
        index = self.reverse_index()
        if index is None:
            return [(None, None, None)] * len(pts)
        return index.codes([p[0] for p in pts], [p[1] for p in pts])

    def _reverse(
        self, values: list[str], answers: dict[str, GeoResult], *, keep_precision: bool = False
    ) -> None:
        if not values or self.bind is None:
            return
        pts = [(answers[v].lon or 0.0, answers[v].lat or 0.0) for v in values]
        for v, (sub, dist, prov) in zip(values, self._codes(pts), strict=True):
            a = answers[v]
            if prov is None:
                answers[v] = replace(
                    NONE, reason="the point lies outside every Thai province", key=a.key
                )
                continue
            conf = a.confidence
            if a.district_code and dist and a.district_code != dist and a.source == "plus_code":
                conf = min(conf, 0.85)
            answers[v] = replace(
                a,
                province_code=prov,
                district_code=dist,
                subdistrict_code=sub,
                confidence=conf,
                precision=a.precision if keep_precision or a.precision != "point" else "point",
            )


def _cache_query(kind: str, value: str) -> str:
    # Free text may be a tip: keep only its length, never its words, in the cache table.
    if kind == "text":
        return f"[text, {len(value)} characters]"
    return value


def _to_cache(r: GeoResult, query: str) -> CachedAnswer:
    return CachedAnswer(
        r.key,
        query,
        r.lon,
        r.lat,
        r.precision,
        r.confidence,
        r.province_code,
        r.district_code,
        r.subdistrict_code,
        r.reason,
        r.review_status,
    )


def _from_cache(c: CachedAnswer) -> GeoResult:
    source = "review" if c.review_status in ("accepted", "moved", "rejected") else "cache"
    return GeoResult(
        c.lon,
        c.lat,
        c.precision,
        c.confidence,
        c.province_code,
        c.district_code,
        c.subdistrict_code,
        c.reason,
        source,
        c.review_status,
        c.key,
    )
