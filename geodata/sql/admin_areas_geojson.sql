-- Purpose: admin areas of one level as a GeoJSON FeatureCollection for map display.
-- Parameters:
--   :level          'province' | 'district' | 'subdistrict'
--   :prefix         DOPA code prefix to restrict to ('' = whole country; '10' = Bangkok)
--   :tolerance_deg  simplification tolerance in degrees (EPSG:4326); 0.001 deg ~ 110 m
--   :decimals       decimals of the coordinates written (finer than the tolerance)
-- Columns: fc (json FeatureCollection; properties code, name_th, name_en, approximate, source)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', coalesce(json_agg(json_build_object(
        'type', 'Feature',
        'id', a.code,
        'properties', json_build_object(
            'code', a.code, 'name_th', a.name_th, 'name_en', a.name_en,
            'approximate', a.approximate, 'source', a.geom_source),
        'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(a.geom, :tolerance_deg), :decimals)::json
    ) ORDER BY a.code), '[]'::json)
) AS fc
FROM admin_area a
WHERE a.level = :level
  AND a.code LIKE :prefix || '%'
  AND a.geom IS NOT NULL
