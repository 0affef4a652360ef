-- Purpose: tips per day (Asia/Bangkok) and category in an area and time window: a trend chart.
-- Parameters: :prefix DOPA code prefix ('' = everywhere); :since timestamptz or NULL
--   :categories text[] of categories to keep (empty = all)
--   :until timestamptz or NULL (no upper bound)
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- Area and window: fragment tip_area_window.
-- Columns: day (date), category, n
SELECT (t.reported_at AT TIME ZONE 'Asia/Bangkok')::date AS day, t.category, count(*) AS n
FROM tip t
WHERE (cardinality(CAST(:categories AS text[])) = 0 OR t.category = ANY(CAST(:categories AS text[])))
  -- @include tip_area_window
  -- @include tip_filter
GROUP BY 1, 2
ORDER BY 1, 2
