"""Visible strings in Thai and English; Thai first."""

from __future__ import annotations

from typing import Any

LANGS = ("th", "en")

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"th": "sitaware", "en": "sitaware"},
    "app_subtitle": {
        "th": "แผนที่สถานการณ์เพื่อความปลอดภัยสาธารณะ",
        "en": "Public-safety situational map",
    },
    "level": {"th": "ระดับ", "en": "Level"},
    "province": {"th": "จังหวัด", "en": "Province"},
    "district": {"th": "อำเภอ/เขต", "en": "District"},
    "subdistrict": {"th": "ตำบล/แขวง", "en": "Subdistrict"},
    "all_thailand": {"th": "ทั้งประเทศ", "en": "All Thailand"},
    "count": {"th": "จำนวน", "en": "Count"},
    "hotspot_tips": {"th": "แจ้งเหตุ ช่อง / รอบ", "en": "Tips: cell / around"},
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
    "sign_in": {"th": "เข้าสู่ระบบ", "en": "Sign in"},
    "sign_out": {"th": "ออกจากระบบ", "en": "Sign out"},
    "username": {"th": "ชื่อผู้ใช้", "en": "Username"},
    "password": {"th": "รหัสผ่าน", "en": "Password"},
    "bad_credentials": {"th": "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "en": "Wrong username or password"},
    "account_locked": {
        "th": "บัญชีถูกล็อกชั่วคราวเนื่องจากใส่รหัสผิดหลายครั้ง ลองใหม่ภายหลัง",
        "en": "Account locked after too many failed attempts; try again later",
    },
    "too_many_attempts": {
        "th": "มีการพยายามเข้าสู่ระบบมากเกินไปจากเครื่องนี้ ลองใหม่ภายหลัง",
        "en": "Too many sign-in attempts from this address; try again later",
    },
    "audit_unavailable": {
        "th": "ระบบบันทึกการตรวจสอบไม่พร้อม จึงไม่สามารถดำเนินการได้",
        "en": "The audit trail is unavailable, so this cannot proceed",
    },
    "set_password": {"th": "ตั้งรหัสผ่านใหม่", "en": "Set your password"},
    "set_password_hint": {
        "th": "รหัสผ่านชั่วคราวใช้ได้ครั้งเดียว กรุณาตั้งรหัสผ่านของคุณเอง (อย่างน้อย 12 ตัวอักษร)",
        "en": "The one-time password works once: set your own (12 characters or more)",
    },
    "current_password": {"th": "รหัสผ่านปัจจุบัน", "en": "Current password"},
    "new_password": {"th": "รหัสผ่านใหม่", "en": "New password"},
    "confirm_password": {"th": "ยืนยันรหัสผ่านใหม่", "en": "Confirm the new password"},
    "passwords_differ": {"th": "รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน", "en": "The two new passwords differ"},
    "tips": {"th": "แจ้งเหตุ", "en": "Tips"},
    "tips_in_area": {"th": "จำนวนแจ้งเหตุในพื้นที่", "en": "Tips in the area"},
    "recent_tips": {"th": "แจ้งเหตุล่าสุด", "en": "Recent tips"},
    "category": {"th": "ประเภท", "en": "Category"},
    "time": {"th": "เวลา", "en": "Time"},
    "status": {"th": "สถานะ", "en": "Status"},
    "grade": {"th": "ความน่าเชื่อถือ", "en": "Grade"},
    "precision": {"th": "ความละเอียดตำแหน่ง", "en": "Location precision"},
    "text": {"th": "ข้อความ", "en": "Text"},
    "no_tips": {"th": "ไม่มีแจ้งเหตุ", "en": "No tips"},
    "venues": {"th": "สถานที่เฝ้าระวัง", "en": "Sensitive venues"},
    "name": {"th": "ชื่อ", "en": "Name"},
    "sensitivity": {"th": "ความสำคัญ", "en": "Sensitivity"},
    "no_venues": {"th": "ไม่มีสถานที่เฝ้าระวังในพื้นที่", "en": "No sensitive venues in the area"},
    "trend_title": {"th": "แจ้งเหตุรายวัน (5 ประเภทที่มากที่สุด)", "en": "Tips per day (top 5 categories)"},
    "other_categories": {"th": "อื่น ๆ ({n} ประเภท)", "en": "Others ({n} categories)"},
    "hotspots": {"th": "จุดร้อนทางสถิติ (Gi*)", "en": "Hotspots (Gi*)"},
    "hotspots_none": {
        "th": "ไม่มีจุดร้อนที่มีนัยสำคัญในช่วงเวลานี้",
        "en": "No significant hotspot in this time window",
    },
    "hotspots_note": {
        "th": "เซลล์หกเหลี่ยม H3 ขนาดราว {km2} ตร.กม. · ระดับความเชื่อมั่น 90/95/99% · "
        "แจ้งเหตุในเซลล์ / รวมหกเซลล์รอบข้าง",
        "en": "H3 hexagons of about {km2} km² · confidence 90/95/99 % · tips in the hexagon / "
        "with its six neighbours",
    },
    "rank": {"th": "ลำดับ", "en": "Rank"},
    "place": {"th": "พื้นที่", "en": "Area"},
    "detail_title": {"th": "รายละเอียดสถานที่", "en": "Place details"},
    "detail_hint": {
        "th": "คลิกจุดสถานที่เฝ้าระวังหรือที่พักบนแผนที่เพื่อดูรายละเอียด",
        "en": "Click a venue or lodging point on the map to see its details",
    },
    "detail_gone": {"th": "ไม่พบสถานที่นี้แล้ว", "en": "This place is no longer in the database"},
    "address": {"th": "ที่อยู่", "en": "Address"},
    "contact": {"th": "ติดต่อ", "en": "Contact"},
    "licence": {"th": "ใบอนุญาต", "en": "Licence"},
    "licence_expires": {"th": "ใบอนุญาตหมดอายุ", "en": "Licence expires"},
    "rooms": {"th": "จำนวนห้อง", "en": "Rooms"},
    "lodging_type": {"th": "ประเภทที่พัก", "en": "Lodging type"},
    "data_source": {"th": "แหล่งข้อมูล", "en": "Source"},
    "source_record": {"th": "รหัสในแหล่งข้อมูล", "en": "Record id at the source"},
    "updated": {"th": "ปรับปรุงล่าสุด", "en": "Last updated"},
    "position": {"th": "พิกัด", "en": "Position"},
    "nav_map": {"th": "แผนที่", "en": "Map"},
    "nav_review": {"th": "ตรวจทาน", "en": "Review"},
    "review_pin": {"th": "หมุดปัจจุบัน", "en": "Current pin"},
    "review_title": {"th": "คิวตรวจทานพิกัด", "en": "Geocode review queue"},
    "review_pick": {"th": "เลือกรายการที่รอตรวจ", "en": "Pick an answer to review"},
    "review_empty": {"th": "ไม่มีรายการรอตรวจ", "en": "Nothing waiting for review"},
    "review_accept": {"th": "ยืนยันตำแหน่งนี้", "en": "Accept this answer"},
    "review_move": {"th": "ย้ายหมุดไปที่", "en": "Move the pin to"},
    "review_move_hint": {
        "th": "พิกัด (13.75, 100.49 / ลิงก์แผนที่ / Plus Code) หรือที่อยู่",
        "en": "A coordinate (13.75, 100.49 / map link / Plus Code) or an address",
    },
    "review_reject": {"th": "ปฏิเสธ (ระบุเหตุผล)", "en": "Reject (give the reason)"},
    "review_reason": {"th": "เหตุผล", "en": "Reason"},
    "review_done": {"th": "บันทึกแล้ว", "en": "Saved"},
    "query": {"th": "ข้อความที่ค้น", "en": "Query"},
    "confidence": {"th": "ความมั่นใจ", "en": "Confidence"},
    "quarantine_title": {"th": "แถวที่ถูกกักไว้จากการนำเข้า", "en": "Rows refused by a load"},
    "quarantine_pick": {"th": "เลือกชุดนำเข้า", "en": "Pick a load batch"},
    "row": {"th": "แถว", "en": "Row"},
    "reason": {"th": "เหตุผล", "en": "Reason"},
    "raw": {"th": "ข้อมูลดิบ", "en": "Raw values"},
    "retry": {"th": "ลองนำเข้าใหม่", "en": "Retry these rows"},
    "retried": {"th": "ลองใหม่", "en": "retried"},
    "loaded": {"th": "นำเข้าได้", "en": "loaded"},
    "still_refused": {"th": "ยังถูกกัก", "en": "still refused"},
    "units": {"th": "สายตรวจ (ตำแหน่งล่าสุด)", "en": "Patrol units (last position)"},
    "near_title": {"th": "รอบตำแหน่ง", "en": "Nearby"},
    "near_hint": {
        "th": "คลิกจุดบนแผนที่ หรือพิมพ์ที่อยู่/สถานที่ แล้วกดค้นหา",
        "en": "Click a point on the map, or type an address or place and search",
    },
    "near_address": {"th": "ที่อยู่หรือสถานที่", "en": "Address or place"},
    "near_go": {"th": "ค้นหา", "en": "Search"},
    "radius_m": {"th": "รัศมี (เมตร)", "en": "Radius (metres)"},
    "near_centre": {"th": "จุดศูนย์กลาง", "en": "Centre"},
    "near_not_found": {"th": "หาตำแหน่งของข้อความนี้ไม่พบ", "en": "No place found for this text"},
    "near_venues": {"th": "สถานที่เฝ้าระวังใกล้ที่สุด", "en": "Nearest sensitive venues"},
    "near_lodging": {"th": "ที่พักใกล้ที่สุด", "en": "Nearest lodging"},
    "near_tips": {"th": "แจ้งเหตุในรัศมี", "en": "Tips within the radius"},
    "distance": {"th": "ระยะ", "en": "Distance"},
    "direction": {"th": "ทิศ", "en": "Direction"},
    "tips_count": {"th": "จำนวนแจ้งเหตุ", "en": "Number of tips"},
    "none_here": {"th": "ไม่มี", "en": "None"},
    "time_window": {"th": "ช่วงเวลา", "en": "Time window"},
    "w_1h": {"th": "1 ชั่วโมง", "en": "1 hour"},
    "w_24h": {"th": "24 ชั่วโมง", "en": "24 hours"},
    "w_7d": {"th": "7 วัน", "en": "7 days"},
    "w_30d": {"th": "30 วัน", "en": "30 days"},
    "w_all": {"th": "ทั้งหมด", "en": "All"},
    "tip_heat": {"th": "ความหนาแน่นแจ้งเหตุ", "en": "Tip density"},
    "tips_here": {"th": "แจ้งเหตุในช่องนี้", "en": "tips in this cell"},
    "near_place": {"th": "ใกล้ {place}", "en": "near {place}"},
    "demo_banner": {
        "th": "ข้อมูลสาธิตสังเคราะห์ ไม่ใช่ข้อมูลจริง",
        "en": "Synthetic demo data: generated, not real",
    },
    "cat_school": {"th": "โรงเรียน", "en": "School"},
    "cat_temple": {"th": "วัด", "en": "Temple"},
    "cat_mosque": {"th": "มัสยิด", "en": "Mosque"},
    "cat_church": {"th": "โบสถ์คริสต์", "en": "Church"},
    "cat_shrine": {"th": "ศาลเจ้า", "en": "Shrine"},
    "cat_cinema": {"th": "โรงภาพยนตร์", "en": "Cinema"},
    "cat_mall": {"th": "ศูนย์การค้า", "en": "Mall"},
    "cat_market": {"th": "ตลาด", "en": "Market"},
    "cat_hotel": {"th": "โรงแรม", "en": "Hotel"},
    "cat_hospital": {"th": "โรงพยาบาล", "en": "Hospital"},
    "cat_transit": {"th": "สถานีขนส่ง", "en": "Transit"},
    "cat_government": {"th": "สถานที่ราชการ", "en": "Government"},
    "cat_other": {"th": "อื่น ๆ", "en": "Other"},
    "layers": {"th": "ชั้นข้อมูล", "en": "Layers"},
    "layer_boundaries": {"th": "เขตการปกครอง (จำนวนแจ้งเหตุ)", "en": "Admin areas (tip counts)"},
    "layer_venues": {"th": "สถานที่เฝ้าระวัง", "en": "Sensitive venues"},
    "layer_lodging": {
        "th": "ที่พัก (โรงแรม เกสต์เฮาส์ โฮสเทล)",
        "en": "Lodging (hotels, guesthouses, hostels)",
    },
    "layer_heat": {"th": "ความหนาแน่นแจ้งเหตุ", "en": "Tip density"},
    "layer_hotspots": {"th": "จุดร้อน (Gi*)", "en": "Hotspots (Gi*)"},
    "layer_units": {"th": "สายตรวจ", "en": "Patrol units"},
    "lodging": {"th": "ที่พัก", "en": "Lodging"},
    "venues_layer": {"th": "สถานที่เฝ้าระวัง", "en": "Sensitive venues"},
    "places_here": {"th": "แห่งในบริเวณนี้ (ซูมเข้าเพื่อดูรายจุด)", "en": "places here (zoom in for each)"},
    "tip_categories": {"th": "ประเภทแจ้งเหตุ", "en": "Tip categories"},
    "all_categories": {"th": "ทุกประเภท", "en": "All categories"},
    "tip_statuses": {"th": "สถานะแจ้งเหตุ", "en": "Tip status"},
    "all_statuses": {"th": "ทุกสถานะ", "en": "All statuses"},
    "status_new": {"th": "ใหม่", "en": "New"},
    "status_closed": {"th": "ปิดแล้ว", "en": "Closed"},
    "status_รอรับเรื่อง": {"th": "รอรับเรื่อง", "en": "Awaiting acceptance"},
    "status_กำลังดำเนินการ": {"th": "กำลังดำเนินการ", "en": "In progress"},
    "status_เสร็จสิ้น": {"th": "เสร็จสิ้น", "en": "Finished"},
    "source_reliability": {"th": "ความน่าเชื่อถือของแหล่งข่าว", "en": "Source reliability"},
    "all_grades": {"th": "ทุกระดับ (รวมที่ยังไม่ประเมิน)", "en": "All grades (and not graded)"},
    "grade_A": {"th": "A – เชื่อถือได้ทั้งหมด", "en": "A – completely reliable"},
    "grade_B": {"th": "B – โดยปกติเชื่อถือได้", "en": "B – usually reliable"},
    "grade_C": {"th": "C – เชื่อถือได้พอสมควร", "en": "C – fairly reliable"},
    "grade_D": {"th": "D – โดยปกติเชื่อถือไม่ได้", "en": "D – not usually reliable"},
    "grade_E": {"th": "E – เชื่อถือไม่ได้", "en": "E – unreliable"},
    "grade_F": {"th": "F – ประเมินความน่าเชื่อถือไม่ได้", "en": "F – reliability cannot be judged"},
    "grade_-": {"th": "ยังไม่ได้ประเมิน", "en": "Not graded"},
    "w_custom": {"th": "กำหนดเอง", "en": "Custom"},
    "era_be": {"th": "แสดงปีเป็น พ.ศ.", "en": "Buddhist Era years (BE)"},
    "play": {"th": "▶ เล่น", "en": "▶ Play"},
    "pause": {"th": "⏸ หยุด", "en": "⏸ Pause"},
    "whole_window": {"th": "ทั้งช่วงเวลา", "en": "Whole window"},
    "showing": {"th": "แสดง", "en": "Showing"},
    "area_title": {"th": "พื้นที่ที่เลือก", "en": "Selected area"},
    "area_hint": {
        "th": "คลิกพื้นที่บนแผนที่ หรือใช้เครื่องมือบ่วงบาศ/กรอบ (มุมขวาบนของแผนที่) เพื่อวาดพื้นที่",
        "en": "Click an area on the map, or draw one with the lasso or box tool (top right)",
    },
    "drawn_area": {"th": "พื้นที่ที่วาด", "en": "Drawn area"},
    "area_km2": {"th": "ตร.กม.", "en": "km²"},
    "layer": {"th": "ชั้นข้อมูล", "en": "Layer"},
    "tips_by_category": {"th": "แจ้งเหตุตามประเภท", "en": "Tips by category"},
    "send_to_report": {"th": "ส่งไปทำรายงาน", "en": "Send to report"},
    "report_name": {"th": "ชื่อรายงาน", "en": "Report name"},
    "sent_to_report": {"th": "บันทึกพื้นที่สำหรับรายงานแล้ว", "en": "Area saved for a report"},
    "clear_selection": {"th": "ล้างการเลือก", "en": "Clear selection"},
    "bad_area": {"th": "พื้นที่ไม่ถูกต้อง", "en": "Not a usable area"},
    "alerts_title": {
        "th": "แจ้งเหตุสำคัญใกล้สถานที่เฝ้าระวัง",
        "en": "Priority tips near sensitive venues",
    },
    "dismiss": {"th": "ปิด", "en": "Dismiss"},
    "click_area": {"th": "คลิกแผนที่: เลือกพื้นที่", "en": "Map click: select an area"},
    "click_near": {"th": "คลิกแผนที่: ดูสิ่งที่อยู่รอบจุด", "en": "Map click: what is near there"},
    "priority_critical": {"th": "วิกฤต", "en": "Critical"},
    "priority_high": {"th": "สูง", "en": "High"},
    "priority_medium": {"th": "ปานกลาง", "en": "Medium"},
    "priority_low": {"th": "ต่ำ", "en": "Low"},
    "from_venue": {"th": "จาก", "en": "from"},
    "near_filter_title": {"th": "แจ้งเหตุใกล้สถานที่", "en": "Tips near venues"},
    "near_filter_hint": {
        "th": "แสดงเฉพาะแจ้งเหตุที่อยู่ในรัศมีของสถานที่ประเภทที่เลือก (ในช่วงเวลาที่เลือก)",
        "en": "Show only tips within the radius of the chosen kinds of venue (in the time window)",
    },
    "venue_categories": {"th": "ประเภทสถานที่", "en": "Venue categories"},
    "apply": {"th": "ใช้ตัวกรอง", "en": "Apply filter"},
    "clear": {"th": "ล้าง", "en": "Clear"},
    "save_filter": {"th": "บันทึกตัวกรอง", "en": "Save filter"},
    "filter_name": {"th": "ชื่อตัวกรอง", "en": "Filter name"},
    "saved_filters": {"th": "ตัวกรองที่บันทึกไว้", "en": "Saved filters"},
    "filter_active": {"th": "ตัวกรองใช้งานอยู่", "en": "Filter on"},
    "tips_near_venues_n": {"th": "แจ้งเหตุใกล้สถานที่ที่เลือก", "en": "tips near the chosen venues"},
    "trend_hint": {
        "th": "คลิกเส้นเพื่อกรองแผนที่ตามประเภท ลากเลือกช่วงวันเพื่อกำหนดช่วงเวลา",
        "en": "Click a line to filter the map by its category; drag across days to set the window",
    },
    "forbidden_page": {
        "th": "บทบาทของคุณไม่มีสิทธิ์เข้าหน้านี้",
        "en": "Your role may not open this page",
    },
}


LANGUAGES = ("th", "en")


def language(value: Any) -> str:
    """``value`` when it is a language sitaware speaks, Thai otherwise (forged inputs too)."""
    return value if value in LANGUAGES else "th"


def t(key: str, lang: str = "th") -> str:
    """The string ``key`` in ``lang`` (falls back to Thai, then to the key itself)."""
    entry = STRINGS.get(key, {})
    return entry.get(lang) or entry.get("th") or key


def bi(key: str) -> str:
    """Thai and English together, for labels that both audiences read on one screen."""
    return f"{t(key, 'th')} / {t(key, 'en')}"


def category_label(value: Any, lang: str) -> str:
    """A venue category (``school``, ``temple``…) in ``lang``; any other category (a tip's,
    a source's own) as it is."""
    key = f"cat_{value}"
    label = t(key, lang)
    return str(value or "") if label == key else label


def status_label(value: Any, lang: str) -> str:
    """A tip status in ``lang`` when sitaware knows it (``new``, Traffy's Thai states); any
    other status as the source wrote it."""
    key = f"status_{value}"
    label = t(key, lang)
    return str(value or "") if label == key else label
