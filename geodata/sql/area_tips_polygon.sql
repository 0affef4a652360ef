-- Purpose: tips inside a drawn polygon in a time window, per category and per Bangkok day (one
-- scan, two grouping sets). Aggregates only.
-- Parameters: :geojson the repaired MultiPolygon (EPSG:4326); :since, :until timestamptz or NULL
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- Columns: category (NULL on day rows), day (NULL on category rows), n
WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(:geojson), 4326) AS g)
SELECT t.category, (t.reported_at AT TIME ZONE 'Asia/Bangkok')::date AS day, count(*) AS n
FROM tip t, g
WHERE t.geom && g.g AND ST_Intersects(g.g, t.geom)
  -- since <= reported_at < until (open ends when NULL), written as ranges so that the place
  -- and the window are one scan of tip_geom_gist (geom, reported_at as a range); plain
  -- conditions on reported_at made the planner also scan the time index
  AND tstzrange(t.reported_at, t.reported_at, '[]')
      && tstzrange(CAST(:since AS timestamptz), CAST(:until AS timestamptz), '[)')
  -- @include tip_filter
GROUP BY GROUPING SETS ((1), (2))
