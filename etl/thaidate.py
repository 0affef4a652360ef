"""Thai dates and times as agencies write them → timezone-aware datetimes.

Buddhist-Era years (2566 → 2023; two-digit 66 → 2566 → 2023), Thai month names and
abbreviations (กุมภาพันธ์, ก.พ., กพ), English month names, day-first numeric dates
(11/05/2566, 11-5-66, 11.05.2566), ISO 8601 with or without an offset, Thai digits, and times
with น. ("14.30 น.", "เวลา 9:05 น."). Without an offset the time is Asia/Bangkok.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo

from etl.geocode.text import clean

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543
MIN_YEAR, MAX_YEAR = 1900, 2100  # after conversion to the Common Era

_MONTHS_TH = (
    ("มกราคม", "ม.ค.", "มค"),
    ("กุมภาพันธ์", "ก.พ.", "กพ"),
    ("มีนาคม", "มี.ค.", "มีค"),
    ("เมษายน", "เม.ย.", "เมย"),
    ("พฤษภาคม", "พ.ค.", "พค"),
    ("มิถุนายน", "มิ.ย.", "มิย"),
    ("กรกฎาคม", "ก.ค.", "กค"),
    ("สิงหาคม", "ส.ค.", "สค"),
    ("กันยายน", "ก.ย.", "กย"),
    ("ตุลาคม", "ต.ค.", "ตค"),
    ("พฤศจิกายน", "พ.ย.", "พย"),
    ("ธันวาคม", "ธ.ค.", "ธค"),
)
_MONTHS_EN = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip
_MONTH_WORDS: dict[str, int] = {}
for _i, _names in enumerate(_MONTHS_TH, start=1):
    for _n in _names:
        _MONTH_WORDS[_n] = _i
        _MONTH_WORDS[_n.rstrip(".")] = _i
for _i, _n in enumerate(_MONTHS_EN, start=1):
    _MONTH_WORDS[_n] = _i
_MONTH_RX = (
    "|".join(re.escape(w) for w in sorted(_MONTH_WORDS, key=len, reverse=True)) + r"|[A-Za-z]{3,9}"
)

_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_NUMERIC = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})\b")
_WORDS = re.compile(rf"^(\d{{1,2}})\s*({_MONTH_RX})\s*(\d{{2}}|\d{{4}})\b", re.I)
_TIME = re.compile(r"(\d{1,2})\s*[:.]\s*(\d{2})(?:\s*[:.]\s*(\d{2}))?\s*(?:น\.?|นาฬิกา)?")
_PREFIX = re.compile(r"^(?:วันที่|วัน\S*ที่|ว/ด/ป|date)\s*", re.I)


class ThaiDateError(ValueError):
    """The value is not a date sitaware can read; the message says why."""


def _year(raw: str) -> int:
    y = int(raw)
    if len(raw) == 2:  # Thai two-digit years are Buddhist Era: 63 → 2563 → 2020
        y = 2500 + y - BE_OFFSET
    elif y >= 2400:
        y -= BE_OFFSET
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise ThaiDateError(f"year {raw} is out of range")
    return y


@lru_cache(maxsize=64)
def _tz(raw: str | None) -> dt.tzinfo:
    if not raw:
        return BANGKOK
    if raw == "Z":
        return dt.UTC
    sign = -1 if raw[0] == "-" else 1
    digits = raw[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _build(y: int, mo: int, d: int, rest: str) -> dt.datetime:
    hh = mm = ss = 0
    if (t := _TIME.search(rest)) is not None:
        hh, mm, ss = int(t.group(1)), int(t.group(2)), int(t.group(3) or 0)
    try:
        return dt.datetime(y, mo, d, hh, mm, ss, tzinfo=BANGKOK)
    except ValueError as exc:
        raise ThaiDateError(f"not a real date or time: {exc}") from None


def parse_datetime(value: object) -> dt.datetime:
    """A timezone-aware datetime, or ThaiDateError with the reason."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=BANGKOK)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=BANGKOK)
    text = clean(value)
    if not text:
        raise ThaiDateError("no date")
    if len(text) > 64:
        raise ThaiDateError(f"{len(text)} characters is too long for a date")
    text = _PREFIX.sub("", text)
    if (m := _ISO.match(text)) is not None:
        y = _year(m.group(1))
        try:
            return dt.datetime(
                y,
                int(m.group(2)),
                int(m.group(3)),
                int(m.group(4) or 0),
                int(m.group(5) or 0),
                int(m.group(6) or 0),
                tzinfo=_tz(m.group(7)),
            )
        except ValueError as exc:
            raise ThaiDateError(f"not a real date or time: {exc}") from None
    if (m := _NUMERIC.match(text)) is not None:
        return _build(_year(m.group(3)), int(m.group(2)), int(m.group(1)), text[m.end() :])
    if (m := _WORDS.match(text)) is not None:
        month = _MONTH_WORDS.get(m.group(2).casefold().rstrip("."))
        if month is None:
            month = _MONTH_WORDS.get(m.group(2)[:3].casefold())
        if month is None:
            raise ThaiDateError(f"unknown month {m.group(2)!r}")
        return _build(_year(m.group(3)), month, int(m.group(1)), text[m.end() :])
    raise ThaiDateError(f"not a date: {text[:30]!r}")
