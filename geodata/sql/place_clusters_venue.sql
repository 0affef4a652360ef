-- Purpose: venues or lodging sites of a viewport counted per grid cell (map clusters), placed
-- at the mean position of their points. One statement per layer table, chosen by
-- geodata.tips.place_points from an allow-list: this is the venue one.
-- Parameters: :min_lon, :min_lat, :max_lon, :max_lat viewport (EPSG:4326);
--   :prefix DOPA code prefix ('' = everywhere); :cats text[] (empty = all);
--   :cell_deg cluster cell size in degrees
-- Columns: lon, lat (mean of the cluster's points), n
SELECT avg(ST_X(v.geom)) AS lon, avg(ST_Y(v.geom)) AS lat, count(*) AS n
FROM venue v
WHERE v.geom && ST_MakeEnvelope(:min_lon, :min_lat, :max_lon, :max_lat, 4326)
  AND (:prefix = '' OR v.subdistrict_code LIKE :prefix || '%' OR v.district_code LIKE :prefix || '%')
  AND (cardinality(CAST(:cats AS text[])) = 0 OR v.category = ANY(CAST(:cats AS text[])))
GROUP BY floor(ST_X(v.geom) / :cell_deg), floor(ST_Y(v.geom) / :cell_deg)
