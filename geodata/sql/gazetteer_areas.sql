-- Purpose: every admin area with the point a geocoder should answer for it.
-- Official polygons give their centroid (or a point on the surface when the centroid falls
-- outside); approximate or missing polygons give the reference centroid.
-- Columns: code, level, parent_code, name_th, name_en, postcodes, approximate, official, lon, lat,
--          area_km2 (official polygons only)
SELECT s.code, s.level, s.parent_code, s.name_th, s.name_en, s.postcodes, s.approximate,
       s.official, ST_X(s.pt) AS lon, ST_Y(s.pt) AS lat,
       CASE WHEN s.official THEN ST_Area(s.geom::geography) / 1e6 END AS area_km2
FROM (
    SELECT a.code, a.level, a.parent_code, a.name_th, a.name_en, a.postcodes, a.approximate,
           (a.geom IS NOT NULL AND NOT a.approximate) AS official, a.geom,
           CASE
               WHEN a.geom IS NOT NULL AND NOT a.approximate THEN
                   CASE WHEN ST_Contains(a.geom, ST_Centroid(a.geom)) THEN ST_Centroid(a.geom)
                        ELSE ST_PointOnSurface(a.geom) END
               ELSE coalesce(a.centroid, ST_PointOnSurface(a.geom))
           END AS pt
    FROM admin_area a
) s
ORDER BY s.code
