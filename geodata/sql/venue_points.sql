-- Purpose: sensitive venues of an area as map points.
-- Parameters:
--   :prefix  DOPA code prefix ('' = everywhere)
--   :limit   maximum rows (most sensitive first)
-- Columns: lon, lat, name_th, name_en, category, sensitivity, source
SELECT ST_X(v.geom) AS lon, ST_Y(v.geom) AS lat, v.name_th, v.name_en, v.category,
       v.sensitivity, v.source
FROM venue v
WHERE v.geom IS NOT NULL
  AND (:prefix = '' OR v.subdistrict_code LIKE :prefix || '%' OR v.district_code LIKE :prefix || '%')
ORDER BY v.sensitivity DESC, v.id
LIMIT :limit
