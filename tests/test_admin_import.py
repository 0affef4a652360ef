"""import-admin: official COD-AB boundaries replace approximations; bad files change nothing."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Connection, text

from geodata.admin_import import import_admin
from geodata.errors import AdminImportError
from geodata.reference.packages import THAIADDRESS
from geodata.reference.sources import read_admin_tables, read_centroids
from geodata.settings import Settings

# A small square in Phra Nakhon (Bangkok) and its official-looking properties.
SQUARE = [[[100.49, 13.75], [100.50, 13.75], [100.50, 13.76], [100.49, 13.76], [100.49, 13.75]]]
BOWTIE = [[[100.49, 13.75], [100.50, 13.76], [100.50, 13.75], [100.49, 13.76], [100.49, 13.75]]]


def _fc(features: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features, **extra}


def _feature(code: str, coords: Any, level_prefix: str = "ADM3") -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {
            f"{level_prefix}_PCODE": f"TH{code}",
            f"{level_prefix}_TH": "ทดสอบ",
            f"{level_prefix}_EN": "Test",
        },
        "geometry": {"type": "Polygon", "coordinates": coords},
    }


def _write(tmp_path: Path, name: str, doc: Any, *, gz: bool = False) -> Path:
    path = tmp_path / name
    raw = json.dumps(doc, ensure_ascii=False).encode()
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return path


def _geom_of(conn: Connection, code: str) -> tuple[str | None, bool, str | None]:
    row = conn.execute(
        text(
            "SELECT ST_AsEWKB(geom)::text, approximate, geom_source FROM admin_area WHERE code=:c"
        ),
        {"c": code},
    ).one()
    return row[0], row[1], row[2]


@pytest.mark.slow
def test_official_subdistricts_replace_approximations(
    conn: Connection, shared_data: Path, settings: Settings
) -> None:
    report = import_admin(
        conn, shared_data / "thailand_admin" / "subdistricts.geojson.gz", "subdistrict"
    )
    assert report.features == 7425
    official = conn.execute(
        text(
            "SELECT count(*) FROM admin_area WHERE level='subdistrict' AND NOT approximate "
            "AND geom_source = 'ocha-cod-ab'"
        )
    ).scalar_one()
    assert official == 7425
    assert report.updated + report.inserted == 7425
    invalid = conn.execute(
        text("SELECT count(*) FROM admin_area WHERE geom IS NOT NULL AND NOT ST_IsValid(geom)")
    ).scalar_one()
    assert invalid == 0

    # >= 97 % of the thaiaddress centroids fall inside the official polygon of the same code
    tables = read_admin_tables(settings)
    centroids = read_centroids(settings, tables)
    assert THAIADDRESS.path(settings, THAIADDRESS.members[0]).exists()
    conn.execute(text("CREATE TEMP TABLE probe (code text, lon float8, lat float8) ON COMMIT DROP"))
    conn.execute(
        text("INSERT INTO probe VALUES (:code, :lon, :lat)"),
        centroids[["code", "lon", "lat"]].to_dict("records"),
    )
    inside, total = conn.execute(
        text(
            """
            SELECT count(*) FILTER (WHERE ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))),
                   count(*)
            FROM probe p JOIN admin_area a ON a.code = p.code AND NOT a.approximate
            """
        )
    ).one()
    assert total > 7000
    assert inside / total >= 0.97, f"{inside}/{total}"


@pytest.mark.slow
def test_official_districts_and_provinces_import(conn: Connection, shared_data: Path) -> None:
    d = import_admin(conn, shared_data / "thailand_admin" / "districts.geojson.gz", "district")
    p = import_admin(conn, shared_data / "thailand_admin" / "provinces.geojson.gz", "province")
    assert (d.features, p.features) == (928, 77)
    assert d.inserted == 0 and p.inserted == 0  # the official codes match the DOPA list
    sources = dict(
        conn.execute(
            text(
                "SELECT level, count(*) FROM admin_area WHERE geom_source='ocha-cod-ab' GROUP BY 1"
            )
        ).all()
    )
    assert sources == {"district": 928, "province": 77}


def test_plain_geojson_with_a_repaired_polygon(conn: Connection, tmp_path: Path) -> None:
    before = _geom_of(conn, "100102")
    path = _write(
        tmp_path, "two.geojson", _fc([_feature("100101", SQUARE), _feature("100102", BOWTIE)])
    )
    report = import_admin(conn, path, "subdistrict")
    assert (report.features, report.updated, report.inserted, report.repairs) == (2, 2, 0, 1)
    wkb, approximate, source = _geom_of(conn, "100102")
    assert wkb != before[0] and not approximate and source == "ocha-cod-ab"
    assert conn.execute(
        text("SELECT ST_IsValid(geom) AND repairs = 1 FROM admin_area WHERE code='100102'")
    ).scalar_one()


def test_gzip_is_detected_by_content(conn: Connection, tmp_path: Path) -> None:
    path = _write(tmp_path, "no-suffix.json", _fc([_feature("100101", SQUARE)]), gz=True)
    assert import_admin(conn, path, "subdistrict").updated == 1


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "empty"),
    "spaces": (b"   \n", "empty"),
    "corrupt-gzip": (gzip.compress(b'{"type": "FeatureCollection"')[:20], "cannot read"),
    "not-json": (b"ADM3_PCODE,geometry\nTH100101,POINT(1 2)\n", "not valid JSON"),
    "json-list": (b"[1, 2, 3]", "not a GeoJSON FeatureCollection"),
    "no-features": (json.dumps(_fc([])).encode(), "no features"),
    "projected-crs": (
        json.dumps(
            _fc(
                [_feature("100101", SQUARE)],
                crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32647"}},
            )
        ).encode(),
        "not EPSG:4326",
    ),
    "utm-coordinates": (
        json.dumps(
            _fc(
                [
                    _feature(
                        "100101",
                        [
                            [
                                [662000, 1521000],
                                [663000, 1521000],
                                [663000, 1522000],
                                [662000, 1521000],
                            ]
                        ],
                    )
                ]
            )
        ).encode(),
        "outside Thailand",
    ),
    "wrong-level": (json.dumps(_fc([_feature("1001", SQUARE, "ADM2")])).encode(), "ADM3_PCODE"),
    "point-geometry": (
        json.dumps(
            _fc(
                [
                    {
                        "type": "Feature",
                        "properties": {"ADM3_PCODE": "TH100101"},
                        "geometry": {"type": "Point", "coordinates": [100.5, 13.7]},
                    }
                ]
            )
        ).encode(),
        "expected a polygon",
    ),
    "duplicate-code": (
        json.dumps(_fc([_feature("100101", SQUARE), _feature("100101", SQUARE)])).encode(),
        "repeats feature 1",
    ),
    "orphan-code": (json.dumps(_fc([_feature("999901", SQUARE)])).encode(), "load-reference"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_names_file_and_problem_and_changes_nothing(
    conn: Connection, tmp_path: Path, case: str
) -> None:
    content, expected = BAD_FILES[case]
    path = tmp_path / f"{case}.geojson"
    path.write_bytes(content)
    before = _geom_of(conn, "100101")
    n_before = conn.execute(text("SELECT count(*) FROM admin_area")).scalar_one()
    with pytest.raises(AdminImportError) as err:
        import_admin(conn, path, "subdistrict")
    assert str(path) in str(err.value)
    assert expected in str(err.value)
    assert _geom_of(conn, "100101") == before
    assert conn.execute(text("SELECT count(*) FROM admin_area")).scalar_one() == n_before


def test_missing_file_and_unknown_level(conn: Connection, tmp_path: Path) -> None:
    with pytest.raises(AdminImportError, match="file not found"):
        import_admin(conn, tmp_path / "nope.geojson", "subdistrict")
    path = _write(tmp_path, "ok.geojson", _fc([_feature("100101", SQUARE)]))
    with pytest.raises(AdminImportError, match="level must be one of"):
        import_admin(conn, path, "village")


def test_failure_late_in_file_rolls_back_everything(conn: Connection, tmp_path: Path) -> None:
    """A good first feature is not written when feature 2 is bad: one transaction."""
    before = _geom_of(conn, "100101")
    path = _write(
        tmp_path, "half.geojson", _fc([_feature("100101", SQUARE), _feature("999999", SQUARE)])
    )
    with pytest.raises(AdminImportError):
        import_admin(conn, path, "subdistrict")
    assert _geom_of(conn, "100101") == before


def test_centroid_frame_shape(settings: Settings) -> None:
    tables = read_admin_tables(settings)
    centroids = read_centroids(settings, tables)
    assert isinstance(centroids, pd.DataFrame)
    assert centroids["code"].is_unique
    assert len(centroids) >= 7200
