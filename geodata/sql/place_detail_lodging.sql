-- Purpose: one lodging site in full for the map's details panel (the caller drops fields by
-- role).
-- Parameters: :id lodging_site id
-- Columns: id, lon, lat, name_th, name_en, lodging_type, rooms, address_raw, contact,
--   licence_no, licence_expires, source, source_id, geo_precision, geo_confidence,
--   subdistrict/district/province names (Thai and English), updated_at
SELECT l.id, ST_X(l.geom) AS lon, ST_Y(l.geom) AS lat, l.name_th, l.name_en, l.lodging_type,
       l.rooms, l.address_raw, l.contact, l.licence_no, l.licence_expires, l.source,
       l.source_id, l.geo_precision, l.geo_confidence, s.name_th AS subdistrict_th,
       s.name_en AS subdistrict_en, d.name_th AS district_th, d.name_en AS district_en,
       p.name_th AS province_th, p.name_en AS province_en, l.updated_at
FROM lodging_site l
LEFT JOIN admin_area s ON s.code = l.subdistrict_code
LEFT JOIN admin_area d ON d.code = l.district_code
LEFT JOIN admin_area p ON p.code = l.province_code
WHERE l.id = :id
