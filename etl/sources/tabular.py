"""CSV (UTF-8, UTF-8 with BOM, TIS-620/cp874, detected) and Excel (XLSX) readers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from etl.sources import (
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNCOMPRESSED,
    SourceError,
    SourceRow,
    SourceTable,
)

REPLACEMENT = "\ufffd"
csv.field_size_limit(MAX_FIELD_CHARS * 10)


def decode(path: Path, raw: bytes) -> tuple[str, str]:
    """Text and encoding name. UTF-8 (BOM or not) when the bytes are UTF-8, TIS-620/cp874 when
    they are Thai single-byte text; a mostly-UTF-8 file with a few broken bytes stays UTF-8, and
    the broken characters show as U+FFFD so their rows can be quarantined."""
    if b"\x00" in raw[:8192]:
        raise SourceError(f"{path}: binary data (NUL bytes), not a text file")
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    as_utf8 = raw.decode("utf-8-sig", errors="replace")
    as_thai = raw.decode("cp874", errors="replace")
    broken_utf8 = as_utf8.count(REPLACEMENT)
    broken_thai = as_thai.count(REPLACEMENT)
    thai_chars = sum(1 for ch in as_thai[:200_000] if "\u0e01" <= ch <= "\u0e5b")
    if broken_thai < broken_utf8 and thai_chars > broken_utf8:
        return as_thai, "TIS-620/cp874"
    return as_utf8, "UTF-8"


def _check_size(path: Path, limit: int) -> int:
    size = path.stat().st_size
    if size > limit:
        raise SourceError(f"{path}: {size:,} bytes is over the {limit:,}-byte limit")
    return size


def read_csv(path: Path) -> SourceTable:
    """Every row of a delimited text file; the header row names the columns."""
    _check_size(path, MAX_FILE_BYTES)
    text, encoding = decode(path, path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=first_line.count)  # the header tells the delimiter
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise SourceError(f"{path}: empty file (no header row)") from None
    except csv.Error as exc:
        raise SourceError(f"{path}: the header row cannot be read ({exc})") from None
    _check_header(path, header)
    table = SourceTable(path=path, format="csv", columns=header, encoding=encoding)
    last, blank = reader.line_num, 0
    broken = REPLACEMENT in text  # looked for once in the file, then in the rows only if found
    while True:
        start = last + 1  # the line a record starts on (a quoted field may span lines)
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            table.rows.append(SourceRow(start, {}, error=f"unreadable: {exc}"))
            last = reader.line_num
            continue
        last = reader.line_num
        if not (fields and fields[0].strip()) and not any(f.strip() for f in fields):
            blank += 1  # a blank line is not a record (counted, and said so)
            continue
        table.rows.append(_row(start, header, fields, broken=broken))
    if blank:
        table.notes.append(f"{blank} blank lines skipped")
    return table


def _check_header(path: Path, header: list[str]) -> None:
    if not any(header):
        raise SourceError(f"{path}: the header row is empty")
    dupes = [h for h, n in Counter(header).items() if n > 1 and h]
    if dupes:
        raise SourceError(f"{path}: duplicate column names {dupes}")


def _row(number: int, header: list[str], fields: list[str], *, broken: bool = True) -> SourceRow:
    """One record; ``broken``: the file holds U+FFFD somewhere (else no row needs checking)."""
    error = None
    n = len(header)
    if len(fields) > n and any(f.strip() for f in fields[n:]):
        error = f"fields: {len(fields)} fields but the header has {n}"
    padded = fields if len(fields) == n else fields[:n] + [""] * (n - len(fields))
    values = dict(zip(header, padded, strict=True))
    if error is None and broken and any(REPLACEMENT in v for v in padded):
        error = "encoding: characters that are not valid UTF-8 or TIS-620"
    # the sum of the lengths (one C call) rules out most rows before each field is looked at
    if (
        error is None
        and sum(map(len, padded)) > MAX_FIELD_CHARS
        and any(len(v) > MAX_FIELD_CHARS for v in padded)
    ):
        error = f"overlong: a field is over {MAX_FIELD_CHARS:,} characters"
    if error is not None:  # keep the raw fields, including any extra ones
        values = {**values, **{f"_extra_{i}": f for i, f in enumerate(fields[len(header) :])}}
    return SourceRow(number, values, error=error)


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except zipfile.BadZipFile:
        raise SourceError(f"{path}: not an XLSX file (not a zip archive)") from None
    if len(infos) > 10_000:
        raise SourceError(f"{path}: {len(infos):,} parts in the archive; refused")
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise SourceError(
            f"{path}: unpacks to {total:,} bytes, over the {MAX_XLSX_UNCOMPRESSED:,}-byte "
            "limit (a zip bomb?); refused"
        )
    for i in infos:
        if i.compress_size and i.file_size / i.compress_size > MAX_XLSX_RATIO and i.file_size > 1e6:
            raise SourceError(
                f"{path}: part {i.filename} expands {i.file_size / i.compress_size:,.0f}× "
                "(a zip bomb?); refused"
            )


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat()
    return str(v)


def read_xlsx(path: Path) -> SourceTable:
    """The first worksheet of an Excel workbook (values, not formulas); row 1 is the header.
    XML is parsed with defusedxml and the archive is checked before it is opened."""
    _check_size(path, MAX_FILE_BYTES)
    _check_zip(path)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise SourceError(
            f"{path}: not a readable XLSX workbook ({exc.__class__.__name__})"
        ) from exc
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        try:
            header = [_cell(v).strip() for v in next(rows)]
        except StopIteration:
            raise SourceError(f"{path}: empty worksheet (no header row)") from None
        while header and not header[-1]:
            header.pop()
        _check_header(path, header)
        table = SourceTable(path=path, format="xlsx", columns=header, encoding="XLSX")
        blank = 0
        for number, values in enumerate(rows, start=2):
            fields = [_cell(v) for v in values]
            if not any(f.strip() for f in fields):
                blank += 1  # Excel reports formatted empty rows; they are not records
                continue
            table.rows.append(_row(number, header, fields))
        if blank:
            table.notes.append(f"{blank} empty rows skipped")
        return table
    finally:
        wb.close()
