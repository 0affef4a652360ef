-- Purpose: reverse-geocode a point to the admin areas that contain it (indexed point-in-polygon).
-- Parameters: :lon, :lat  degrees, EPSG:4326
-- Columns: level, code, name_th, name_en, approximate
SELECT a.level, a.code, a.name_th, a.name_en, a.approximate
FROM admin_area a
WHERE a.geom IS NOT NULL
  AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
ORDER BY length(a.code)
