-- Purpose: tips per day (Asia/Bangkok) and category in an area and time window: a trend chart.
-- Parameters: :prefix DOPA code prefix ('' = everywhere); :since timestamptz or NULL
--   :categories text[] of categories to keep (empty = all)
--   :until timestamptz or NULL (no upper bound)
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- The code range next to LIKE lets the btree code indexes serve the prefix (LIKE alone
-- cannot under this database's collation).
-- Columns: day (date), category, n
SELECT (t.reported_at AT TIME ZONE 'Asia/Bangkok')::date AS day, t.category, count(*) AS n
FROM tip t
WHERE (:prefix = ''
       OR (t.subdistrict_code >= :prefix AND t.subdistrict_code < (:prefix || 'z')
           AND t.subdistrict_code LIKE :prefix || '%')
       OR (t.district_code >= :prefix AND t.district_code < (:prefix || 'z')
           AND t.district_code LIKE :prefix || '%'))
  AND (CAST(:since AS timestamptz) IS NULL OR t.reported_at >= :since)
  AND (CAST(:until AS timestamptz) IS NULL OR t.reported_at < :until)
  AND (cardinality(CAST(:categories AS text[])) = 0 OR t.category = ANY(CAST(:categories AS text[])))
  -- @include tip_filter
GROUP BY 1, 2
ORDER BY 1, 2
