"""Agency-like files for ETL tests: good rows, and malformed rows of every kind."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

HEADER = [
    "id", "ชื่อ", "name_en", "ที่อยู่", "lat", "lon", "wkt", "ประเภทที่พัก", "จำนวนห้อง",
    "โทรศัพท์", "เลขที่ใบอนุญาต", "วันหมดอายุใบอนุญาต",
]  # fmt: skip
# Bangkok, well inside the city (every point falls in a subdistrict polygon)
LAT, LON = (13.70, 13.82), (100.48, 100.62)
MALFORMED_KINDS = (
    "coords",
    "swapped",
    "nan",
    "date",
    "missing_name",
    "encoding",
    "overlong",
    "formula",
    "geometry",
    "outside",
)


def good_row(i: int, rng: random.Random, *, rooms: int | None = None) -> list[str]:
    """A valid lodging registry row."""
    lat, lon = rng.uniform(*LAT), rng.uniform(*LON)
    drawn_rooms = rng.randint(5, 400)  # drawn always, so an edited file keeps the same stream
    year_be = rng.choice([2567, 2568, 2569])
    expires = rng.choice(
        [f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{year_be}", f"{rng.randint(1, 28)} ก.พ. {year_be}",
         f"{year_be - 543}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"]
    )  # fmt: skip
    return [
        f"L{i:06d}",
        f"โรงแรมทดสอบ {i}",
        f"Test Hotel {i}",
        f"{rng.randint(1, 999)} ซอย สุขุมวิท {rng.randint(1, 99)} แขวงคลองเตยเหนือ เขตวัฒนา กรุงเทพมหานคร 10110",
        f"{lat:.6f}",
        f"{lon:.6f}",
        "",
        rng.choice(["โรงแรม", "hostel", "เกสต์เฮาส์", "Hotel"]),
        str(rooms if rooms is not None else drawn_rooms),
        f"02-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
        f"{rng.randint(1, 99)}/{year_be - 5}",
        expires,
    ]


def malformed_row(i: int, kind: str, rng: random.Random) -> list[str]:
    """A row that must be quarantined with reason ``kind`` (see validate's reason codes)."""
    row = good_row(i, rng)
    if kind == "coords":
        row[4] = "สิบสาม"
    elif kind == "swapped":
        row[4], row[5] = row[5], row[4]
    elif kind == "nan":
        row[4] = "NaN"
    elif kind == "date":
        row[11] = rng.choice(["31/02/2567", "ไม่ทราบ", "2567-13-40"])
    elif kind == "missing_name":
        row[1] = row[2] = ""
    elif kind == "encoding":
        row[1] = "\udcff\udcfe"  # written below as raw bytes 0xFF 0xFE: not UTF-8
    elif kind == "overlong":
        row[1] = "ก" * 400
    elif kind == "formula":
        row[9] = rng.choice(
            ['=HYPERLINK("http://x.example","x")', "@SUM(1+1)", "-2+3+cmd|' /C calc'!A0"]
        )
    elif kind == "geometry":
        row[4] = row[5] = ""
        row[3] = ""
        row[6] = rng.choice(["POLYGON((100.5 13.7, 100.5 13.7, 100.5 13.7, 100.5 13.7))",
                             "POLYGON((100.5 13.7, 100.6 13.7))", "POINT(100.5"])  # fmt: skip
    elif kind == "outside":
        row[4], row[5] = rng.choice([("48.8566", "2.3522"), ("200", "100.5")])
    return row


def lodging_file(
    path: Path, n_good: int, n_bad: int, *, seed: int = 7, edited: set[int] | None = None
) -> dict[int, str]:
    """Write a UTF-8 lodging CSV: ``n_good`` valid rows and ``n_bad`` malformed ones spread
    through the file. Rows listed in ``edited`` get a different room count. Returns
    {file row number: malformed kind}."""
    rng = random.Random(seed)
    bad_at = set(random.Random(seed + 1).sample(range(n_good + n_bad), n_bad))
    kinds: dict[int, str] = {}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    good = 0
    for k in range(n_good + n_bad):
        if k in bad_at:
            kind = MALFORMED_KINDS[len(kinds) % len(MALFORMED_KINDS)]
            kinds[k + 2] = kind
            w.writerow(malformed_row(100_000 + k, kind, rng))
        else:
            rooms = 999 if edited and good in edited else None
            w.writerow(good_row(good, rng, rooms=rooms))
            good += 1
    path.write_bytes(buf.getvalue().encode("utf-8", errors="surrogateescape"))
    return kinds
