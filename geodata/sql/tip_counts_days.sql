-- Purpose: number of tips per category in an area and time window (aggregates only), as
-- tip_counts.sql, from the pre-aggregated tip_area_day table (migration 0012): whole Bangkok
-- days from tip_area_day, the partial days at either end of the window from tip itself, so
-- the answer is exact. Serves prefixes of 0, 2 and 4 digits (geodata.tips.tip_counts).
-- Parameters:
--   :lvl     tip_area_day level: 0 for a prefix of 0 or 2 digits, 1 for 4 digits
--   :prefix  DOPA code prefix of the area ('' = everywhere; '10' Bangkok; '1001' Phra Nakhon)
--   :since   timestamptz or NULL (no lower bound); :until timestamptz or NULL
--   :d1, :d2 dates: whole Bangkok days [d1, d2) read from tip_area_day
--   :h0, :h1, :t0, :t1 timestamptz (or NULL): the partial days [h0, h1) and [t0, t1) from tip
--   :categories text[] of categories to keep (empty = all)
--   :statuses, :grades text[] (fragment tip_filter: status and source grade; empty = all)
-- Whole days: fragment area_day_filter; raw spans: area and window fragment tip_area_window.
-- Columns: category, n
WITH parts AS (
    SELECT a.category, a.n
    FROM tip_area_day_counts a
    WHERE a.lvl = :lvl AND (:prefix = '' OR a.code = :prefix)
      AND a.day >= :d1 AND a.day < :d2
      -- @include area_day_filter
    UNION ALL
    SELECT t.category, 1
    FROM tip t
    WHERE ((t.reported_at >= :h0 AND t.reported_at < :h1)
           OR (t.reported_at >= :t0 AND t.reported_at < :t1))
      AND (cardinality(CAST(:categories AS text[])) = 0
           OR t.category = ANY(CAST(:categories AS text[])))
      -- @include tip_area_window
      -- @include tip_filter
)
SELECT category, CAST(sum(n) AS bigint) AS n
FROM parts
GROUP BY category
HAVING sum(n) > 0
ORDER BY n DESC, category
