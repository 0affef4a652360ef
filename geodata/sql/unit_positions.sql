-- Purpose: each active patrol unit's last known position.
-- Parameters: :prefix  DOPA code prefix of the unit's home district ('' = everywhere)
-- Columns: callsign, agency, unit_type, home_district_code, lon, lat, recorded_at
SELECT u.callsign, u.agency, u.unit_type, u.home_district_code,
       ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, p.recorded_at
FROM patrol_unit u
JOIN LATERAL (
    SELECT geom, recorded_at FROM unit_position
    WHERE unit_id = u.id ORDER BY recorded_at DESC LIMIT 1
) p ON true
WHERE u.active
  AND (:prefix = '' OR u.home_district_code LIKE :prefix || '%')
ORDER BY u.callsign
