"""Source profiles: how one agency's columns map onto sitaware's fields.

A profile is declarative: for each target field, the source columns that may hold it (the first
present one wins), how coordinates are written, and how categories are named. Files without a
profile are mapped by recognising the usual Thai and English headers (``auto``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

Kind = Literal["lodging", "venues", "tips"]
KINDS: tuple[Kind, ...] = ("lodging", "venues", "tips")

# Venue categories (the sensitive places of USERS.md) and how sources name them.
VENUE_CATEGORIES = (
    "school",
    "temple",
    "mosque",
    "church",
    "shrine",
    "cinema",
    "mall",
    "market",
    "hotel",
    "hospital",
    "transit",
    "government",
    "other",
)
CATEGORY_WORDS: MappingProxyType[str, str] = MappingProxyType(
    {
        "school": "school", "โรงเรียน": "school", "university": "school", "มหาวิทยาลัย": "school",
        "college": "school", "kindergarten": "school", "วิทยาลัย": "school",
        "temple": "temple", "วัด": "temple", "buddhist": "temple", "wat": "temple",
        "mosque": "mosque", "มัสยิด": "mosque", "สุเหร่า": "mosque", "muslim": "mosque",
        "church": "church", "โบสถ์คริสต์": "church", "คริสตจักร": "church", "christian": "church",
        "shrine": "shrine", "ศาลเจ้า": "shrine", "hindu": "shrine", "เทวาลัย": "shrine",
        "cinema": "cinema", "โรงภาพยนตร์": "cinema", "movie": "cinema",
        "mall": "mall", "ห้างสรรพสินค้า": "mall", "ห้าง": "mall", "shopping": "mall",
        "department_store": "mall", "market": "market", "ตลาด": "market",
        "marketplace": "market", "hotel": "hotel", "โรงแรม": "hotel",
        "hospital": "hospital", "โรงพยาบาล": "hospital", "clinic": "hospital",
        "station": "transit", "สถานี": "transit", "transit": "transit", "bus": "transit",
        "ท่ารถ": "transit", "ท่าเรือ": "transit", "airport": "transit", "สนามบิน": "transit",
        "government": "government", "ราชการ": "government", "ศาลากลาง": "government",
        "สำนักงานเขต": "government", "ที่ว่าการอำเภอ": "government", "townhall": "government",
        "police": "government", "สถานีตำรวจ": "government",
    }
)  # fmt: skip
LODGING_TYPES: MappingProxyType[str, str] = MappingProxyType(
    {
        "hotel": "hotel", "โรงแรม": "hotel", "guesthouse": "guest_house",
        "guest_house": "guest_house", "เกสต์เฮาส์": "guest_house", "เกสท์เฮาส์": "guest_house",
        "hostel": "hostel", "โฮสเทล": "hostel", "resort": "resort", "รีสอร์ท": "resort",
        "motel": "motel", "โมเต็ล": "motel", "apartment": "apartment", "อพาร์ทเมนท์": "apartment",
        "serviced": "apartment", "homestay": "homestay", "โฮมสเตย์": "homestay",
    }
)  # fmt: skip

# The usual headers, Thai and English, for each target field (case-insensitive, exact).
COMMON_HEADERS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "source_id": ("id", "source_id", "ref", "code", "รหัส", "เลขที่", "ticket_id", "เลขทะเบียน",
                      "osm_id"),
        "name_th": ("ชื่อ", "ชื่อสถานที่", "ชื่อโรงแรม", "ชื่อภาษาไทย", "name_th", "ชื่อสถานประกอบการ"),
        "name_en": ("name_en", "english_name", "ชื่อภาษาอังกฤษ", "name:en"),
        "name": ("name", "place_name", "title"),
        "address": ("address", "ที่อยู่", "addr", "full_address", "ที่ตั้ง", "สถานที่"),
        "lat": ("lat", "latitude", "ละติจูด", "y"),
        "lon": ("lon", "lng", "long", "longitude", "ลองจิจูด", "x"),
        "coords": ("coords", "coordinates", "พิกัด", "location", "latlon", "lat_lon"),
        "wkt": ("wkt", "geometry", "geom", "the_geom", "รูปแปลง"),
        "contact": ("contact", "phone", "tel", "โทรศัพท์", "เบอร์โทร", "ติดต่อ"),
    }
)  # fmt: skip
KIND_HEADERS: MappingProxyType[str, MappingProxyType[str, tuple[str, ...]]] = MappingProxyType(
    {
        "lodging": MappingProxyType({
            "lodging_type": ("type", "lodging_type", "ประเภท", "ประเภทที่พัก", "tourism"),
            "rooms": ("rooms", "จำนวนห้อง", "ห้อง", "room_count"),
            "licence_no": ("licence_no", "license_no", "เลขที่ใบอนุญาต", "ใบอนุญาตเลขที่"),
            "licence_expires": ("licence_expires", "license_expiry", "expires",
                                "วันหมดอายุใบอนุญาต", "ใบอนุญาตหมดอายุ"),
        }),
        "venues": MappingProxyType({
            "category": ("category", "type", "ประเภท", "หมวด", "amenity"),
            "sensitivity": ("sensitivity", "ระดับความสำคัญ", "priority", "ความสำคัญ"),
        }),
        "tips": MappingProxyType({
            "reported_at": ("reported_at", "timestamp", "datetime", "date", "วันที่", "วันเวลา",
                            "วันที่รับแจ้ง", "เวลาแจ้ง", "created_at"),
            "time": ("time", "เวลา", "เวลารับแจ้ง"),
            "category": ("category", "type", "ประเภท", "ประเภทเหตุ", "หมวด"),
            "text": ("text", "comment", "description", "รายละเอียด", "ข้อความ", "เนื้อหา"),
            "channel": ("channel", "ช่องทาง"),
            "reliability": ("reliability", "grade", "ความน่าเชื่อถือ", "admiralty"),
            "reporter": ("reporter", "reporter_phone", "ผู้แจ้ง", "เบอร์ผู้แจ้ง", "เบอร์โทรผู้แจ้ง"),
            "status": ("status", "state", "สถานะ"),
        }),
    }
)  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """How one source's columns become sitaware fields."""

    name: str
    kind: Kind
    source: str  # the default source code stored with every record
    description: str
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # target → candidates
    coords_order: Literal["latlon", "lonlat", "auto"] = "auto"
    multi_label: bool = False  # categories written "{a,b}"
    channel: str | None = None
    default_category: str | None = None

    def candidates(self, target: str) -> tuple[str, ...]:
        """Source columns that may hold ``target``: the profile's own, then the usual headers."""
        own = self.columns.get(target, ())
        usual = COMMON_HEADERS.get(target) or KIND_HEADERS[self.kind].get(target, ())
        return own + tuple(u for u in usual if u not in own)


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            "lodging", "lodging", "lodging-registry",
            "a lodging registry (hotels, guest houses, hostels)",
        ),
        Profile("venues", "venues", "venue-list", "a list of sensitive venues"),
        Profile("tips", "tips", "tips", "a generic tip export"),
        Profile(
            "osm",
            "venues",
            "osm",
            "venues of an OpenStreetMap extract (.osm.pbf)",
            columns={"source_id": ("id",), "category": ("category",)},
        ),
        Profile(
            "osm-lodging",
            "lodging",
            "osm",
            "lodging of an OpenStreetMap extract (.osm.pbf)",
            columns={"source_id": ("id",), "lodging_type": ("category",)},
        ),
        Profile(
            "traffy",
            "tips",
            "traffy",
            "Traffy Fondue reports: coords 'lon,lat', types '{a,b}'",
            columns={
                "source_id": ("ticket_id",),
                "coords": ("coords",),
                "address": ("address",),
                "text": ("comment",),
                "category": ("type",),
                "reported_at": ("timestamp",),
                "status": ("state",),
            },
            coords_order="lonlat",
            multi_label=True,
            channel="traffy",
        ),
        Profile(
            "hotline",
            "tips",
            "hotline-1599",
            "a hotline call-centre export (Thai headers, Buddhist-Era dates, times with น.)",
            columns={
                "source_id": ("เลขที่รับแจ้ง", "case_no"),
                "reported_at": ("วันที่รับแจ้ง",),
                "time": ("เวลารับแจ้ง", "เวลา"),
                "category": ("ประเภทเหตุ",),
                "text": ("รายละเอียด",),
                "address": ("สถานที่เกิดเหตุ", "สถานที่"),
                "reporter": ("เบอร์โทรผู้แจ้ง",),
                "reliability": ("ความน่าเชื่อถือ",),
            },
            channel="hotline",
        ),
    )
}  # fmt: skip


def get(name: str | None, kind: Kind) -> Profile:
    """The named profile (it must be for ``kind``), or the generic one for ``kind``."""
    if name is None:
        return PROFILES[kind]
    p = PROFILES.get(name)
    if p is None:
        raise ValueError(f"unknown profile {name!r}; profiles: {', '.join(PROFILES)}")
    if p.kind != kind:
        raise ValueError(f"profile {name!r} is for {p.kind}, not {kind}")
    return p


def resolve(profile: Profile, columns: list[str]) -> dict[str, str]:
    """target field → the file's column, for every target the file has."""
    lower = {c.casefold().strip(): c for c in columns}
    out: dict[str, str] = {}
    targets = list(COMMON_HEADERS) + list(KIND_HEADERS[profile.kind]) + list(profile.columns)
    for target in dict.fromkeys(targets):
        for cand in profile.candidates(target):
            col = lower.get(cand.casefold())
            if col is not None and col not in out.values():
                out[target] = col
                break
    return out
