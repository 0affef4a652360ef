-- Purpose: the nearest venues and lodging sites to a point, within a radius, with distance
-- (metres) and bearing (degrees from north). KNN on the geometry index, then metres checked on
-- the spheroid.
-- Parameters: :lon, :lat (EPSG:4326); :radius_m metres; :n rows per layer
-- Columns: layer, id, name_th, name_en, category, sensitivity, lon, lat, metres, bearing
(SELECT 'venue' AS layer, v.id, v.name_th, v.name_en, v.category, v.sensitivity,
        ST_X(v.geom) AS lon, ST_Y(v.geom) AS lat,
        ST_Distance(v.geom::geography, p.g::geography) AS metres,
        degrees(ST_Azimuth(p.g, v.geom)) AS bearing
 FROM venue v, (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g) p
 WHERE v.geom IS NOT NULL AND ST_DWithin(v.geom::geography, p.g::geography, :radius_m)
 ORDER BY v.geom::geography <-> p.g::geography
 LIMIT :n)
UNION ALL
(SELECT 'lodging', l.id, l.name_th, l.name_en, l.lodging_type, NULL,
        ST_X(l.geom), ST_Y(l.geom),
        ST_Distance(l.geom::geography, p.g::geography),
        degrees(ST_Azimuth(p.g, l.geom))
 FROM lodging_site l, (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g) p
 WHERE l.geom IS NOT NULL AND ST_DWithin(l.geom::geography, p.g::geography, :radius_m)
 ORDER BY l.geom::geography <-> p.g::geography
 LIMIT :n)
