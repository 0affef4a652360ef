-- Purpose: sensitive venues in an area, most sensitive first, for lists and map points.
-- Parameters:
--   :prefix  DOPA code prefix ('' = everywhere)
--   :limit   maximum rows
-- Columns: id, name_th, name_en, category, sensitivity, lon, lat, subdistrict_code
SELECT v.id, v.name_th, v.name_en, v.category, v.sensitivity, ST_X(v.geom) AS lon,
       ST_Y(v.geom) AS lat, v.subdistrict_code
FROM venue v
WHERE (:prefix = '' OR v.subdistrict_code LIKE :prefix || '%' OR v.district_code LIKE :prefix || '%')
ORDER BY v.sensitivity DESC, v.name_th, v.id
LIMIT :limit
