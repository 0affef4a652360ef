-- Purpose: the nearest venues and lodging sites to a point, within a radius, with distance
-- (metres, on the sphere) and bearing (degrees from north). Candidates come from a KNN walk of
-- each layer's geometry index (ordered by <-> with a LIMIT: only :k rows are read, however
-- dense the layer); metres are computed only for them. The point is written in each walk,
-- not joined from a CTE: the planner then orders the index scan by it (with a joined point
-- and a box filter it chose a bitmap scan of the whole box and a sort, 3x slower in a dense
-- city).
-- Parameters: :lon, :lat (EPSG:4326); :radius_m metres; :k candidates per layer (a few times
--   the rows wanted)
-- Columns: layer, id, name_th, name_en, category, sensitivity, lon, lat, metres, bearing
WITH v AS (
    SELECT 'venue' AS layer, v.id, v.name_th, v.name_en, v.category, v.sensitivity, v.geom
    FROM venue v
    ORDER BY v.geom <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)
    LIMIT :k
),
l AS (
    SELECT 'lodging' AS layer, l.id, l.name_th, l.name_en, l.lodging_type AS category,
           NULL::smallint AS sensitivity, l.geom
    FROM lodging_site l
    ORDER BY l.geom <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)
    LIMIT :k
),
x AS (
    SELECT c.*, ST_Distance(c.geom::geography, p.g::geography, false) AS metres,
           degrees(ST_Azimuth(p.g, c.geom)) AS bearing
    FROM (SELECT * FROM v UNION ALL SELECT * FROM l) c,
         (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g) p
)
SELECT layer, id, name_th, name_en, category, sensitivity, ST_X(geom) AS lon, ST_Y(geom) AS lat,
       metres, bearing
FROM x
WHERE metres <= :radius_m
ORDER BY layer, metres
