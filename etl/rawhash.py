"""Raw row hashes: how a re-load recognises an unchanged row before validating it.

A row's hash is a keyed 64-bit BLAKE2b of the row as read (every cell in file order, its
geometry), keyed by a *salt* of everything else that decides what the row becomes: the kind,
the profile, the file's columns and their mapping, the reporter key (by fingerprint), the
service area, whether an admin area is required, the ETL's own code and the geocoder's data.
A row whose stored ``raw_hash`` equals its hash would validate and geocode to the very record
that is stored, so the load counts it as unchanged without doing either; when anything in the
salt changes, every row is processed again. A collision (2⁻⁶⁴ for an edited row) would keep
the old record.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import shapely

from etl.geocode.geocoder import Geocoder
from etl.profiles import Profile
from etl.sources import SourceRow
from geodata.settings import Settings

_ETL = Path(__file__).resolve().parent


@functools.cache
def code_version() -> str:
    """sha256 of the ETL's source files: any change to how rows are read, validated or
    geocoded re-processes every row (no version number to forget to bump)."""
    h = hashlib.sha256()
    for path in sorted(_ETL.rglob("*.py")):
        h.update(str(path.relative_to(_ETL)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def salt(
    kind: str,
    profile: Profile,
    *,
    columns: Sequence[str],
    mapping: dict[str, str],
    reporter_key: bytes,
    settings: Settings,
    geocoder: Geocoder,
) -> bytes:
    """The 32-byte key of this load's row hashes: everything besides the row that decides its
    record. Asks the database once (the geocoder's data stamp)."""
    parts = (
        "raw-hash 1",
        kind,
        repr(profile),
        repr(list(columns)),
        repr(sorted(mapping.items())),
        hashlib.sha256(b"reporter key " + reporter_key).hexdigest(),
        repr(tuple(settings.service_bbox)),
        repr(settings.require_admin_area),
        code_version(),
        geocoder.fingerprint(),
    )
    return hashlib.sha256("\n".join(parts).encode()).digest()


@functools.lru_cache(maxsize=8)
def _hasher(key: bytes) -> Any:
    return hashlib.blake2b(digest_size=8, key=key)


def row_hash(key: bytes, row: SourceRow) -> int:
    """The row's hash under ``key`` (from ``salt``), as a signed 64-bit integer (``bigint``):
    its column names and values in order, and its geometry."""
    values = row.values
    text = "\x1f".join([*values, *map(str, values.values())])
    if text.count("\x1f") != 2 * len(values) - 1:  # a separator inside a value: unambiguous form
        text = repr(values)
    h = _hasher(key).copy()
    h.update(text.encode())
    if row.geometry is not None:
        try:
            h.update(b"\0" + shapely.to_wkb(row.geometry))
        except (TypeError, shapely.errors.GEOSException):
            h.update(b"\0" + repr(row.geometry).encode())
    return int.from_bytes(h.digest(), "big", signed=True)
