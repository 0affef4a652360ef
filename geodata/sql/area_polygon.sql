-- Purpose: a drawn or lasso polygon made usable: SRID 4326 set, repaired with ST_MakeValid,
-- only its polygonal parts kept, as one MultiPolygon; with its size on the sphere.
-- Parameters: :geojson a GeoJSON Polygon (lon/lat, EPSG:4326), already checked in Python
-- Columns: geojson (the repaired MultiPolygon), km2, empty (true when nothing with area is left)
WITH g AS (
    SELECT ST_Multi(ST_CollectionExtract(
               ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(:geojson), 4326)), 3)) AS g
)
SELECT ST_AsGeoJSON(g.g) AS geojson,
       ST_Area(g.g::geography) / 1e6 AS km2,
       ST_IsEmpty(g.g) OR ST_Area(g.g) = 0 AS empty
FROM g
