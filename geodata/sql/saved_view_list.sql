-- Purpose: one person's saved views of one kind, newest first.
-- Parameters: :owner app_user id; :kind 'filter' | 'report_area'
-- Columns: id, kind, name, spec, area_code, created_at, geojson, km2
SELECT id, kind, name, spec, area_code, created_at, ST_AsGeoJSON(geom, 6) AS geojson,
       ST_Area(geom::geography) / 1e6 AS km2
FROM saved_view
WHERE owner_id = :owner AND kind = :kind
ORDER BY created_at DESC, id DESC
