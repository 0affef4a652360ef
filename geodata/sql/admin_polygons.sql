-- Purpose: outlines of one level for an in-memory spatial index (batch reverse geocoding).
-- Official outlines come first: where an approximate one overlaps, the official one wins.
-- Parameters: :level  province | district | subdistrict
-- Columns: code, wkb (EPSG:4326), approximate
SELECT a.code, ST_AsBinary(a.geom) AS wkb, a.approximate
FROM admin_area a
WHERE a.level = :level AND a.geom IS NOT NULL
ORDER BY a.approximate, a.code
