-- Purpose: number of tips per category in an area and time window (aggregates only).
-- Parameters:
--   :prefix  DOPA code prefix of the area ('' = everywhere; '10' Bangkok; '1001' Phra Nakhon)
--   :since   timestamptz or NULL (no lower bound); :until timestamptz or NULL
--   :categories text[] of categories to keep (empty = all)
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- Area and window: fragment tip_area_window.
-- Columns: category, n
SELECT t.category, count(*) AS n
FROM tip t
WHERE (cardinality(CAST(:categories AS text[])) = 0 OR t.category = ANY(CAST(:categories AS text[])))
  -- @include tip_area_window
  -- @include tip_filter
GROUP BY t.category
ORDER BY n DESC, t.category
