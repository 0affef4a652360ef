"""Place names inside free text ("น้ำท่วมแถวซอยวัดบางนาใน เขตบางนา…"): admin areas, GeoNames
places and any named points (venues, lodging) the gazetteer was given.

Thai is written without spaces between words, so names are found by looking up every substring
of the lengths names have (a dict probe per position and length) rather than by splitting words.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from etl.geocode.gazetteer import Gazetteer, district_base_name, name_variants
from etl.geocode.text import key

MIN_LEN = 3  # characters; shorter names are too often parts of other words
_LEVEL_RANK = {"poi": 0, "subdistrict": 1, "district": 2, "province": 3, "place": 4}
_MARKERS = {
    "subdistrict": ("แขวง", "ตำบล", "ต."),
    "district": ("เขต", "อำเภอ", "อ."),
    "province": ("จังหวัด", "จ."),
}


@dataclass(frozen=True)
class Found:
    """One name found in the text."""

    level: str  # poi | subdistrict | district | province | place
    ref: str  # area code, or "place:<id>" / "poi:<n>"
    name: str
    start: int
    marked: bool  # preceded by its level's marker (แขวง…, เขต…, จังหวัด…)


class MentionIndex:
    """Every findable name of a gazetteer, by its exact text."""

    def __init__(self, g: Gazetteer, pois: list[tuple[str, float, float]] | None = None) -> None:
        names: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for a in g.areas.values():
            base = district_base_name(a.name_th) if a.level == "district" else a.name_th
            for v in name_variants(base):
                if len(v) >= MIN_LEN:
                    names[v].append((a.level, a.code))
            if a.name_en and len(a.name_en) >= 4:
                names[a.name_en].append((a.level, a.code))
        for p in g.places:
            if len(p.name) >= 4:
                names[p.name].append(("place", f"place:{p.id}"))
        self.pois = list(pois or [])
        for i, (name, _, _) in enumerate(self.pois):
            if len(name) >= MIN_LEN:
                names[name].append(("poi", f"poi:{i}"))
        self.names = dict(names)
        self.lengths = sorted({len(n) for n in self.names}, reverse=True)
        self.keys = {key(n) for n in self.names}

    def find(self, text: str) -> list[Found]:
        """Every name in ``text``; where names overlap, the longest wins."""
        found: list[Found] = []
        n = len(text)
        i = 0
        while i < n:
            hit_len = 0
            for length in self.lengths:
                if i + length > n:
                    continue
                cand = text[i : i + length]
                refs = self.names.get(cand)
                if refs is None:
                    continue
                for level, ref in refs:
                    before = text[max(0, i - 8) : i].rstrip(" :")
                    marked = any(before.endswith(mk) for mk in _MARKERS.get(level, ()))
                    found.append(Found(level, ref, cand, i, marked))
                hit_len = length
                break
            i += hit_len or 1
        return found


def best(found: list[Found]) -> list[Found]:
    """Mentions ordered by how far they can be trusted as *the* place of the text: marked before
    unmarked, more specific before less, later before earlier; a subdistrict or district whose
    parent area is also named comes first."""
    # Where one piece of text reads as several areas and a marker names its level
    # ("เขตบางรัก"), the other readings (แขวงบางรัก) go.
    marked_spans = {(f.start, len(f.name)) for f in found if f.marked}
    found = [f for f in found if f.marked or (f.start, len(f.name)) not in marked_spans]
    codes = {f.ref for f in found if f.level in ("province", "district", "subdistrict")}

    def supported(f: Found) -> bool:
        if f.level == "subdistrict":
            return f.ref[:4] in codes or f.ref[:2] in codes
        if f.level == "district":
            return f.ref[:2] in codes or any(c.startswith(f.ref) and c != f.ref for c in codes)
        return False

    return sorted(
        found,
        key=lambda f: (not (f.marked or supported(f)), _LEVEL_RANK[f.level], -f.start),
    )
