-- Purpose: venues of a viewport as map points (when few enough; see place_clusters_venue).
-- Parameters: :min_lon, :min_lat, :max_lon, :max_lat viewport (EPSG:4326);
--   :prefix DOPA code prefix ('' = everywhere); :cats text[] (empty = all); :limit rows
-- Columns: id, lon, lat, name_th, name_en, category, sensitivity, source
SELECT v.id, ST_X(v.geom) AS lon, ST_Y(v.geom) AS lat, v.name_th, v.name_en, v.category,
       v.sensitivity, v.source
FROM venue v
WHERE v.geom && ST_MakeEnvelope(:min_lon, :min_lat, :max_lon, :max_lat, 4326)
  AND (:prefix = '' OR v.subdistrict_code LIKE :prefix || '%' OR v.district_code LIKE :prefix || '%')
  AND (cardinality(CAST(:cats AS text[])) = 0 OR v.category = ANY(CAST(:cats AS text[])))
ORDER BY v.sensitivity DESC, v.id
LIMIT :limit
