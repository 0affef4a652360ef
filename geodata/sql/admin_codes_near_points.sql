-- Purpose: for points that no polygon contains (a riverside pier, a gap between simplified
-- outlines), the nearest subdistrict within :max_deg degrees (KNN on the GiST index).
-- Parameters: :lons, :lats  float8 arrays (EPSG:4326); :max_deg  search radius in degrees
-- Columns: i (1-based position), subdistrict_code, district_code
WITH p AS (
    SELECT t.i, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS g
    FROM unnest(CAST(:lons AS float8[]), CAST(:lats AS float8[])) WITH ORDINALITY AS t(lon, lat, i)
)
SELECT p.i,
       (SELECT a.code FROM admin_area a
        WHERE a.level = 'subdistrict' AND a.geom IS NOT NULL AND ST_DWithin(a.geom, p.g, :max_deg)
        ORDER BY a.geom <-> p.g, a.approximate LIMIT 1) AS subdistrict_code,
       (SELECT a.code FROM admin_area a
        WHERE a.level = 'district' AND a.geom IS NOT NULL AND ST_DWithin(a.geom, p.g, :max_deg)
        ORDER BY a.geom <-> p.g, a.approximate LIMIT 1) AS district_code
FROM p
ORDER BY p.i
