-- Purpose: the nearest subdistrict, then the nearest district, to a point that no polygon
-- contains (a hexagon centre on the river or the sea, a gap between simplified outlines),
-- within :max_deg degrees (KNN on the GiST index).
-- Parameters: :lon, :lat  degrees, EPSG:4326; :max_deg  search radius in degrees
-- Columns: level, code, name_th, name_en, approximate
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g)
SELECT n.level, n.code, n.name_th, n.name_en, n.approximate
FROM p
CROSS JOIN unnest(ARRAY['subdistrict', 'district']) WITH ORDINALITY AS lv(level, i)
CROSS JOIN LATERAL (
    SELECT a.level, a.code, a.name_th, a.name_en, a.approximate
    FROM admin_area a
    WHERE a.level = lv.level AND a.geom IS NOT NULL AND ST_DWithin(a.geom, p.g, :max_deg)
    ORDER BY a.geom <-> p.g, a.approximate
    LIMIT 1
) n
ORDER BY lv.i
