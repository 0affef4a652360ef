-- Purpose: GeoNames places, the geocoder's last fallback before "none".
-- Columns: id, name, admin1, admin2, province_code, lon, lat
SELECT p.id, p.name, p.admin1, p.admin2, p.province_code, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
FROM place p
ORDER BY p.id
