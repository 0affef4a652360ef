-- Purpose: batch reverse geocoding, point → subdistrict / district / province codes, by an
-- indexed point-in-polygon test (GiST on admin_area.geom). Official polygons win over
-- approximate ones where both contain the point.
-- Parameters: :lons, :lats  float8 arrays of equal length (EPSG:4326)
-- Columns: i (1-based position), subdistrict_code, district_code, province_code
WITH p AS (
    SELECT t.i, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS g
    FROM unnest(CAST(:lons AS float8[]), CAST(:lats AS float8[])) WITH ORDINALITY AS t(lon, lat, i)
)
SELECT p.i,
       (SELECT a.code FROM admin_area a
        WHERE a.level = 'subdistrict' AND a.geom && p.g AND ST_Intersects(a.geom, p.g)
        ORDER BY a.approximate, a.code LIMIT 1) AS subdistrict_code,
       (SELECT a.code FROM admin_area a
        WHERE a.level = 'district' AND a.geom && p.g AND ST_Intersects(a.geom, p.g)
        ORDER BY a.approximate, a.code LIMIT 1) AS district_code,
       (SELECT a.code FROM admin_area a
        WHERE a.level = 'province' AND a.geom && p.g AND ST_Intersects(a.geom, p.g)
        ORDER BY a.approximate, a.code LIMIT 1) AS province_code
FROM p
ORDER BY p.i
