-- Purpose: number of tips per category in an area and time window (aggregates only).
-- Parameters:
--   :prefix  DOPA code prefix of the area ('' = everywhere; '10' Bangkok; '1001' Phra Nakhon)
--   :since   timestamptz or NULL (no lower bound); :until timestamptz or NULL
--   :categories text[] of categories to keep (empty = all)
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- The code range next to LIKE lets the btree code indexes serve the prefix (LIKE alone
-- cannot under this database's collation).
-- Columns: category, n
SELECT t.category, count(*) AS n
FROM tip t
WHERE (:prefix = ''
       OR (t.subdistrict_code >= :prefix AND t.subdistrict_code < (:prefix || 'z')
           AND t.subdistrict_code LIKE :prefix || '%')
       OR (t.district_code >= :prefix AND t.district_code < (:prefix || 'z')
           AND t.district_code LIKE :prefix || '%'))
  AND (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
  AND (cardinality(CAST(:categories AS text[])) = 0 OR t.category = ANY(CAST(:categories AS text[])))
  AND (CAST(:until AS timestamptz) IS NULL OR t.reported_at < :until)
  -- @include tip_filter
GROUP BY t.category
ORDER BY n DESC, t.category
