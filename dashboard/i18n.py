"""Visible strings in Thai and English; Thai first."""

from __future__ import annotations

LANGS = ("th", "en")

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"th": "sitaware", "en": "sitaware"},
    "app_subtitle": {
        "th": "แผนที่สถานการณ์เพื่อความปลอดภัยสาธารณะ",
        "en": "Public-safety situational map",
    },
    "admin_areas": {"th": "เขตการปกครอง", "en": "Administrative areas"},
    "level": {"th": "ระดับ", "en": "Level"},
    "province": {"th": "จังหวัด", "en": "Province"},
    "district": {"th": "อำเภอ/เขต", "en": "District"},
    "subdistrict": {"th": "ตำบล/แขวง", "en": "Subdistrict"},
    "all_thailand": {"th": "ทั้งประเทศ", "en": "All Thailand"},
    "count": {"th": "จำนวน", "en": "Count"},
    "official": {"th": "ขอบเขตทางการ", "en": "Official"},
    "approximate": {"th": "โดยประมาณ", "en": "Approximate"},
    "outline_official": {"th": "ขอบเขตทางการ (OCHA/RTSD)", "en": "Official boundary (OCHA/RTSD)"},
    "outline_reference": {
        "th": "ขอบเขต geoBoundaries (ย่อส่วน)",
        "en": "geoBoundaries outline (simplified)",
    },
    "outline_approximate": {"th": "ขอบเขตโดยประมาณ", "en": "Approximate outline"},
    "no_polygon": {"th": "ไม่มีขอบเขต", "en": "No outline"},
    "sources": {"th": "แหล่งข้อมูล", "en": "Data sources"},
    "pick_province_for_subdistricts": {
        "th": "เลือกจังหวัดเพื่อแสดงระดับตำบล/แขวง",
        "en": "Pick a province to show subdistricts",
    },
    "code": {"th": "รหัส", "en": "Code"},
}


def t(key: str, lang: str = "th") -> str:
    """The string ``key`` in ``lang`` (falls back to Thai, then to the key itself)."""
    entry = STRINGS.get(key, {})
    return entry.get(lang) or entry.get("th") or key


def bi(key: str) -> str:
    """Thai and English together, for labels that both audiences read on one screen."""
    return f"{t(key, 'th')} / {t(key, 'en')}"
