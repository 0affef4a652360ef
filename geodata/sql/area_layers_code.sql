-- Purpose: what an admin area holds, for the area summary: venues per category and per
-- sensitivity, lodging sites, and active patrol units whose last position lies in the area.
-- Venues and lodging belong to the area by their codes (as in venues_in_area.sql); units by
-- their position inside the area's polygon.
-- Parameters: :prefix DOPA code of the area (2, 4 or 6 digits)
-- Area by code: `code >= :prefix AND code < :prefix || 'z'` lets the btree code indexes
-- serve the prefix (LIKE alone cannot under this database's collation); LIKE keeps it exact.
-- Columns: layer ('venue_category' | 'venue_sensitivity' | 'lodging' | 'units'), key, n
SELECT CASE WHEN GROUPING(v.category) = 0 THEN 'venue_category' ELSE 'venue_sensitivity' END
           AS layer,
       CASE WHEN GROUPING(v.category) = 0 THEN v.category ELSE v.sensitivity::text END AS key,
       count(*) AS n
FROM venue v
WHERE (v.subdistrict_code >= :prefix AND v.subdistrict_code < (:prefix || 'z')
       AND v.subdistrict_code LIKE :prefix || '%')
       OR (v.district_code >= :prefix AND v.district_code < (:prefix || 'z')
           AND v.district_code LIKE :prefix || '%')
GROUP BY GROUPING SETS ((v.category), (v.sensitivity))
UNION ALL
SELECT 'lodging', '', count(*)
FROM lodging_site l
WHERE (l.subdistrict_code >= :prefix AND l.subdistrict_code < (:prefix || 'z')
       AND l.subdistrict_code LIKE :prefix || '%')
       OR (l.district_code >= :prefix AND l.district_code < (:prefix || 'z')
           AND l.district_code LIKE :prefix || '%')
UNION ALL
SELECT 'units', '', count(*)
FROM patrol_unit u
JOIN LATERAL (
    SELECT geom FROM unit_position WHERE unit_id = u.id ORDER BY recorded_at DESC LIMIT 1
) p ON true
JOIN admin_area a ON a.code = :prefix
WHERE u.active AND a.geom && p.geom AND ST_Intersects(a.geom, p.geom)
