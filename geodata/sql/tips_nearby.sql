-- Purpose: tips near a point within a radius and time window (tip has no geography index:
-- a degree box on the geometry index first, then metres on the spheroid).
-- Parameters: :lon, :lat; :radius_m metres; :deg box half-size in degrees (≥ radius);
--   :since timestamptz or NULL; :n rows
-- Columns: id, reported_at, category, status, reliability, metres, bearing, n_total
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g),
near AS (
    SELECT t.id, t.reported_at, t.category, t.status, t.reliability,
           ST_Distance(t.geom::geography, p.g::geography) AS metres,
           degrees(ST_Azimuth(p.g, t.geom)) AS bearing
    FROM tip t, p
    WHERE t.geom && ST_Expand(p.g, :deg)
      AND ST_DWithin(t.geom::geography, p.g::geography, :radius_m)
      AND (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
)
SELECT near.*, count(*) OVER () AS n_total FROM near ORDER BY metres LIMIT :n
