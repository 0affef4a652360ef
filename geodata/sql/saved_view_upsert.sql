-- Purpose: save (or replace, by owner, kind and name) one saved view: a map filter or an area
-- sent to a report. A polygon arrives as GeoJSON already repaired (area_polygon.sql); it is made
-- valid once more in case the text round trip moved a vertex.
-- Parameters: :owner app_user id; :kind 'filter' | 'report_area'; :name; :spec JSON text;
--   :area_code DOPA code or NULL; :geojson GeoJSON (Multi)Polygon in EPSG:4326, or NULL
-- Columns: id, kind, name, spec, area_code, created_at, geojson, km2
WITH saved AS (
    INSERT INTO saved_view (owner_id, kind, name, spec, area_code, geom)
    VALUES (:owner, :kind, :name, CAST(:spec AS jsonb), :area_code,
            CASE WHEN CAST(:geojson AS text) IS NULL THEN NULL
                 ELSE ST_Multi(ST_CollectionExtract(ST_MakeValid(
                          ST_SetSRID(ST_GeomFromGeoJSON(:geojson), 4326)), 3)) END)
    ON CONFLICT (owner_id, kind, name) DO UPDATE
        SET spec = EXCLUDED.spec, area_code = EXCLUDED.area_code, geom = EXCLUDED.geom,
            created_at = now()
    RETURNING *
)
SELECT id, kind, name, spec, area_code, created_at, ST_AsGeoJSON(geom, 6) AS geojson,
       ST_Area(geom::geography) / 1e6 AS km2
FROM saved
