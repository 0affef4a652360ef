-- Purpose: what a drawn polygon holds, for the area summary: venues per category and per
-- sensitivity, lodging sites, and active patrol units whose last position lies inside.
-- Parameters: :geojson the repaired MultiPolygon (from area_polygon.sql), EPSG:4326
-- Columns: layer ('venue_category' | 'venue_sensitivity' | 'lodging' | 'units'), key, n
WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(:geojson), 4326) AS g)
SELECT CASE WHEN GROUPING(v.category) = 0 THEN 'venue_category' ELSE 'venue_sensitivity' END
           AS layer,
       CASE WHEN GROUPING(v.category) = 0 THEN v.category ELSE v.sensitivity::text END AS key,
       count(*) AS n
FROM venue v, g
WHERE v.geom && g.g AND ST_Intersects(g.g, v.geom)
GROUP BY GROUPING SETS ((v.category), (v.sensitivity))
UNION ALL
SELECT 'lodging', '', count(*)
FROM lodging_site l, g
WHERE l.geom && g.g AND ST_Intersects(g.g, l.geom)
UNION ALL
SELECT 'units', '', count(*)
FROM patrol_unit u
JOIN LATERAL (
    SELECT geom FROM unit_position WHERE unit_id = u.id ORDER BY recorded_at DESC LIMIT 1
) p ON true
CROSS JOIN g
WHERE u.active AND p.geom && g.g AND ST_Intersects(g.g, p.geom)
