-- Purpose: one tip in full for the detail panel (never the reporter hash).
-- Parameters: :tip_id bigint
-- Columns: id, source, reported_at, channel, category, status, reliability, text, address_raw,
--          geo_precision, geo_confidence, lon, lat, province_code, district_code, subdistrict_code
SELECT t.id, t.source, t.reported_at, t.channel, t.category, t.status, t.reliability, t.text,
       t.address_raw, t.geo_precision, t.geo_confidence, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat,
       t.province_code, t.district_code, t.subdistrict_code
FROM tip t
WHERE t.id = :tip_id
