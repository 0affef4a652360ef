"""Address components → admin areas: province, then district inside it, then subdistrict inside
that, each by exact name, spelling variant (rapidfuzz) or, when unmarked, by finding the area's
name in the line. The postcode cross-checks the answer and stands in for a missing district;
"เมือง" (Mueang) resolves through the province.

Where a line names places twice (a citizen's words, then a map app's address after " : "), the
names given last win: they come from the map pin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from etl.geocode.address import AddressParts, Mention
from etl.geocode.gazetteer import MUEANG, Gazetteer
from etl.geocode.text import key

FUZZY_CUTOFF = 80.0  # rapidfuzz ratio, 0–100, within an already narrowed list
FUZZY_CUTOFF_WIDE = 90.0  # across a whole province's subdistricts


@dataclass
class Match:
    """The areas an address resolves to and how each was found."""

    province: str | None = None
    district: str | None = None
    subdistrict: str | None = None
    how: dict[str, str] = field(default_factory=dict)  # level → exact|fuzzy|scan|postcode|…
    postcode: str | None = None  # a postcode the gazetteer knows
    postcode_agrees: bool | None = None
    conflicts: list[str] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        """The most specific code found."""
        return self.subdistrict or self.district or self.province


def _known_postcode(parts: AddressParts, g: Gazetteer) -> str | None:
    for pc in reversed(parts.postcodes):
        if pc in g.postcode_subdistricts:
            return pc
    return None


def _last_occurrence(
    text: str, g: Gazetteer, group: str, excluded: Sequence[tuple[int, int]] = ()
) -> tuple[str, int] | None:
    """(code, position) of the name of ``group`` found furthest right in ``text``, outside the
    ``excluded`` spans (see ``Gazetteer.finder``)."""
    finder = g.finder(group)
    if finder is None:
        return None
    rx, codes = finder
    best: tuple[str, int] | None = None
    for hit in rx.finditer(text):
        i, j = hit.span()
        if not any(i < e and s < j for s, e in excluded):
            best = (codes[hit.group()], i)
    return best


def _prefix(name_key: str, choices: list[tuple[str, str]]) -> str | None:
    """The code of the longest name that starts ``name_key`` — a marker's name ran on into the
    next words ("เขตบางรักทุกคืน" → บางรัก) — when that name is unique."""
    hits = [(len(k), c) for k, c in choices if len(k) >= 3 and name_key.startswith(k)]
    if not hits:
        return None
    longest = max(n for n, _ in hits)
    codes = {c for n, c in hits if n == longest}
    return codes.pop() if len(codes) == 1 else None


def _fuzzy(name_key: str, choices: list[tuple[str, str]], cutoff: float) -> str | None:
    if not choices:
        return None
    keys = [k for k, _ in choices]
    hit = process.extractOne(name_key, keys, scorer=fuzz.ratio, score_cutoff=cutoff)
    return choices[hit[2]][1] if hit is not None else None


def _province(parts: AddressParts, g: Gazetteer, m: Match) -> None:
    for mention in reversed(parts.mentions):
        if mention.level != "province":
            continue
        table = g.by_key if mention.script == "th" else g.by_key_en
        codes = table.get(("province", key(mention.name)), [])
        if len(codes) == 1:
            m.province, m.how["province"] = codes[0], "exact"
            return
        choices = [(key(n), c) for n, c in g.province_names]
        code = _fuzzy(key(mention.name), choices, FUZZY_CUTOFF)
        if code:
            m.province, m.how["province"] = code, "fuzzy"
            return
    text = parts.text
    best = _last_occurrence(text, g, "province")
    bkk = parts.bangkok
    if best is not None:
        m.province, m.how["province"] = best[0], "scan"
    elif bkk:
        m.province, m.how["province"] = "10", "scan"
    elif m.postcode:
        provs = {c[:2] for c in g.postcode_subdistricts[m.postcode]}
        if len(provs) == 1:
            m.province, m.how["province"] = provs.pop(), "postcode"


def _district_from_mention(mention: Mention, g: Gazetteer, m: Match) -> bool:  # noqa: PLR0911 - one exit per way of matching
    k = key(mention.name)
    prov = m.province
    if mention.script == "en":
        codes = g.by_key_en.get(("district", k), [])
        if prov:
            codes = [c for c in codes if c.startswith(prov)]
        if len(codes) == 1:
            m.district, m.how["district"] = codes[0], "exact"
            return True
        return False
    if k == MUEANG or (prov and k == key(MUEANG + g.areas[prov].name_th)):
        if prov and (code := g.mueang_of(prov)):
            m.district, m.how["district"] = code, "mueang"
            return True
        return False
    codes = g.by_key.get(("district", k), [])
    if prov:
        codes = [c for c in codes if c.startswith(prov)]
    elif len(codes) > 1 and m.postcode:
        near = g.postcode_districts(m.postcode)
        codes = [c for c in codes if c in near]
    if len(codes) == 1:
        m.district, m.how["district"] = codes[0], "exact"
        return True
    if prov:
        code = _fuzzy(k, g.districts_in.get(prov, []), FUZZY_CUTOFF)
        if code:
            m.district, m.how["district"] = code, "fuzzy"
            return True
    code = _prefix(k, g.districts_in.get(prov, []) if prov else g.level_keys["district"])
    if code:
        m.district, m.how["district"] = code, "prefix"
        return True
    return False


def _district(parts: AddressParts, g: Gazetteer, m: Match) -> None:
    for mention in reversed(parts.mentions):
        if mention.level == "district" and _district_from_mention(mention, g, m):
            break
    else:
        if m.province:
            found = _last_occurrence(parts.text, g, f"d:{m.province}")
            if found is not None:
                m.district, m.how["district"] = found[0], "scan"
        if m.district is None and m.postcode:
            dists = g.postcode_districts(m.postcode)
            if m.province:
                dists = {d for d in dists if d.startswith(m.province)}
            if len(dists) == 1:
                m.district, m.how["district"] = dists.pop(), "postcode"
    if m.district and not m.province:
        m.province, m.how["province"] = m.district[:2], "district"
    elif m.district and not m.district.startswith(m.province or ""):
        m.conflicts.append("district outside the named province")
        m.province, m.how["province"] = m.district[:2], "district"


def _in_district(mention: Mention, g: Gazetteer, m: Match) -> bool:  # noqa: PLR0911 - one exit per way of matching
    """The mention as a subdistrict of the district already found: exact name, a newer name
    that extends it (คลองตัน → คลองตันเหนือ, when only one does), or a spelling variant."""
    assert m.district is not None
    k = key(mention.name)
    if mention.script == "en":
        codes = [c for c in g.by_key_en.get(("subdistrict", k), []) if c.startswith(m.district)]
        if codes:
            m.subdistrict, m.how["subdistrict"] = codes[0], "exact"
            return True
        return False
    choices = g.subdistricts_in.get(m.district, [])
    exact = [c for kk, c in choices if kk == k]
    if exact:
        m.subdistrict, m.how["subdistrict"] = exact[0], "exact"
        return True
    longer = [c for kk, c in choices if len(k) >= 3 and (kk.startswith(k) or k.startswith(kk))]
    if len(longer) == 1:
        m.subdistrict, m.how["subdistrict"] = longer[0], "variant"
        return True
    code = _fuzzy(k, choices, FUZZY_CUTOFF)
    if code:
        m.subdistrict, m.how["subdistrict"] = code, "fuzzy"
        return True
    code = _prefix(k, choices)
    if code:
        m.subdistrict, m.how["subdistrict"] = code, "prefix"
        return True
    return False


def _anywhere(mention: Mention, g: Gazetteer, m: Match) -> str | None:
    """The mention as a subdistrict anywhere in the province (or the country), when the name
    is unique there (the postcode breaks ties)."""
    table = g.by_key if mention.script == "th" else g.by_key_en
    codes = table.get(("subdistrict", key(mention.name)), [])
    if m.province:
        codes = [c for c in codes if c.startswith(m.province)]
    if len(codes) > 1 and m.postcode:
        codes = [c for c in codes if c in g.postcode_subdistricts.get(m.postcode, ())]
    if not codes and mention.script == "th" and m.province:
        choices = [(k, c) for k, c in g.level_keys["subdistrict"] if c.startswith(m.province)]
        code = _prefix(key(mention.name), choices)
        return code
    return codes[0] if len(codes) == 1 else None


def _subdistrict(parts: AddressParts, g: Gazetteer, m: Match) -> None:
    marked = [x for x in parts.mentions if x.level == "subdistrict"]
    if m.district:
        for mention in reversed(marked):
            if _in_district(mention, g, m):
                break
    if m.subdistrict is None and marked:
        # The district may be wrong, or missing: a subdistrict of that exact name, unique in
        # the province, wins (and says so when it contradicts the named district).
        code = _anywhere(marked[-1], g, m)
        if code is not None:
            if m.district and not code.startswith(m.district):
                m.conflicts.append("subdistrict not in the named district")
                m.how["subdistrict"] = "exact-other-district"
            else:
                m.how["subdistrict"] = "exact"
            m.subdistrict, m.district = code, code[:4]
    if m.subdistrict is None and m.district:
        excluded = [
            (x.start, x.start + len(x.name)) for x in parts.mentions if x.level != "subdistrict"
        ] + list(parts.street_spans)
        found = _last_occurrence(parts.text, g, f"s:{m.district}", excluded)
        if found is not None:
            m.subdistrict, m.how["subdistrict"] = found[0], "scan"
    if m.subdistrict is None and m.district is None and m.postcode:
        # No district: the postcode's own subdistricts, when exactly one is named in the line.
        names = {c: g.areas[c].name_th for c in g.postcode_subdistricts[m.postcode]}
        hits = [c for c, n in names.items() if len(n) >= 3 and n in parts.text]
        if len(hits) == 1:
            m.subdistrict, m.how["subdistrict"] = hits[0], "postcode-scan"
            m.district, m.how["district"] = hits[0][:4], "postcode"
    if m.subdistrict:
        m.district = m.district or m.subdistrict[:4]
        m.province = m.province or m.subdistrict[:2]


def match_address(parts: AddressParts, g: Gazetteer) -> Match:
    """Resolve the admin areas an address names."""
    m = Match(postcode=_known_postcode(parts, g))
    _province(parts, g, m)
    _district(parts, g, m)
    _subdistrict(parts, g, m)
    if m.postcode:
        users = g.postcode_subdistricts[m.postcode]
        if m.subdistrict:
            m.postcode_agrees = m.subdistrict in users
        elif m.district:
            m.postcode_agrees = any(c.startswith(m.district) for c in users)
        elif m.province:
            m.postcode_agrees = any(c.startswith(m.province) for c in users)
    return m
