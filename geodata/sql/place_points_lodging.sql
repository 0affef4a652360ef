-- Purpose: lodging sites of a viewport as map points (when few enough; see
-- place_clusters_lodging). The lodging type stands as the category; no sensitivity.
-- Parameters: :min_lon, :min_lat, :max_lon, :max_lat viewport (EPSG:4326);
--   :prefix DOPA code prefix ('' = everywhere); :cats text[] of lodging types (empty = all);
--   :limit rows
-- Columns: id, lon, lat, name_th, name_en, category, source
SELECT v.id, ST_X(v.geom) AS lon, ST_Y(v.geom) AS lat, v.name_th, v.name_en,
       v.lodging_type AS category, v.source
FROM lodging_site v
WHERE v.geom && ST_MakeEnvelope(:min_lon, :min_lat, :max_lon, :max_lat, 4326)
  AND (:prefix = '' OR v.subdistrict_code LIKE :prefix || '%' OR v.district_code LIKE :prefix || '%')
  AND (cardinality(CAST(:cats AS text[])) = 0 OR v.lodging_type = ANY(CAST(:cats AS text[])))
ORDER BY v.id
LIMIT :limit
