"""Synthetic Bangkok demo data, clearly labelled (source ``demo-synthetic``), loaded through the
real ETL path: agency-like files with Thai addresses → readers → validation → geocoder → loader.

Built on the real subdistricts (names, codes, centres) of the gazetteer: ~2,000 lodging sites,
~3,000 sensitive venues, ~20,000 tips over the last 90 days with hotspots and a daily rhythm,
~40 patrol units. Deterministic (seeded): loading twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from etl import pipeline
from etl.geocode.gazetteer import Area, Gazetteer
from etl.geocode.geocoder import Geocoder
from etl.profiles import Kind
from etl.thaidate import BANGKOK
from geodata.db import Bind, begin, connect
from geodata.load import BatchReport, load_units
from geodata.settings import Settings

SOURCE = "demo-synthetic"
LABEL = "SYNTHETIC demo data (generated, not real) · ข้อมูลสาธิตสังเคราะห์ ไม่ใช่ข้อมูลจริง"
DAYS = 90
ROADS = (
    "สุขุมวิท", "พหลโยธิน", "ลาดพร้าว", "รามคำแหง", "เพชรเกษม", "จรัญสนิทวงศ์", "พระราม 4",
    "สีลม", "สาทร", "รัชดาภิเษก", "งามวงศ์วาน", "แจ้งวัฒนะ", "ศรีนครินทร์", "พัฒนาการ",
    "ประชาอุทิศ", "เอกชัย", "นวมินทร์", "เสรีไทย", "วิภาวดีรังสิต", "เจริญกรุง", "ราชดำเนิน",
    "เพชรบุรี", "ประชาชื่น", "อ่อนนุช", "บางนา-ตราด", "กรุงเทพกรีฑา", "สามเสน", "พระราม 9",
)  # fmt: skip
# Where tips cluster (lon, lat, spread in metres, weight): night-life, markets, transport hubs.
HOTSPOTS = (
    (100.4977, 13.7590, 450, 3.0),  # Khao San / Banglamphu
    (100.5550, 13.7410, 500, 3.0),  # Nana / Sukhumvit
    (100.5410, 13.7510, 450, 2.0),  # Pratunam
    (100.5500, 13.7995, 600, 2.0),  # Chatuchak market
    (100.5735, 13.7780, 500, 2.0),  # Huai Khwang
    (100.5090, 13.7400, 400, 1.5),  # Yaowarat
    (100.6440, 13.7660, 700, 1.5),  # Bang Kapi
    (100.5330, 13.7450, 400, 1.5),  # Siam
)
CENTRAL = ("1007", "1039", "1037", "1001", "1004", "1033", "1017", "1028", "1013", "1014")
TIP_CATEGORIES = (
    ("ยาเสพติด", 0.22), ("ลักทรัพย์", 0.2), ("ทะเลาะวิวาท", 0.14), ("บุคคลต้องสงสัย", 0.14),
    ("การพนัน", 0.08), ("วัตถุต้องสงสัย", 0.05), ("อาวุธ", 0.05), ("ค้ามนุษย์", 0.02),
    ("อื่นๆ", 0.10),
)  # fmt: skip
TIP_TEXTS = (
    "พบกลุ่มวัยรุ่นมั่วสุมบริเวณ{place} ช่วงดึก",
    "มีการซื้อขายยาเสพติดใกล้{place} หลายครั้งในสัปดาห์นี้",
    "รถจักรยานยนต์ถูกขโมยหน้า{place}",
    "มีชายต้องสงสัยเดินวนเวียนสังเกตบ้านเรือนแถว{place}",
    "ได้ยินเสียงทะเลาะวิวาทรุนแรงที่{place}",
    "พบกระเป๋าไม่มีเจ้าของวางทิ้งไว้ที่{place}",
    "มีบ่อนการพนันเปิดในอาคารแถว{place}",
)
VENUES = (
    ("school", "โรงเรียน", 0.28, 4), ("temple", "วัด", 0.24, 3), ("mosque", "มัสยิด", 0.05, 4),
    ("church", "โบสถ์คริสต์", 0.03, 4), ("shrine", "ศาลเจ้า", 0.04, 3),
    ("cinema", "โรงภาพยนตร์", 0.03, 3), ("mall", "ศูนย์การค้า", 0.05, 4),
    ("market", "ตลาด", 0.08, 3), ("hotel", "โรงแรม", 0.03, 3), ("hospital", "โรงพยาบาล", 0.05, 5),
    ("transit", "สถานี", 0.07, 4), ("government", "สำนักงาน", 0.05, 5),
)  # fmt: skip
NAME_PARTS = ("ศรี", "สุข", "ทอง", "สวัสดิ์", "มงคล", "ประชา", "รุ่งเรือง", "สามัคคี", "นิมิต",
              "เจริญ", "พัฒนา", "ราษฎร์", "บูรณะ", "วิทยา", "ธรรม", "สันติ", "ชัย", "นคร")  # fmt: skip
LODGING_TYPES = (("โรงแรม", 0.55), ("เกสต์เฮาส์", 0.2), ("โฮสเทล", 0.15), ("อพาร์ทเมนท์", 0.1))
LODGING_TYPES_EN = {"โรงแรม": "hotel", "เกสต์เฮาส์": "guesthouse", "โฮสเทล": "hostel",
                    "อพาร์ทเมนท์": "apartment"}  # fmt: skip


@dataclass
class DemoSizes:
    """How much to generate."""

    lodging: int = 2_000
    venues: int = 3_000
    tips: int = 20_000
    units: int = 40


def _jitter(rng: random.Random, lon: float, lat: float, metres: float) -> tuple[float, float]:
    dx, dy = rng.gauss(0, metres), rng.gauss(0, metres)
    return lon + dx / (111_320 * math.cos(math.radians(lat))), lat + dy / 110_540


def _centre(a: Area) -> tuple[float, float]:
    if a.lon is None or a.lat is None:
        raise RuntimeError(f"subdistrict {a.code} has no point")
    return a.lon, a.lat


def _weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _name(rng: random.Random) -> str:
    return "".join(rng.sample(NAME_PARTS, 2))


def _district_name(g: Gazetteer, a: Area) -> str:
    return g.areas[a.code[:4]].name_th.removeprefix("เขต")


def _address(rng: random.Random, g: Gazetteer, a: Area) -> str:
    road = rng.choice(ROADS)
    return (
        f"{rng.randint(1, 999)}/{rng.randint(1, 99)} ซอย {road} {rng.randint(1, 120)} ถนน{road} "
        f"แขวง{a.name_th} เขต{_district_name(g, a)} กรุงเทพมหานคร "
        + (a.postcodes[0].split()[0] if a.postcodes else "")
    ).strip()


class _Places:
    """Bangkok subdistricts with a point, weighted towards the centre."""

    def __init__(self, g: Gazetteer) -> None:
        self.g = g
        self.subs = [
            a
            for a in g.areas.values()
            if a.level == "subdistrict"
            and a.code.startswith("10")
            and a.lon is not None
            and a.point_level == "subdistrict"
        ]
        if not self.subs:
            raise RuntimeError("no Bangkok subdistricts in the gazetteer: load the reference data")
        self.weights = [4.0 if a.code[:4] in CENTRAL else 1.0 for a in self.subs]

    def pick(self, rng: random.Random) -> Area:
        return rng.choices(self.subs, weights=self.weights)[0]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def lodging_rows(rng: random.Random, places: _Places, n: int) -> list[list[str]]:
    """Lodging registry rows: 60 % with coordinates, the rest with an address only."""
    rows = []
    for i in range(n):
        a = places.pick(rng)
        kind = _weighted(rng, LODGING_TYPES)
        lon, lat = _jitter(rng, *_centre(a), 500)
        with_point = rng.random() < 0.6
        rows.append(
            [
                f"DEMO-L{i:05d}",
                f"{kind}{_name(rng)} (สาธิต)",
                f"Demo {LODGING_TYPES_EN[kind]} {i}",  # an English name in English
                _address(rng, places.g, a),
                f"{lat:.6f}" if with_point else "",
                f"{lon:.6f}" if with_point else "",
                kind,
                str(rng.randint(6, 350)),
                f"02-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                f"{rng.randint(1, 999)}/2566",
                f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.choice([2568, 2569, 2570])}",
            ]
        )
    return rows


def venue_rows(rng: random.Random, places: _Places, n: int) -> list[list[str]]:
    """Sensitive venues across categories, all with coordinates."""
    rows = []
    spec = [(c, th, w, s) for c, th, w, s in VENUES]
    for i in range(n):
        cat, th, _, sens = rng.choices(spec, weights=[w for _, _, w, _ in spec])[0]
        a = places.pick(rng)
        lon, lat = _jitter(rng, *_centre(a), 700)
        rows.append(
            [
                f"DEMO-V{i:05d}",
                f"{th}{_name(rng)} (สาธิต)",
                f"Demo {cat} {i}",
                cat,
                str(min(5, max(1, sens + rng.choice((-1, 0, 0, 0, 1))))),
                f"{lat:.6f}",
                f"{lon:.6f}",
                f"แขวง{a.name_th} เขต{_district_name(places.g, a)} กรุงเทพมหานคร",
            ]
        )
    return rows


def _tip_time(rng: random.Random, now: dt.datetime) -> dt.datetime:
    day = rng.randrange(DAYS)
    date = (now - dt.timedelta(days=day)).date()
    weekend = date.weekday() >= 4  # Friday and Saturday nights are busier
    if weekend and rng.random() < 0.15:
        date = (now - dt.timedelta(days=rng.randrange(DAYS))).date()
    # Daily rhythm: quiet before dawn, busy in the evening.
    hours = list(range(24))
    weights = [2, 1.5, 1, 0.6, 0.4, 0.4, 0.6, 1, 1.5, 2, 2, 2.2, 2.4, 2.2, 2, 2.2, 2.6, 3.2, 4,
               4.8, 5.2, 5.2, 4.4, 3]  # fmt: skip
    hour = rng.choices(hours, weights=weights)[0]
    t = dt.datetime(date.year, date.month, date.day, hour, rng.randrange(60), tzinfo=BANGKOK)
    return min(t, now)


def tip_rows(rng: random.Random, places: _Places, n: int, now: dt.datetime) -> list[list[str]]:
    """Tips: half around hotspots, half spread over the city; 70 % with coordinates."""
    rows = []
    for i in range(n):
        a = places.pick(rng)
        if rng.random() < 0.5:
            lon0, lat0, spread, _ = rng.choices(HOTSPOTS, weights=[h[3] for h in HOTSPOTS])[0]
            lon, lat = _jitter(rng, lon0, lat0, spread)
        else:
            lon, lat = _jitter(rng, *_centre(a), 600)
        when = _tip_time(rng, now)
        with_point = rng.random() < 0.7
        place = f"ซอย{rng.choice(ROADS)} {rng.randint(1, 99)}"
        rows.append(
            [
                f"DEMO-T{i:06d}",
                f"{when.day}/{when.month}/{when.year + 543} {when:%H.%M} น.",
                _weighted(rng, TIP_CATEGORIES),
                rng.choice(TIP_TEXTS).format(place=place),
                f"{lat:.6f}" if with_point else "",
                f"{lon:.6f}" if with_point else "",
                "" if with_point else _address(rng, places.g, a),
                rng.choice(["A2", "B2", "B3", "C3", "C4", "D4", ""]),
                rng.choice(["สายด่วน", "แอป", "วิทยุ"]),
                _tip_status(i, now - when),
            ]
        )
    return rows


def _tip_status(i: int, age: dt.timedelta) -> str:
    """Where the tip's handling stands, by its age (the states Traffy exports use): new ones
    wait, most of the week's are in hand, older ones are mostly finished. Drawn from the row
    number, so the rest of the generated data does not change with it."""
    r = random.Random(f"status-{i}").random()  # noqa: S311 - synthetic data, not a secret
    if age < dt.timedelta(days=1):
        return "รอรับเรื่อง" if r < 0.6 else "กำลังดำเนินการ"
    if age < dt.timedelta(days=7):
        return "กำลังดำเนินการ" if r < 0.5 else "เสร็จสิ้น"
    return "เสร็จสิ้น" if r < 0.85 else "กำลังดำเนินการ"


def unit_rows(rng: random.Random, places: _Places, n: int) -> list[list[str]]:
    """Patrol units with a home district and a current position."""
    rows = []
    for i in range(n):
        a = places.pick(rng)
        lon, lat = _jitter(rng, *_centre(a), 800)
        rows.append(
            [
                f"สาธิต-{i + 1:02d}",
                rng.choice(["สน.", "ตชด.", "เทศกิจ"]),
                rng.choice(["car", "car", "motorbike", "foot"]),
                a.code[:4],
                f"{lat:.6f}",
                f"{lon:.6f}",
            ]
        )
    return rows


def write_files(g: Gazetteer, folder: Path, sizes: DemoSizes, now: dt.datetime) -> dict[str, Path]:
    """The demo files an agency might send, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    places = _Places(g)
    rng = random.Random(20261126)  # noqa: S311 - reproducible synthetic data, not secrets
    return {
        "lodging": _write(
            folder / "demo_lodging.csv",
            [
                "id",
                "ชื่อ",
                "name_en",
                "ที่อยู่",
                "lat",
                "lon",
                "ประเภทที่พัก",
                "จำนวนห้อง",
                "โทรศัพท์",
                "เลขที่ใบอนุญาต",
                "วันหมดอายุใบอนุญาต",
            ],
            lodging_rows(rng, places, sizes.lodging),
        ),
        "venues": _write(
            folder / "demo_venues.csv",
            ["id", "ชื่อ", "name_en", "category", "sensitivity", "lat", "lon", "ที่อยู่"],
            venue_rows(rng, places, sizes.venues),
        ),
        "tips": _write(
            folder / "demo_tips.csv",
            [
                "id",
                "วันที่รับแจ้ง",
                "ประเภท",
                "รายละเอียด",
                "lat",
                "lon",
                "ที่อยู่",
                "ความน่าเชื่อถือ",
                "ช่องทาง",
                "สถานะ",
            ],
            tip_rows(rng, places, sizes.tips, now),
        ),
        "units": _write(
            folder / "demo_units.csv",
            ["callsign", "agency", "unit_type", "home_district", "lat", "lon"],
            unit_rows(rng, places, sizes.units),
        ),
    }


def is_loaded(bind: Bind) -> bool:
    """True when the demo data is in the database."""
    with connect(bind) as conn:
        n = conn.execute(
            text("SELECT count(*) FROM tip WHERE source = :s"), {"s": SOURCE}
        ).scalar_one()
    return int(n) > 0


def register_source(bind: Bind) -> None:
    """The demo's data_source row: every map that shows it names it as synthetic."""
    with begin(bind) as conn:
        conn.execute(
            text(
                """
                INSERT INTO data_source (code, layer, name, licence, attribution, version)
                VALUES (:c, 'demo', :label, 'CC0 (generated)', :label, '1')
                ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name,
                    attribution = EXCLUDED.attribution, loaded_at = now()
                """
            ),
            {"c": SOURCE, "label": LABEL},
        )


def load(
    bind: Bind,
    settings: Settings,
    *,
    sizes: DemoSizes | None = None,
    folder: Path | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, BatchReport | int]:
    """Generate the demo files and load them through the ETL."""
    say = progress or (lambda _m: None)
    sizes = sizes or DemoSizes()
    # Tips end at midnight (Bangkok) before today: loading again the same day changes nothing.
    now = now or dt.datetime.now(BANGKOK).replace(hour=0, minute=0, second=0, microsecond=0)
    geocoder = Geocoder.load(bind, settings)
    folder = folder or settings.state_dir / "demo"
    files = write_files(geocoder.g, folder, sizes, now)
    register_source(bind)
    out: dict[str, BatchReport | int] = {}
    kinds: tuple[Kind, ...] = ("lodging", "venues", "tips")
    for kind in kinds:
        say(f"loading {files[kind].name}")
        out[kind] = pipeline.run(
            bind,
            geocoder,
            settings,
            kind,
            files[kind],
            source=SOURCE,
            started_by="demo",
        )
    with files["units"].open(encoding="utf-8") as f:
        units = list(csv.DictReader(f))
    out["units"] = load_units(bind, SOURCE, units)
    return out
