"""Dates and numbers per language: Thai month names, and the Buddhist Era (พ.ศ. = ค.ศ. + 543)
when the person asks for it. Pure functions."""

from __future__ import annotations

import datetime as dt

BANGKOK = dt.timezone(dt.timedelta(hours=7))
BE_OFFSET = 543
TH_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
             "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")  # fmt: skip
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip


def local(value: dt.datetime) -> dt.datetime:
    """``value`` in Bangkok time (naive values are taken as UTC, as the database returns)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(BANGKOK)


def date_text(value: dt.date, lang: str, be: bool = False, *, year: bool = True) -> str:
    """``26 พ.ย. 2569`` / ``26 Nov 2026``; ``be`` writes the Buddhist-Era year (with "BE" in
    English so nobody reads 2569 as a typo)."""
    if isinstance(value, dt.datetime):
        value = local(value).date()
    months = TH_MONTHS if lang == "th" else EN_MONTHS
    text = f"{value.day} {months[value.month - 1]}"
    if not year:
        return text
    if be:
        return f"{text} {value.year + BE_OFFSET}" + ("" if lang == "th" else " BE")
    return f"{text} {value.year}"


def datetime_text(value: dt.datetime, lang: str, be: bool = False) -> str:
    """Date and 24-hour Bangkok time (``น.`` after it in Thai)."""
    when = local(value)
    clock = when.strftime("%H:%M") + (" น." if lang == "th" else "")
    return f"{date_text(when.date(), lang, be)} {clock}"


def number(value: float | int, digits: int = 0) -> str:
    """Grouped digits (the same in Thai and English offices: Arabic numerals)."""
    return f"{value:,.{digits}f}" if digits else f"{round(value):,}"
