-- Purpose: one venue in full for the map's details panel (the caller drops fields by role).
-- Parameters: :id venue id
-- Columns: id, lon, lat, name_th, name_en, category, sensitivity, address_raw, contact,
--   source, source_id, geo_precision, geo_confidence, subdistrict/district/province names
--   (Thai and English), updated_at
SELECT v.id, ST_X(v.geom) AS lon, ST_Y(v.geom) AS lat, v.name_th, v.name_en, v.category,
       v.sensitivity, v.address_raw, v.contact, v.source, v.source_id, v.geo_precision,
       v.geo_confidence, s.name_th AS subdistrict_th, s.name_en AS subdistrict_en,
       d.name_th AS district_th, d.name_en AS district_en, p.name_th AS province_th,
       p.name_en AS province_en, v.updated_at
FROM venue v
LEFT JOIN admin_area s ON s.code = v.subdistrict_code
LEFT JOIN admin_area d ON d.code = v.district_code
LEFT JOIN admin_area p ON p.code = v.province_code
WHERE v.id = :id
