"""Thai address lines → components.

Handles the forms Thai agencies and map apps write: house number (``12/3``, ``เลขที่ 12``),
หมู่/ม., ซอย/ซ., ถนน/ถ., ตำบล/ต./แขวง, อำเภอ/อ./เขต, จังหวัด/จ., กทม./กรุงเทพฯ, postcode,
ประเทศไทย, Thai digits, stray spaces, and romanised forms (Tambon, Khwaeng, Amphoe, Khet,
Mueang, Changwat, "… Sub-district", "… District", "… Province"). Map-app lines often hold a
Plus Code (``PM46+649``) or a coordinate pair; both are returned too.

The parser knows no place names: it finds what the markers say. Matching the names against the
gazetteer is ``etl.geocode.matcher``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl.geocode import coords
from etl.geocode.text import MAX_TEXT, clean

_TH = "\u0e01-\u0e4e"  # Thai letters, vowels and tone marks (not the Thai digits)
_NOT_TH_BEFORE = rf"(?<![{_TH}])"
# A name runs to the next space or the next admin marker: Thai is often written without spaces
# ("แขวงลุมพินีเขตปทุมวันกรุงเทพมหานคร").
_STOP = r"(?:แขวง|ตำบล|เขต|อำเภอ|จังหวัด|กรุงเทพ|กทม)"
_NAME_TH = rf"((?:(?!{_STOP})[{_TH}])+(?:\s?\([{_TH}\s]+\))?)"

SUB_MARK = rf"(?:แขวง|ตำบล|{_NOT_TH_BEFORE}ต\.)"
DIST_MARK = rf"(?:เขต|อำเภอ|{_NOT_TH_BEFORE}อ\.)"
PROV_MARK = rf"(?:จังหวัด|{_NOT_TH_BEFORE}จ\.)"
_SEP = r"\s*[:：]?\s*"

_SUB = re.compile(SUB_MARK + _SEP + _NAME_TH)
_DIST = re.compile(DIST_MARK + _SEP + _NAME_TH)
_PROV = re.compile(PROV_MARK + _SEP + _NAME_TH)
# A soi or road name is one Thai word (Thai writes names without spaces), then perhaps a number
# and a branch ("ซอย สุขุมวิท 101/1 แยก 3", "ถ. พระราม 2").
_STREET_NAME = r"([^\s,:;()]+(?:\s?\d+(?:/\d+)?)?(?:\s?แยก\s?\d+(?:[-/]\d+)?)?)"
_SOI = re.compile(rf"(?:ซอย|{_NOT_TH_BEFORE}ซ\.|\bSoi\b)\s*{_STREET_NAME}")
_ROAD = re.compile(rf"(?:ถนน|{_NOT_TH_BEFORE}ถ\.)\s*{_STREET_NAME}")
_MOO = re.compile(rf"(?:หมู่ที่|หมู่บ้านที่|หมู่|{_NOT_TH_BEFORE}ม\.|\bMoo\.?|\bM\.)\s*(\d{{1,3}})\b")
_HOUSE = re.compile(r"^(?:เลขที่|บ้านเลขที่|No\.?)?\s*(\d{1,5}(?:/\d{1,5})?)(?=\s|,|$)")
_POSTCODE = re.compile(r"(?<![\d/.])([1-9]\d{4})(?![\d/.])")
_COUNTRY = re.compile(r"ประเทศไทย|\bThailand\b", re.I)
_PLUS = re.compile(
    r"(?<![0-9A-Z+])([23456789CFGHJMPQRVWX]{2,8}\+[23456789CFGHJMPQRVWX]{0,3})(?![0-9A-Z])"
)

# Romanised forms. Names are runs of capitalised words; a marker before or after names the level.
_EN_WORD = (
    r"(?!(?:Tambon|Khwaeng|Kwaeng|Amphoe|Amphur|Khet|Changwat|Chang|Road|Rd|Soi|Moo|District"
    r"|Sub|Subdistrict|Province|Bangkok|Thailand)\b)[A-Z][a-z]+"
)
_EN_NAME = rf"({_EN_WORD}(?:[ -]{_EN_WORD}){{0,3}})"
_EN_SUB = re.compile(
    rf"\b(?:Tambon|Khwaeng|Kwaeng|T\.)\s+{_EN_NAME}|{_EN_NAME}\s+Sub-?\s?[Dd]istrict\b"
)
_EN_DIST = re.compile(
    rf"\b(?:Amphoe|Amphur|Amphoe|Khet|A\.)\s+{_EN_NAME}|{_EN_NAME}\s+District\b(?!\s+Office)"
)
_EN_PROV = re.compile(rf"\b(?:Changwat|Chang Wat|Province of)\s+{_EN_NAME}|{_EN_NAME}\s+Province\b")

# Bangkok is written many ways; these are the spellings of one name, not data.
BANGKOK = re.compile(
    rf"(?:กรุงเทพมหานคร|กรุงเทพฯ|กรุงเทพ|กทม\.?)(?![{_TH}])|\bBangkok\b|\bBKK\b|\bKrung Thep\b"
)


@dataclass(frozen=True)
class Mention:
    """A place name the text gives for one admin level, with where it stands in the text."""

    level: str  # province | district | subdistrict
    name: str
    start: int
    script: str = "th"  # th | en


@dataclass(frozen=True)
class AddressParts:
    """The components of one address line (empty strings where absent)."""

    text: str
    house_no: str = ""
    moo: str = ""
    soi: str = ""
    road: str = ""
    postcodes: tuple[str, ...] = ()
    country: bool = False
    mentions: tuple[Mention, ...] = field(default_factory=tuple)
    bangkok: bool = False
    plus_codes: tuple[str, ...] = ()
    coordinate: coords.Coordinate | None = None
    truncated: bool = False
    street_spans: tuple[tuple[int, int], ...] = ()  # where the soi and road names stand

    def last(self, level: str) -> str:
        """The last name the text gives for ``level`` ('' when none)."""
        for m in reversed(self.mentions):
            if m.level == level:
                return m.name
        return ""

    @property
    def subdistrict(self) -> str:
        """The subdistrict (แขวง/ตำบล) named last."""
        return self.last("subdistrict")

    @property
    def district(self) -> str:
        """The district (เขต/อำเภอ) named last."""
        return self.last("district")

    @property
    def province(self) -> str:
        """The province named last (จังหวัด, or Bangkok in any spelling)."""
        name = self.last("province")
        return name or ("กรุงเทพมหานคร" if self.bangkok else "")

    @property
    def postcode(self) -> str:
        """The last five-digit number that can be a Thai postcode ('' when none)."""
        return self.postcodes[-1] if self.postcodes else ""


_TRAILING_EN = re.compile(r"(?:\s+(?:Bangkok|Thailand|Metropolis|City))+$")


def _strip_name(name: str) -> str:
    return name.strip(" ,.:;()-●•*")


def parse(value: object) -> AddressParts:
    """Split an address line into its components. Never raises: junk gives empty parts."""
    text = clean(value)
    truncated = len(text) > MAX_TEXT
    if truncated:
        text = text[:MAX_TEXT]
    if not text:
        return AddressParts(text="")
    mentions: list[Mention] = []
    is_thai = not text.isascii()
    if is_thai:
        for level, rx in (("subdistrict", _SUB), ("district", _DIST), ("province", _PROV)):
            mentions.extend(Mention(level, m.group(1), m.start(1)) for m in rx.finditer(text))
    if re.search(r"[A-Za-z]{4}", text):
        for level, rx in (("subdistrict", _EN_SUB), ("district", _EN_DIST), ("province", _EN_PROV)):
            for m in rx.finditer(text):
                name = m.group(1) or m.group(2)
                start = m.start(1) if m.group(1) else m.start(2)
                name = _TRAILING_EN.sub("", name)
                if name and name not in {"Bangkok", "Thailand"}:
                    mentions.append(Mention(level, name, start, "en"))
    mentions.sort(key=lambda m: m.start)
    soi = _SOI.search(text) if is_thai or "Soi" in text else None
    road = _ROAD.search(text) if is_thai else None
    moo = _MOO.search(text)
    house = _HOUSE.search(text)
    plus = tuple(m.group(1) for m in _PLUS.finditer(text)) if "+" in text else ()
    return AddressParts(
        text=text,
        house_no=house.group(1) if house else "",
        moo=moo.group(1) if moo else "",
        soi=_strip_name(soi.group(1)) if soi else "",
        road=_strip_name(road.group(1)) if road else "",
        postcodes=tuple(_POSTCODE.findall(text)),
        country=bool(_COUNTRY.search(text)),
        mentions=tuple(mentions),
        bangkok=bool(BANGKOK.search(text)),
        plus_codes=plus,
        coordinate=coords.find_in_text(text) if "." in text else None,
        truncated=truncated,
        street_spans=tuple(m.span(1) for m in (soi, road) if m is not None),
    )
