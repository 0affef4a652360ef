-- Purpose: tips near a point within a radius and time window: a degree box on the geometry
-- index, then metres on the sphere (cheap) for the tips in the box.
-- Parameters: :lon, :lat; :radius_m metres; :deg box half-size in degrees (≥ radius);
--   :since timestamptz or NULL; :n rows
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- Columns: id, reported_at, category, status, reliability, metres, bearing, n_total
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g),
near AS (
    SELECT t.id, t.reported_at, t.category, t.status, t.reliability,
           ST_Distance(t.geom::geography, p.g::geography, false) AS metres,
           degrees(ST_Azimuth(p.g, t.geom)) AS bearing
    FROM tip t, p
    WHERE t.geom && ST_Expand(p.g, :deg)
      -- reported_at >= :since (none when NULL), written as ranges so that the place and the
      -- window are one scan of tip_geom_gist (geom, reported_at as a range); a plain
      -- condition on reported_at made the planner also scan the time index (40 ms)
      AND tstzrange(t.reported_at, t.reported_at, '[]')
          && tstzrange(CAST(:since AS timestamptz), NULL, '[)')
      -- @include tip_filter
)
SELECT near.*, count(*) OVER () AS n_total FROM near WHERE metres <= :radius_m
ORDER BY metres LIMIT :n
