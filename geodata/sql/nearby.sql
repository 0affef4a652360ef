-- Purpose: the nearest venues and lodging sites to a point, within a radius, with distance
-- (metres, on the sphere) and bearing (degrees from north). Candidates come from a KNN walk of
-- the geometry index inside a degree box; metres are computed only for them.
-- Parameters: :lon, :lat (EPSG:4326); :radius_m metres; :deg box half-size in degrees (≥ the
--   radius); :k candidates per layer (a few times the rows wanted)
-- Columns: layer, id, name_th, name_en, category, sensitivity, lon, lat, metres, bearing
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g),
v AS (
    SELECT 'venue' AS layer, v.id, v.name_th, v.name_en, v.category, v.sensitivity, v.geom
    FROM venue v, p
    WHERE v.geom && ST_Expand(p.g, :deg)
    ORDER BY v.geom <-> p.g
    LIMIT :k
),
l AS (
    SELECT 'lodging' AS layer, l.id, l.name_th, l.name_en, l.lodging_type AS category,
           NULL::smallint AS sensitivity, l.geom
    FROM lodging_site l, p
    WHERE l.geom && ST_Expand(p.g, :deg)
    ORDER BY l.geom <-> p.g
    LIMIT :k
),
x AS (
    SELECT c.*, ST_Distance(c.geom::geography, p.g::geography, false) AS metres,
           degrees(ST_Azimuth(p.g, c.geom)) AS bearing
    FROM (SELECT * FROM v UNION ALL SELECT * FROM l) c, p
)
SELECT layer, id, name_th, name_en, category, sensitivity, ST_X(geom) AS lon, ST_Y(geom) AS lat,
       metres, bearing
FROM x
WHERE metres <= :radius_m
ORDER BY layer, metres
