-- Purpose: one admin area's names, level and size (km² on the sphere; NULL without a polygon).
-- Parameters: :code DOPA code (2, 4 or 6 digits)
-- Columns: code, level, name_th, name_en, approximate, km2, has_geom
SELECT a.code, a.level, a.name_th, a.name_en, a.approximate,
       ST_Area(a.geom::geography) / 1e6 AS km2, a.geom IS NOT NULL AS has_geom
FROM admin_area a
WHERE a.code = :code
