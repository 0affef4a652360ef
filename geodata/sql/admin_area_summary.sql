-- Purpose: how many admin areas each level holds, and how many have official boundaries.
-- Parameters: :prefix  DOPA code prefix ('' = whole country)
-- Columns: level, n (areas), n_official (official boundary imported), n_approximate (derived
--          outline), n_without_polygon
SELECT level,
       count(*) AS n,
       count(*) FILTER (WHERE geom_source = 'ocha-cod-ab') AS n_official,
       count(*) FILTER (WHERE geom IS NOT NULL AND approximate) AS n_approximate,
       count(*) FILTER (WHERE geom IS NULL) AS n_without_polygon
FROM admin_area
WHERE code LIKE :prefix || '%'
GROUP BY level
ORDER BY min(length(code))
