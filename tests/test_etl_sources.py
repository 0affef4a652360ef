"""Readers: encodings, Excel, GeoJSON, GeoPackage — and hostile files refused fast, in bounded
memory, with a message naming the file."""

from __future__ import annotations

import json
import resource
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from shapely.geometry import Point

from etl import sources
from etl.sources import SourceError

ROWS = [
    ["id", "ชื่อ", "ที่อยู่", "lat", "lon"],
    ["1", "โรงแรมริมน้ำ", "๑๒/๓ ถ.เจริญกรุง แขวงบางรัก เขตบางรัก กทม.", "13.7234", "100.5143"],
    ["2", "เกสต์เฮาส์ข้าวสาร", "ถนนข้าวสาร แขวงตลาดยอด เขตพระนคร", "13.7590", "100.4971"],
]


def _csv(path: Path, encoding: str) -> Path:
    text = "\n".join(",".join(f'"{v}"' for v in r) for r in ROWS) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(("encoding", "name"), [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8"),
                                                ("tis-620", "TIS-620/cp874"), ("cp874", "TIS-620/cp874")])  # fmt: skip
def test_csv_encodings(tmp_path: Path, encoding: str, name: str) -> None:
    t = sources.read(_csv(tmp_path / "a.csv", encoding))
    assert t.encoding == name
    assert t.columns == ROWS[0]
    assert [r.values["ชื่อ"] for r in t.rows] == [ROWS[1][1], ROWS[2][1]]
    assert [r.number for r in t.rows] == [2, 3]
    assert all(r.error is None for r in t.rows)


def test_csv_row_problems_are_kept_with_the_row(tmp_path: Path) -> None:
    p = tmp_path / "b.csv"
    p.write_bytes(
        b'id,name\n1,ok\n2,\xff\xfe broken\n3,a,b,c\n\n4,"multi\nline"\n5,' + b"x" * 200_001 + b"\n"
    )
    t = sources.read(p)
    errors = {r.values.get("id"): (r.number, r.error) for r in t.rows}
    assert errors["1"] == (2, None)
    assert errors["2"][1] is not None and errors["2"][1].startswith("encoding")
    assert errors["3"][1] is not None and errors["3"][1].startswith("fields")
    assert errors["4"] == (6, None)  # the blank line 5 is skipped and said so
    assert errors["5"][1] is not None and errors["5"][1].startswith("overlong")
    assert "1 blank lines skipped" in t.notes


def test_xlsx(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in ROWS:
        ws.append(r)
    ws.append([None, None, None, None, None])
    ws.append(["3", "โฮสเทล", "สีลม", 13.72, 100.53])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    t = sources.read(path)
    assert t.columns == ROWS[0]
    assert [r.values["id"] for r in t.rows] == ["1", "2", "3"]
    assert t.rows[2].values["lat"] == "13.72"
    assert t.rows[2].number == 5


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_zip_bomb_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MB of zeros, ~300 kB compressed
                f.write(chunk)
    assert path.stat().st_size < 2_000_000
    before = _peak_mb()
    t0 = time.monotonic()
    with pytest.raises(SourceError, match=r"bomb\.xlsx.*(zip bomb|expands)"):
        sources.read(path)
    assert time.monotonic() - t0 < 5
    assert _peak_mb() - before < 50


def test_huge_geojson_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "huge.geojson"
    with path.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # 200 MB (sparse: no disk used)
    t0 = time.monotonic()
    with pytest.raises(SourceError, match=r"huge\.geojson.*over the"):
        sources.read(path)
    assert time.monotonic() - t0 < 1


def test_deeply_nested_geojson_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nested.geojson"
    depth = 2_000_000
    path.write_bytes(
        b'{"type":"FeatureCollection","features":' + b"[" * depth + b"]" * depth + b"}"
    )
    before = _peak_mb()
    t0 = time.monotonic()
    with pytest.raises(SourceError, match=r"nested\.geojson.*nested too deeply"):
        sources.read(path)
    assert time.monotonic() - t0 < 5
    assert _peak_mb() - before < 200


def test_geojson_features(tmp_path: Path) -> None:
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": 7, "properties": {"name": "วัดโพธิ์", "category": "temple"},
             "geometry": {"type": "Point", "coordinates": [100.4930, 13.7465]}},
            {"type": "Feature", "properties": {"name": "ตลาด"},
             "geometry": {"type": "Polygon", "coordinates": [[[100.5, 13.7], [100.6, 13.7]]]}},
            "not a feature",
        ],
    }  # fmt: skip
    path = tmp_path / "v.geojson"
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    t = sources.read(path)
    a, b, c = t.rows
    assert a.values == {"name": "วัดโพธิ์", "category": "temple", "id": "7"}
    assert a.geometry is not None and a.geometry.geom_type == "Point"
    assert b.error is not None and b.error.startswith("geometry")
    assert c.error is not None
    for bad, message in [(b"[1,2]", "FeatureCollection"), (b"{", "not valid JSON"),
                         (b'{"type":"FeatureCollection","features":[],"crs":{"type":"name",'
                          b'"properties":{"name":"EPSG:32647"}}}', "WGS 84")]:  # fmt: skip
        path.write_bytes(bad)
        with pytest.raises(SourceError, match=message):
            sources.read(path)


def test_geopackage_is_reprojected(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame(
        {"name": ["โรงเรียนสวนกุหลาบ"], "category": ["school"]},
        geometry=[Point(100.4977, 13.7437)],
        crs=4326,
    ).to_crs(32647)
    path = tmp_path / "v.gpkg"
    gdf.to_file(path, driver="GPKG")
    t = sources.read(path)
    (row,) = t.rows
    assert row.values["name"] == "โรงเรียนสวนกุหลาบ"
    assert row.geometry.x == pytest.approx(100.4977, abs=1e-6)


def test_unsupported_and_missing(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        sources.read(tmp_path / "nope.csv")
    (tmp_path / "a.docx").write_bytes(b"x")
    with pytest.raises(SourceError, match="unsupported file type"):
        sources.read(tmp_path / "a.docx")
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(SourceError, match="empty file"):
        sources.read(tmp_path / "e.csv")
    (tmp_path / "z.xlsx").write_bytes(b"not a zip")
    with pytest.raises(SourceError, match="not a zip"):
        sources.read(tmp_path / "z.xlsx")
