-- Purpose: number of tips per category in an area and time window (aggregates only).
-- Parameters:
--   :prefix  DOPA code prefix of the area ('' = everywhere; '10' Bangkok; '1001' Phra Nakhon)
--   :since   timestamptz or NULL (no lower bound); :until timestamptz or NULL
-- Columns: category, n
SELECT t.category, count(*) AS n
FROM tip t
WHERE (:prefix = '' OR t.subdistrict_code LIKE :prefix || '%' OR t.district_code LIKE :prefix || '%')
  AND (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
  AND (CAST(:until AS timestamptz) IS NULL OR t.reported_at < :until)
GROUP BY t.category
ORDER BY n DESC, t.category
