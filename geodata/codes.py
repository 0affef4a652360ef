"""DOPA admin codes: 2 digits for a province, 4 for a district, 6 for a subdistrict. One place
checks them, for the data layer, the API and the pages."""

from __future__ import annotations

from typing import Any

LEVEL_LENGTHS = (2, 4, 6)
LEVEL_OF_LENGTH = {2: "province", 4: "district", 6: "subdistrict"}


def is_area_code(value: Any, lengths: tuple[int, ...] = LEVEL_LENGTHS) -> bool:
    """True when ``value`` is a string of ASCII digits of one of ``lengths`` (``str.isdigit``
    alone also accepts Thai and other digits)."""
    return _digits(value) and len(value) in lengths


def _digits(value: Any) -> bool:
    return isinstance(value, str) and value.isascii() and value.isdigit()


def check_area(prefix: str, *, any_prefix: bool = False) -> str:
    """``prefix`` when it is '' (everywhere) or an area code (or, with ``any_prefix``, any code
    prefix of up to six digits); ValueError otherwise."""
    ok = prefix == "" or (
        _digits(prefix) and len(prefix) <= 6 if any_prefix else is_area_code(prefix)
    )
    if not ok:
        what = "up to 6 digits" if any_prefix else "a 2/4/6-digit DOPA code"
        raise ValueError(f"area must be '' or {what}, not {prefix!r}")
    return prefix
