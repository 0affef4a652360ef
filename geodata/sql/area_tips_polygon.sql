-- Purpose: tips inside a drawn polygon in a time window, per category and per Bangkok day (one
-- scan, two grouping sets). Aggregates only.
-- Parameters: :geojson the repaired MultiPolygon (EPSG:4326); :since, :until timestamptz or NULL
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- Columns: category (NULL on day rows), day (NULL on category rows), n
WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(:geojson), 4326) AS g)
SELECT t.category, (t.reported_at AT TIME ZONE 'Asia/Bangkok')::date AS day, count(*) AS n
FROM tip t, g
WHERE t.geom && g.g AND ST_Intersects(g.g, t.geom)
  -- the place and the window in one scan of tip_geom_gist (geom, reported_at as a range)
  AND tstzrange(t.reported_at, t.reported_at, '[]')
      && tstzrange(CAST(:since AS timestamptz), CAST(:until AS timestamptz), '[)')
  AND (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
  AND (CAST(:until AS timestamptz) IS NULL OR t.reported_at < :until)
  -- @include tip_filter
GROUP BY GROUPING SETS ((1), (2))
