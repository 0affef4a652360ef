"""Cross-source integration: the same place sent by several agencies (a hotel in the registry,
in OSM and in a police list) becomes one entity, with every source record kept.

Candidates are records of different sources within ``radius_m`` metres (indexed geography
search); their names are compared with rapidfuzz on normalised Thai and English names. The
score mixes name likeness and nearness; pairs above the threshold are linked, and linked pairs
chain into one entity (the smallest record id names it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from rapidfuzz import fuzz
from sqlalchemy import text

from geodata.db import Bind, begin, connect

TABLES = {"lodging": "lodging_site", "venues": "venue"}
# Words that say what a place is, not which one (they inflate name likeness).
_GENERIC = re.compile(
    r"โรงแรม|เกสต์เฮาส์|เกสท์เฮาส์|โฮสเทล|รีสอร์ท|วัด|โรงเรียน|มัสยิด|โรงพยาบาล|ตลาด|สถานี|"
    r"\b(?:hotel|guest ?house|hostel|resort|the|wat|temple|school|mosque|hospital|market"
    r"|station)\b",
    re.I,
)


@dataclass(frozen=True)
class Candidate:
    """Two records that may be the same place."""

    a_id: int
    b_id: int
    a_source: str
    b_source: str
    a_name: str
    b_name: str
    metres: float
    name_score: float  # 0–1
    score: float  # 0–1


def _norm(name: str | None) -> str:
    if not name:
        return ""
    s = unicodedata.normalize("NFC", name).casefold()
    s = _GENERIC.sub(" ", s)
    return " ".join(re.sub(r"[^\w\s]", " ", s).split())


def name_likeness(a_th: str | None, a_en: str | None, b_th: str | None, b_en: str | None) -> float:
    """0–1: the best token-set likeness of the Thai names or of the English names."""
    best = 0.0
    for x, y in ((a_th, b_th), (a_en, b_en), (a_th, b_en), (a_en, b_th)):
        nx, ny = _norm(x), _norm(y)
        if nx and ny:
            best = max(best, fuzz.token_set_ratio(nx, ny) / 100)
    return best


def candidates(
    bind: Bind, kind: str, *, radius_m: float = 50.0, min_score: float = 0.6
) -> list[Candidate]:
    """Pairs of records from different sources that look like one place, best first."""
    table = TABLES.get(kind)
    if table is None:
        raise ValueError(f"kind must be one of {', '.join(TABLES)}, not {kind!r}")
    statement = (
        resources.files("geodata.sql").joinpath("duplicate_candidates.sql").read_text("utf-8")
    ).format(table=table)  # the table name comes from TABLES, never from input
    with connect(bind) as conn:
        rows = conn.execute(text(statement), {"radius_m": float(radius_m)}).all()
    out = []
    for r in rows:
        likeness = name_likeness(r.a_name_th, r.a_name_en, r.b_name_th, r.b_name_en)
        nearness = max(0.0, 1 - float(r.metres) / radius_m)
        score = round(0.7 * likeness + 0.3 * nearness, 3)
        if score >= min_score:
            out.append(
                Candidate(
                    int(r.a_id), int(r.b_id), r.a_source, r.b_source,
                    r.a_name_th or r.a_name_en or "", r.b_name_th or r.b_name_en or "",
                    round(float(r.metres), 1), round(likeness, 3), score,
                )
            )  # fmt: skip
    return sorted(out, key=lambda c: -c.score)


def link(bind: Bind, kind: str, pairs: Sequence[Candidate]) -> int:
    """Link the pairs into entities (chains merge); returns the number of records linked."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    best: dict[int, float] = {}
    for c in pairs:
        ra, rb = find(c.a_id), find(c.b_id)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
        for r in (c.a_id, c.b_id):
            best[r] = max(best.get(r, 0.0), c.score)
    rows = [
        {"kind": kind, "record_id": r, "entity_id": find(r), "score": s} for r, s in best.items()
    ]
    if not rows:
        return 0
    with begin(bind) as conn:
        conn.execute(
            text(
                "INSERT INTO entity_link (kind, record_id, entity_id, score) "
                "VALUES (:kind, :record_id, :entity_id, :score) "
                "ON CONFLICT (kind, record_id) DO UPDATE SET entity_id = EXCLUDED.entity_id, "
                "score = EXCLUDED.score, linked_at = now()"
            ),
            rows,
        )
    return len(rows)
