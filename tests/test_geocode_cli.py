"""The ``sitaware geocode`` contract: every input column plus the eight geo_ columns, in UTF-8,
UTF-8 with BOM and TIS-620; bad files get an error naming the file and the reason."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Connection
from typer.testing import CliRunner

from etl.cli import app
from etl.geocode.csvfile import GEO_COLUMNS
from etl.geocode.gazetteer import Gazetteer
from etl.geocode.geocoder import Geocoder

ROWS = [
    ("T1", "๑ ถนนหน้าพระลาน แขวงพระบรมมหาราชวัง เขตพระนคร กทม. ๑๐๒๐๐", "", ""),
    ("T2", "ไม่ทราบ", "13.7500", "100.4913"),
    ("T3", "N/A", "", ""),
    ("T4", "แขวงลุมพินี เขตปทุมวัน กรุงเทพมหานคร 10330", "lat?", "100.5"),
]


@pytest.fixture
def runner(gazetteer: Gazetteer, conn: Connection, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI, geocoding on this test's connection (rolled back afterwards)."""
    monkeypatch.setattr(
        Geocoder, "load", classmethod(lambda cls, bind, s, **kw: cls(gazetteer, conn))
    )
    return CliRunner()


def _write(
    path: Path, encoding: str, header: tuple[str, ...] = ("id", "ที่อยู่", "lat", "lon")
) -> None:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(ROWS)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "tis-620", "cp874"])
def test_contract(runner: CliRunner, tmp_path: Path, encoding: str) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(src, encoding)
    result = runner.invoke(
        app,
        [
            "geocode",
            str(src),
            "--out",
            str(out),
            "--address-column",
            "ที่อยู่",
            "--lat-column",
            "lat",
            "--lon-column",
            "lon",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = _read(out)
    assert list(rows[0]) == ["id", "ที่อยู่", "lat", "lon", *GEO_COLUMNS]
    assert [r["id"] for r in rows] == ["T1", "T2", "T3", "T4"]
    assert rows[0]["ที่อยู่"] == ROWS[0][1]  # the input survives, Thai intact
    t1, t2, t3, t4 = rows
    assert (t1["geo_precision"], t1["geo_subdistrict_code"]) == ("subdistrict", "100101")
    assert (t1["geo_district_code"], t1["geo_province_code"]) == ("1001", "10")
    assert float(t1["geo_confidence"]) > 0.5 and t1["geo_reason"] == ""
    # coordinates win over the address
    assert (t2["geo_precision"], t2["geo_lat"], t2["geo_lon"]) == (
        "point",
        "13.750000",
        "100.491300",
    )
    assert t2["geo_subdistrict_code"] == "100101"
    # nothing to go on: no point, a reason
    assert (t3["geo_precision"], t3["geo_lat"], t3["geo_confidence"]) == ("none", "", "0.000")
    assert t3["geo_reason"]
    # a bad coordinate falls back to the address and says why
    assert (t4["geo_precision"], t4["geo_subdistrict_code"]) == ("subdistrict", "100704")
    assert "not numbers" in t4["geo_reason"] or "coordinate" in t4["geo_reason"]
    assert "4 rows geocoded" in result.output


def test_coords_and_text_columns(runner: CliRunner, tmp_path: Path) -> None:
    src, out = tmp_path / "tips.csv", tmp_path / "out.csv"
    src.write_text(
        "id,coords,comment\n"
        'a,"100.4913,13.7500",\n'
        "b,,มีคนแปลกหน้าเดินวนแถวเขตบางรักทุกคืน\n"
        "c,\"['200', '13']\",\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "geocode",
            str(src),
            "--out",
            str(out),
            "--coords-column",
            "coords",
            "--text-column",
            "comment",
        ],
    )
    assert result.exit_code == 0, result.output
    a, b, c = _read(out)
    assert (a["geo_precision"], a["geo_subdistrict_code"]) == ("point", "100101")
    assert (b["geo_precision"], b["geo_district_code"]) == ("district", "1004")
    assert c["geo_precision"] == "none" and c["geo_reason"]


def test_columns_recognised_when_not_named(runner: CliRunner, tmp_path: Path) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(src, "utf-8", header=("id", "address", "latitude", "longitude"))
    result = runner.invoke(app, ["geocode", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "columns recognised" in result.output
    assert _read(out)[1]["geo_precision"] == "point"


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"id,addr\n1,x\n", ["--address-column", "address"], "no column 'address'"),
        (b"", ["--address-column", "a"], "empty file"),
        (b"\x00\x01\x02binary", ["--address-column", "a"], "binary"),
        (b"id,a\n1,x\n", ["--lat-column", "a"], "go together"),
        (b"id,foo\n1,x\n", [], "no column to geocode"),
    ],
)
def test_bad_input_names_file_and_reason(
    runner: CliRunner, tmp_path: Path, content: bytes, args: list[str], message: str
) -> None:
    src, out = tmp_path / "bad.csv", tmp_path / "out.csv"
    src.write_bytes(content)
    result = runner.invoke(app, ["geocode", str(src), "--out", str(out), *args])
    assert result.exit_code == 1
    assert "bad.csv" in result.output and message in result.output
    assert not out.exists()


def test_unreadable_row_is_explained(runner: CliRunner, tmp_path: Path) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes("id,a\n1,x,y,z\n2,แขวงลุมพินี เขตปทุมวัน\n".encode())
    result = runner.invoke(app, ["geocode", str(src), "--out", str(out), "--address-column", "a"])
    assert result.exit_code == 0, result.output
    bad, good = _read(out)
    assert bad["geo_precision"] == "none" and "row 2" in bad["geo_reason"]
    assert "4 fields" in bad["geo_reason"]
    assert good["geo_subdistrict_code"] == "100704"


def test_missing_input_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["geocode", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o.csv")]
    )
    assert result.exit_code == 1 and "nope.csv" in result.output
