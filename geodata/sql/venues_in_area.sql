-- Purpose: sensitive venues in an area, most sensitive first, for lists and map points.
-- Parameters:
--   :prefix  DOPA code prefix ('' = everywhere)
--   :limit   maximum rows
-- The whole country reads venue_rank_idx (sensitivity DESC, name_th, id) in order and stops
-- at :limit; an area's code range lets the btree code indexes find its venues (LIKE alone
-- cannot under this database's collation; it keeps the match exact).
-- Columns: id, name_th, name_en, category, sensitivity, lon, lat, subdistrict_code
SELECT v.id, v.name_th, v.name_en, v.category, v.sensitivity, ST_X(v.geom) AS lon,
       ST_Y(v.geom) AS lat, v.subdistrict_code
FROM venue v
WHERE (:prefix = '' OR (v.subdistrict_code >= :prefix AND v.subdistrict_code < (:prefix || 'z')
                         AND v.subdistrict_code LIKE :prefix || '%')
       OR (v.district_code >= :prefix AND v.district_code < (:prefix || 'z')
           AND v.district_code LIKE :prefix || '%'))
ORDER BY v.sensitivity DESC, v.name_th, v.id
LIMIT :limit
