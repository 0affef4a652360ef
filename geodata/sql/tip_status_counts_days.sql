-- Purpose: number of tips per status in an area and time window (aggregates only), as
-- tip_status_counts.sql, from tip_area_day (migration 0012): whole Bangkok days from the
-- aggregate, the partial days at either end of the window from tip itself (exact). Serves
-- prefixes of 0, 2 and 4 digits (geodata.tips.tip_status_counts).
-- Parameters:
--   :lvl     tip_area_day level: 0 for a prefix of 0 or 2 digits, 1 for 4 digits
--   :prefix  DOPA code prefix of the area ('' = everywhere)
--   :since   timestamptz or NULL (no lower bound); :until timestamptz or NULL
--   :d1, :d2 dates: whole Bangkok days [d1, d2) read from tip_area_day
--   :h0, :h1, :t0, :t1 timestamptz (or NULL): the partial days [h0, h1) and [t0, t1) from tip
-- Raw spans: area and window fragment tip_area_window.
-- Columns: status, n
WITH parts AS (
    SELECT a.status, a.n
    FROM tip_area_day_counts a
    WHERE a.lvl = :lvl AND (:prefix = '' OR a.code = :prefix)
      AND a.day >= :d1 AND a.day < :d2
    UNION ALL
    SELECT t.status, 1
    FROM tip t
    WHERE ((t.reported_at >= :h0 AND t.reported_at < :h1)
           OR (t.reported_at >= :t0 AND t.reported_at < :t1))
      -- @include tip_area_window
)
SELECT status, CAST(sum(n) AS bigint) AS n
FROM parts
GROUP BY status
HAVING sum(n) > 0
ORDER BY n DESC, status
